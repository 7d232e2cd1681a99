"""Our own cases, worded unlike the reference ones (other SDKs, old and new texts); every code once."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from wizard.diagnosis import RULES, diagnose

EXTRA = Path(__file__).resolve().parent / "data" / "diagnosis_extra_cases.json"
CASES: list[dict[str, Any]] = json.loads(EXTRA.read_text(encoding="utf-8"))
#: Rule families with their own case files (test_diagnosis_beyond_token.py, test_diagnosis_federated.py).
FAMILIES = (
    "diagnosis_beyond_token_cases.json",
    "diagnosis_federated_cases.json",
    "diagnosis_tenant_writes_cases.json",
    "diagnosis_isv_cases.json",
    "diagnosis_fic_writes_cases.json",
)


@pytest.mark.parametrize("case", [pytest.param(c, id=c["id"]) for c in CASES])
def test_extra_case(case: dict[str, Any]) -> None:
    result = diagnose(case["evidence"])
    assert result.findings, f"{case['id']}: no finding"
    assert result.findings[0].code in case["expect"], f"{case['id']}: got {result.codes}"
    assert result.verdict == ("ok" if case["expect"][0] == "ok" else "fail")


def test_every_code_is_the_first_finding_of_some_extra_case() -> None:
    every = list(CASES)
    for name in FAMILIES:
        every += json.loads((EXTRA.parent / name).read_text(encoding="utf-8"))
    firsts = {diagnose(c["evidence"]).findings[0].code for c in every}
    missing = sorted(r.code for r in RULES if r.code not in firsts)
    assert missing == []


def test_every_rule_has_a_detector_and_links_or_is_ok() -> None:
    for rule in RULES:
        assert rule.detectors, rule.code
        assert rule.links or rule.code == "ok", rule.code
        assert all(link.startswith("https://") for link in rule.links)
