"""The tenant-write rules from evidence alone (`explain`), and the retry classes of Graph's refusals."""

from __future__ import annotations

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


@pytest.mark.parametrize(
    ("ev", "code"),
    [
        (
            evidence(
                "POST",
                "/v1.0/servicePrincipals/abc/appRoleAssignedTo",
                403,
                "Authorization_RequestDenied",
                DENIED,
            ),
            "role-cannot-consent-graph",
        ),
        (
            evidence(
                "PATCH", "/v1.0/applications(uniqueName='x')", 403, "Authorization_RequestDenied", DENIED
            ),
            "role-cannot-register",
        ),
        (
            evidence(
                "POST",
                "/v1.0/applications/abc/addPassword",
                400,
                "CredentialTypeNotAllowedAsPerAppPolicy",
                "Password credentials are not allowed as per assigned policy.",
            ),
            "policy-blocks-secret",
        ),
        (
            evidence(
                "PATCH",
                "/v1.0/applications(uniqueName='x')",
                400,
                "Request_BadRequest",
                "Another object with the same value for property uniqueName already exists.",
            ),
            "unique-name-taken",
        ),
        (
            evidence(
                "PATCH",
                "/v1.0/applications/abc",
                400,
                "HostNameNotOnVerifiedDomain",
                "Values of identifierUris property must use a verified domain of the organization or its "
                "subdomain: 'https://contoso.example'",
            ),
            "identifier-uri-not-verified",
        ),
    ],
)
def test_each_refusal_is_explained(ev: dict[str, Any], code: str) -> None:
    assert code in [f.code for f in diagnose(ev, strict=True).findings]


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
