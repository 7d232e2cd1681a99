"""Every reference case of ../shared/reference/diagnosis-cases.json yields an accepted first finding."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from wizard.diagnosis import RULES, diagnose

REFERENCE = Path(__file__).resolve().parents[2].parent / "shared" / "reference"


def _load(path: Path) -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    return cases


def _reference_cases() -> list[Any]:
    path = REFERENCE / "diagnosis-cases.json"
    if not path.is_file():
        return [
            pytest.param(
                None, marks=pytest.mark.skip(reason=f"{path} is absent (no shared reference folder)")
            )
        ]
    return [pytest.param(c, id=c["id"]) for c in _load(path)]


def _check(case: dict[str, Any]) -> None:
    result = diagnose(case["evidence"])
    assert result.findings, f"{case['id']}: no finding"
    first = result.findings[0]
    assert first.code in case["expect"], f"{case['id']}: got {result.codes}, expected one of {case['expect']}"
    assert first.code in RULES
    assert result.verdict == ("ok" if first.code == "ok" else "fail")


@pytest.mark.parametrize("case", _reference_cases())
def test_reference_case(case: dict[str, Any] | None) -> None:
    assert case is not None
    _check(case)
