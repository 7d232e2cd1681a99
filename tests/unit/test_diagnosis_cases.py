"""Every reference case of tests/data/reference/diagnosis-cases.json yields an accepted first finding."""

from __future__ import annotations

from typing import Any

import pytest
from reference_data import DIAGNOSIS_CASES, load_json_list

from wizard.diagnosis import RULES, diagnose


def _reference_cases() -> list[Any]:
    # A missing or empty file fails collection loudly instead of skipping.
    return [pytest.param(c, id=c["id"]) for c in load_json_list(DIAGNOSIS_CASES)]


def _check(case: dict[str, Any]) -> None:
    result = diagnose(case["evidence"])
    assert result.findings, f"{case['id']}: no finding"
    first = result.findings[0]
    assert first.code in case["expect"], f"{case['id']}: got {result.codes}, expected one of {case['expect']}"
    assert first.code in RULES
    assert result.verdict == ("ok" if first.code == "ok" else "fail")


@pytest.mark.parametrize("case", _reference_cases())
def test_reference_case(case: dict[str, Any]) -> None:
    _check(case)
