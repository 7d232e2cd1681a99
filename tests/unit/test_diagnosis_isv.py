"""The multi-tenant (ISV) rules: each code from several signals, and AADSTS700016 without a customer's context
left to the generic rule."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from wizard.diagnosis import diagnose, parse_evidence

CASES: list[dict[str, Any]] = json.loads(
    (Path(__file__).resolve().parent / "data" / "diagnosis_isv_cases.json").read_text(encoding="utf-8")
)


@pytest.mark.parametrize("case", [pytest.param(c, id=c["id"]) for c in CASES])
def test_isv_case(case: dict[str, Any]) -> None:
    result = diagnose(case["evidence"], strict=True)
    assert result.verdict == "fail"
    assert result.findings[0].code in case["expect"], f"{case['id']}: got {result.codes}"


def test_consent_missing_names_that_tenants_consent_url() -> None:
    case = next(c for c in CASES if c["id"] == "ISV-1")
    first = diagnose(case["evidence"]).findings[0]
    assert case["evidence"]["customer"]["consent_url"] in first.fix
    assert case["evidence"]["customer"]["customer_tenant"] in first.explanation


def _without_customer(case_id: str) -> dict[str, Any]:
    case = next(c for c in CASES if c["id"] == case_id)
    return {k: v for k, v in case["evidence"].items() if k != "customer"}


@pytest.mark.parametrize("case_id", ["ISV-1", "ISV-10"])
def test_700016_without_a_customer_context_stays_app_not_in_tenant(case_id: str) -> None:
    assert diagnose(_without_customer(case_id)).findings[0].code == "app-not-in-tenant"


def test_the_home_tenant_itself_is_no_customer() -> None:
    evidence = json.loads(json.dumps(next(c for c in CASES if c["id"] == "ISV-1")["evidence"]))
    evidence["customer"]["customer_tenant"] = evidence["customer"]["home_tenant"]
    assert diagnose(evidence).findings[0].code == "app-not-in-tenant"


def test_a_single_customer_failing_is_not_proof_of_a_single_tenant_app() -> None:
    evidence = json.loads(json.dumps(next(c for c in CASES if c["id"] == "ISV-6")["evidence"]))
    evidence["customer"]["fleet_not_found"] = 2  # three of five customers have consented and work
    assert diagnose(evidence).findings[0].code == "customer-consent-missing"


def test_the_customer_part_round_trips_through_the_evidence_document() -> None:
    case = next(c for c in CASES if c["id"] == "ISV-7")
    again = parse_evidence(parse_evidence(case["evidence"]).to_dict())
    assert again.customer == parse_evidence(case["evidence"]).customer
    assert again.customer is not None and again.customer.required_roles == (
        "User.Read.All",
        "Directory.Read.All",
    )


@pytest.mark.parametrize("value", [None, "text", 3, [], {"multi_tenant": "yes", "fleet_size": -1}])
def test_odd_customer_parts_never_break_the_diagnosis(value: object) -> None:
    result = diagnose(
        {"token_error": "AADSTS700016: Application with identifier 'x' was not found", "customer": value}
    )
    assert result.findings
