"""Pure pieces of the federated work: the subject built from its parts, the claim-by-claim rows, the token
command's output and child environment."""

from __future__ import annotations

import pytest

from wizard.errors import UsageError
from wizard.federated.claim_table import claim_rows, diff_from_evidence
from wizard.federated.external import IssuerKind
from wizard.federated.subject_builder import build_subject
from wizard.live.federated_command import child_env, command_argv


@pytest.mark.parametrize(
    ("kind", "parts", "subject"),
    [
        (
            IssuerKind.GITHUB,
            {"repository": "o/r", "entity": "environment", "value": "prod"},
            "repo:o/r:environment:prod",
        ),
        (
            IssuerKind.GITHUB,
            {"repository": "o/r", "entity": "branch", "value": "main"},
            "repo:o/r:ref:refs/heads/main",
        ),
        (
            IssuerKind.GITHUB,
            {"repository": "o/r", "entity": "tag", "value": "v1"},
            "repo:o/r:ref:refs/tags/v1",
        ),
        (IssuerKind.GITHUB, {"repository": "o/r", "entity": "pull_request"}, "repo:o/r:pull_request"),
        (
            IssuerKind.GITHUB,
            {"repository": "o/r", "entity": "branch", "value": "main", "owner_id": "1", "repo_id": "2"},
            "repo:o@1/r@2:ref:refs/heads/main",
        ),
        (IssuerKind.KUBERNETES, {"namespace": "ns", "service_account": "sa"}, "system:serviceaccount:ns:sa"),
        (
            IssuerKind.GITLAB,
            {"project_path": "g/p", "ref_type": "tag", "ref": "v1"},
            "project_path:g/p:ref_type:tag:ref:v1",
        ),
        (
            IssuerKind.TERRAFORM,
            {"organization": "o", "project": "p", "workspace": "w", "run_phase": "plan"},
            "organization:o:project:p:workspace:w:run_phase:plan",
        ),
        (IssuerKind.OTHER, {"subject": " custom-sub "}, "custom-sub"),
    ],
)
def test_subjects_from_parts(kind: IssuerKind, parts: dict[str, str], subject: str) -> None:
    built = build_subject(kind, parts)
    assert built.ok and built.subject == subject


@pytest.mark.parametrize(
    ("kind", "parts", "problem"),
    [
        (IssuerKind.GITHUB, {"repository": "no-slash", "entity": "branch", "value": "m"}, "owner/name"),
        (IssuerKind.GITHUB, {"repository": "o/r", "entity": "commit", "value": "m"}, "environment, branch"),
        (IssuerKind.GITHUB, {"repository": "o/r", "entity": "environment"}, "name the environment"),
        (IssuerKind.GITHUB, {"repository": "o/r", "entity": "pull_request", "owner_id": "1"}, "both numeric"),
        (IssuerKind.KUBERNETES, {"namespace": "NS", "service_account": "sa"}, "namespace"),
        (
            IssuerKind.TERRAFORM,
            {"organization": "o", "project": "p", "workspace": "w", "run_phase": "x"},
            "plan or apply",
        ),
        (IssuerKind.OTHER, {}, "type the subject"),
    ],
)
def test_problems_instead_of_a_wrong_subject(kind: IssuerKind, parts: dict[str, str], problem: str) -> None:
    built = build_subject(kind, parts)
    assert not built.ok
    assert any(problem in p for p in built.problems)


def test_claim_rows_from_evidence() -> None:
    claims = {"iss": "https://i", "sub": "repo:o/r:ref:refs/heads/main", "aud": "api://AzureADTokenExchange"}
    registration = {
        "federatedIdentityCredentials": [
            {
                "name": "prod",
                "issuer": "https://i/",
                "subject": "repo:o/r:environment:prod",
                "audiences": ["api://AzureADTokenExchange"],
            }
        ]
    }
    result = diff_from_evidence({"claims": claims}, registration)
    assert result is not None and not result.matched
    rows = {r.claim: r for r in claim_rows(result)}
    assert rows["iss"].verdict.startswith("trailing-slash")
    assert rows["sub"].verdict.startswith("entity-type")
    assert rows["aud"].verdict == "same"
    assert diff_from_evidence({"claims": claims}, {}) is None  # no credentials read: no claim about them
    assert diff_from_evidence(None, registration) is None


def test_token_command_environment_and_argv() -> None:
    env = child_env(
        {
            "PATH": "/bin",
            "DAEMON_WIZARD_CLIENT_SECRET": "s",
            "AZURE_CLIENT_SECRET": "s",
            "ACTIONS_ID_TOKEN_REQUEST_URL": "https://x",
            "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "t",
            "GH_TOKEN": "g",
        }
    )
    assert env == {
        "PATH": "/bin",
        "ACTIONS_ID_TOKEN_REQUEST_URL": "https://x",
        "ACTIONS_ID_TOKEN_REQUEST_TOKEN": "t",
    }
    assert command_argv("get-token --aud 'api://AzureADTokenExchange'") == [
        "get-token",
        "--aud",
        "api://AzureADTokenExchange",
    ]
    with pytest.raises(UsageError):
        command_argv("unbalanced 'quote")
    with pytest.raises(UsageError):
        command_argv("   ")


@pytest.mark.parametrize(
    ("result", "code"),
    [
        ("unreachable", "federated-issuer-unreachable"),
        ("key-unknown", "federated-key-unknown"),
        ("not-rs256", "federated-token-invalid"),
    ],
)
def test_a_failed_issuer_check_is_the_first_finding(result: str, code: str) -> None:
    from wizard.diagnosis import diagnose

    evidence = {
        "config": {"credential_type": "federated"},
        "client_error": "token error: The external token fails the issuer checks Entra makes",
        "client_assertion": {
            "claims": {"iss": "https://idp.example", "sub": "s", "aud": "api://AzureADTokenExchange"},
            "issuer_check": {
                "result": result,
                "checks": [{"name": "discovery", "ok": False, "detail": "HTTP 404"}],
            },
        },
    }
    first = diagnose(evidence).findings[0]
    assert first.code == code
    assert "HTTP 404" in first.explanation
