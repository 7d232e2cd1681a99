"""`decode` explains an external token: issuer kind, subject parts, audience per cloud, lifetime."""

from __future__ import annotations

import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from wizard.cli.main import main
from wizard.federated.explain import explain_external, is_external

NOW = 1_800_000_000.0


def _parts(claims: dict[str, object]) -> dict[str, str]:
    return {n: v for n, v, _ in explain_external(claims, {"alg": "RS256"}, now=NOW).parts}


def test_github_immutable_subject_parts() -> None:
    parts = _parts(
        {
            "iss": "https://token.actions.githubusercontent.com",
            "sub": "repo:contoso@12/app@34:environment:prod",
        }
    )
    assert parts["repository"] == "contoso/app"
    assert (parts["owner_id"], parts["repo_id"], parts["environment"]) == ("12", "34", "prod")
    assert parts["immutable"] == "yes"


def test_github_pull_request_and_ref() -> None:
    pr = _parts({"iss": "https://token.actions.githubusercontent.com", "sub": "repo:o/r:pull_request"})
    assert pr["entity"] == "pull_request" and pr["pull_request"] == "yes"
    tag = _parts({"iss": "https://token.actions.githubusercontent.com", "sub": "repo:o/r:ref:refs/tags/v1"})
    assert tag["entity"] == "tag" and tag["ref"] == "refs/tags/v1"


@pytest.mark.parametrize(
    ("claims", "kind", "part", "value"),
    [
        (
            {"iss": "https://gitlab.com", "sub": "project_path:g/p:ref_type:branch:ref:main"},
            "gitlab",
            "project_path",
            "g/p",
        ),
        (
            {
                "iss": "https://app.terraform.io",
                "sub": "organization:o:project:p:workspace:w:run_phase:apply",
            },
            "terraform-cloud",
            "run_phase",
            "apply",
        ),
        (
            {"iss": "https://oidc.example/cluster/", "sub": "system:serviceaccount:ns:sa"},
            "kubernetes",
            "service_account",
            "sa",
        ),
        ({"iss": "https://idp.example", "sub": "anything"}, "oidc", None, None),
    ],
)
def test_issuer_kinds(claims: dict[str, object], kind: str, part: str | None, value: str | None) -> None:
    ex = explain_external(claims, now=NOW)
    assert ex.token.kind.value == kind
    if part is not None:
        assert dict((n, v) for n, v, _ in ex.parts)[part] == value


def test_audience_per_cloud_and_the_kubernetes_default() -> None:
    china = explain_external(
        {"iss": "https://x", "sub": "s", "aud": "api://AzureADTokenExchangeChina"}, now=NOW
    )
    assert china.audience_ok and "china" in china.audience
    default = explain_external(
        {"iss": "https://x/", "sub": "system:serviceaccount:a:b", "aud": ["https://kubernetes.default.svc"]},
        now=NOW,
    )
    assert not default.audience_ok and "default service-account token" in default.audience


def test_lifetime_left_and_expired() -> None:
    fresh = explain_external({"iss": "https://x", "sub": "s", "iat": NOW - 10, "exp": NOW + 290}, now=NOW)
    assert fresh.lifetime == "valid 300 s; 290 s left"
    stale = explain_external({"iss": "https://x", "sub": "s", "iat": NOW - 900, "exp": NOW - 300}, now=NOW)
    assert "expired 300 s ago" in stale.lifetime


def test_entra_tokens_are_not_external() -> None:
    assert not is_external({"iss": "https://sts.windows.net/t/", "sub": "x", "tid": "t"})
    assert not is_external({"iss": "https://127.0.0.1:5/t/v2.0", "sub": "x", "tid": "t"})  # the sandbox's
    assert is_external({"iss": "https://token.actions.githubusercontent.com", "sub": "repo:o/r:pull_request"})


def _github_token(subject: str) -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = int(time.time())
    claims = {
        "iss": "https://token.actions.githubusercontent.com",
        "sub": subject,
        "aud": "api://AzureADTokenExchange",
        "iat": now,
        "exp": now + 300,
    }
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": "k"})


def test_decode_cli_json_has_the_external_section(capsys: pytest.CaptureFixture[str]) -> None:
    token = _github_token("repo:o/r:environment:prod")
    assert main(["decode", token, "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    external = doc["external"]
    assert external["kind_name"] == "GitHub Actions" and external["audience_ok"] is True
    assert {
        "name": "environment",
        "value": "prod",
        "meaning": "the job's deployment environment",
    } in external["subject_parts"]
    assert main(["decode", token]) == 0
    out = capsys.readouterr().out
    assert out.startswith("External token for workload identity federation: GitHub Actions")
    assert token not in out


def test_decode_does_not_describe_an_external_token_as_an_entra_access_token(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A GitHub token has no roles, appidacr or Entra version: no app-only summary, no missing-consent note."""
    token = _github_token("repo:o/r:ref:refs/heads/main")
    assert main(["decode", token]) == 0
    captured = capsys.readouterr()
    assert "Access token" not in captured.out and "app-only" not in captured.out
    assert "federated identity credential's subject exactly" in captured.out
    assert "Token (signature not verified)" in captured.out
    assert "without roles" not in captured.err
    assert main(["decode", token, "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["summary"]["kind"].startswith("external token")
    assert doc["summary"]["credential"] is None
    assert not any("without roles" in w for w in doc["warnings"])


def test_decode_from_an_unreadable_stdin_is_a_usage_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Found by the reliability fuzzing (`decode -` under a closed stdin): exit 2 and a message, no traceback."""

    class Closed:
        def read(self, *_: object) -> str:
            raise OSError("reading from stdin while output is captured")

    monkeypatch.setattr("sys.stdin", Closed())
    assert main(["decode", "-"]) == 2
    assert "Cannot read the token from stdin" in capsys.readouterr().err


def test_an_impossible_expiry_is_no_lifetime_rather_than_a_crash() -> None:
    ex = explain_external({"iss": "https://x", "sub": "s", "exp": 10**400}, now=NOW)
    assert ex.token.expires_at is None and "no expiry" in ex.lifetime
