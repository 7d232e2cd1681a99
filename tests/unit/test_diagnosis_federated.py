"""Federated credentials: each code from several wordings, the diff behind them, the alias kept."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from wizard.diagnosis import diagnose

DATA = Path(__file__).resolve().parent / "data" / "diagnosis_federated_cases.json"
CASES: list[dict[str, Any]] = json.loads(DATA.read_text(encoding="utf-8"))
CODES = {
    "federated-issuer-mismatch",
    "federated-subject-mismatch",
    "federated-subject-case",
    "federated-audience-mismatch",
    "federated-no-credential",
    "federated-token-expired",
    "federated-token-invalid",
    "federated-issuer-unreachable",
    "federated-key-unknown",
    "replication-pending",
}


def test_every_federated_code_has_two_cases() -> None:
    seen: dict[str, int] = {}
    for case in CASES:
        seen[case["expect"][0]] = seen.get(case["expect"][0], 0) + 1
    assert set(seen) == CODES
    assert min(seen.values()) >= 2, seen


@pytest.mark.parametrize("case", [pytest.param(c, id=c["id"]) for c in CASES])
def test_case(case: dict[str, Any]) -> None:
    result = diagnose(case["evidence"], strict=True)
    assert result.verdict == "fail"
    assert result.codes[:1] == case["expect"][:1], result.codes
    first = result.findings[0]
    for needle in case.get("fix_has", []):
        assert needle in first.fix, first.fix
    for needle in case.get("explanation_has", []):
        assert needle in first.explanation, first.explanation
    others = (CODES - {case["expect"][0]}) & set(result.codes[:1])
    assert not others


@pytest.mark.parametrize("case", [pytest.param(c, id=c["id"]) for c in CASES])
def test_the_old_code_stays_as_an_alias_below(case: dict[str, Any]) -> None:
    codes = diagnose(case["evidence"]).codes
    if "federated-mismatch" in codes:
        assert codes.index("federated-mismatch") > 0


def test_bare_70021_without_more_is_the_generic_code() -> None:
    result = diagnose("AADSTS70021: No matching federated identity record found for presented assertion.")
    assert result.codes[0] == "federated-mismatch"


def test_a_certificate_assertion_out_of_time_is_not_federated() -> None:
    result = diagnose(
        {
            "config": {"credential_type": "certificate"},
            "token_error": "AADSTS700024: Client assertion is not within its valid time range.",
        }
    )
    assert result.codes[0] == "assertion-time-invalid"
    assert "federated-token-expired" not in result.codes
