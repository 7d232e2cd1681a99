"""Graph's refusals of a federated credential write, from evidence alone and as `register apply` reports them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from wizard.admin.apply_federated import refusal_findings
from wizard.diagnosis.engine import diagnose
from wizard.errors import GraphWriteError

CASES: list[dict[str, Any]] = json.loads(
    (Path(__file__).resolve().parent / "data" / "diagnosis_fic_writes_cases.json").read_text(encoding="utf-8")
)


@pytest.mark.parametrize("case", [pytest.param(c, id=c["id"]) for c in CASES])
def test_each_refusal_is_explained_first(case: dict[str, Any]) -> None:
    assert diagnose(case["evidence"], strict=True).findings[0].code in case["expect"]


def test_an_apply_refusal_becomes_the_rules_finding_with_graphs_words() -> None:
    exc = GraphWriteError(
        "refused",
        status=409,
        method="PATCH",
        path="/applications/0b1c/federatedIdentityCredentials(name='gh')",
        code="Request_MultipleObjectsWithSameKeyValue",
        message="FederatedIdentityCredential with the same issuer and subject combination already exists.",
    )
    (finding,) = refusal_findings(exc, name="gh") or []
    assert finding.code == "fic-duplicate"
    assert "HTTP 409 Request_MultipleObjectsWithSameKeyValue" in finding.explanation
    assert "--federated-name" in finding.fix and finding.links


def test_a_name_conflict_is_not_a_duplicate_subject_and_other_refusals_are_not_ours() -> None:
    taken = GraphWriteError(
        "refused",
        status=409,
        method="POST",
        path="/applications/0b1c/federatedIdentityCredentials",
        code="Request_MultipleObjectsWithSameKeyValue",
        message="FederatedIdentityCredential with name gh already exists.",
    )
    assert refusal_findings(taken, name="gh") is None
    denied = GraphWriteError(
        "refused",
        status=403,
        method="PATCH",
        path="/applications/0b1c/federatedIdentityCredentials(name='gh')",
        code="Authorization_RequestDenied",
        message="Insufficient privileges to complete the operation.",
    )
    assert refusal_findings(denied, name="gh") is None
