"""The tenant-write rules from evidence alone (`explain`), and the retry classes of Graph's refusals."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from wizard.admin.retry import RetryClass, classify
from wizard.diagnosis.engine import diagnose
from wizard.errors import GraphWriteError, ServiceUnavailable

DENIED = "Insufficient privileges to complete the operation."


def evidence(method: str, url: str, status: int, code: str, message: str, **config: Any) -> dict[str, Any]:
    return {
        "config": {"credential_type": "delegated", **config},
        "api": {
            "method": method,
            "url": url,
            "status": status,
            "body": {"error": {"code": code, "message": message}},
        },
    }


CASES: list[dict[str, Any]] = json.loads(
    (Path(__file__).resolve().parent / "data" / "diagnosis_tenant_writes_cases.json").read_text(
        encoding="utf-8"
    )
)


@pytest.mark.parametrize("case", [pytest.param(c, id=c["id"]) for c in CASES])
def test_each_refusal_is_explained_first(case: dict[str, Any]) -> None:
    assert diagnose(case["evidence"], strict=True).findings[0].code in case["expect"]


def test_a_daemons_own_403_is_not_a_directory_role_problem() -> None:
    ev = evidence(
        "POST", "/v1.0/servicePrincipals/abc/appRoleAssignedTo", 403, "Authorization_RequestDenied", DENIED
    )
    ev["config"]["credential_type"] = (
        "secret"  # an app-only token: its roles are missing, not a person's role
    )
    codes = [f.code for f in diagnose(ev, strict=True).findings]
    assert "role-cannot-consent-graph" not in codes


def write_error(status: int, code: str, message: str, method: str = "POST") -> GraphWriteError:
    return GraphWriteError("refused", status=status, method=method, path="/x", code=code, message=message)


def test_retry_classes() -> None:
    lag = write_error(404, "Request_ResourceNotFound", "Resource 'x' does not exist")
    assert classify(lag, fresh=True) is RetryClass.REPLICATION
    assert classify(lag, fresh=False) is RetryClass.FINAL  # only objects this run created
    sp = write_error(
        400,
        "Request_BadRequest",
        "The appId 'x' of the service principal does not reference a valid application object.",
    )
    assert classify(sp, fresh=True) is RetryClass.REPLICATION
    assert classify(write_error(409, "Conflict", "", method="PATCH"), fresh=True) is RetryClass.REPLICATION
    done = write_error(400, "Request_BadRequest", "Permission being assigned already exists on the object")
    assert classify(done, fresh=False) is RetryClass.ALREADY
    assert classify(ServiceUnavailable("busy", status=429, retry_after=3), fresh=False) is RetryClass.THROTTLE
    assert classify(ServiceUnavailable("down", status=503), fresh=False) is RetryClass.TRANSIENT
