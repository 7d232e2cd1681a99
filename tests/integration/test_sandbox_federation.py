"""Federated assertions at the sandbox's token endpoint: its OIDC issuers, and Entra's codes for each miss."""

from __future__ import annotations

import time
from typing import Any

import httpx
import jwt
import pytest
from federated_tokens import EXCHANGE, GITHUB_SUBJECT, K8S_SUBJECT, issuer, mint
from sandbox_tokens import post_assertion, secret_token

from wizard.sandbox import Sandbox
from wizard.sandbox.trust import httpx_client


def _exchange(
    sb: Sandbox, http: httpx.Client, assertion: str, name: str = "federated-daemon"
) -> httpx.Response:
    return post_assertion(sb, http, assertion, name=name)


def _error(r: httpx.Response, code: int) -> str:
    assert r.status_code in (400, 401), r.text
    body: dict[str, Any] = r.json()
    assert body["error_codes"] == [code], body
    desc: str = body["error_description"]
    assert desc.startswith(f"AADSTS{code}: ")
    return desc


def test_ready_line_lists_issuers_and_the_apps_federated_credentials(sandbox: Sandbox) -> None:
    described = sandbox.describe()
    names = {i["name"]: i for i in described["issuers"]}
    assert set(names) == {"github-actions", "kubernetes"}
    assert names["kubernetes"]["issuer"] == f"{sandbox.base_url}/issuers/kubernetes/"
    assert names["github-actions"]["mint_url"] == f"{sandbox.base_url}/issuers/github-actions/mint"
    contoso = next(t for t in described["tenants"] if t["name"] == "contoso")
    assert contoso["issuers"] == described["issuers"]
    app = next(a for a in contoso["apps"] if a["name"] == "federated-daemon")
    assert app["secret"] is None and app["certificate"] is None
    assert {
        "name": "github-production",
        "issuer": f"{sandbox.base_url}/issuers/github-actions",
        "subject": GITHUB_SUBJECT,
        "audiences": [EXCHANGE],
    } in app["federated_credentials"]
    other = next(a for a in contoso["apps"] if a["name"] == "graph-daemon")
    assert other["federated_credentials"] == []


def test_issuer_discovery_and_keys_sign_the_minted_token(
    sandbox: Sandbox, sandbox_http: httpx.Client
) -> None:
    entry = issuer(sandbox, "github-actions")
    config = sandbox_http.get(f"{entry['issuer']}/.well-known/openid-configuration").json()
    assert config["issuer"] == entry["issuer"]
    assert config["id_token_signing_alg_values_supported"] == ["RS256"]
    keys = sandbox_http.get(config["jwks_uri"]).json()["keys"]
    token = mint(sandbox, sandbox_http, "github-actions", GITHUB_SUBJECT, lifetime=300)
    kid = jwt.get_unverified_header(token)["kid"]
    jwk = next(k for k in keys if k["kid"] == kid)
    claims = jwt.decode(token, jwt.PyJWK(jwk).key, algorithms=["RS256"], audience=EXCHANGE)
    assert claims["iss"] == entry["issuer"] and claims["sub"] == GITHUB_SUBJECT
    assert claims["repository"] == "contoso/daemon"
    assert 290 <= claims["exp"] - time.time() <= 300


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"sub": ""},
        {"sub": "x", "lifetime": "long"},
        {"sub": "x", "aud": 3},
        {"sub": "x", "lifetime": 10**9},
    ],
)
def test_mint_refuses_bad_bodies(sandbox: Sandbox, sandbox_http: httpx.Client, body: dict[str, Any]) -> None:
    r = sandbox_http.post(issuer(sandbox, "kubernetes")["mint_url"], json=body)
    assert r.status_code == 400 and r.json()["error"] == "invalid_request"


@pytest.mark.parametrize(("name", "sub"), [("github-actions", GITHUB_SUBJECT), ("kubernetes", K8S_SUBJECT)])
def test_federated_daemon_exchanges_either_issuers_token(
    sandbox: Sandbox, sandbox_http: httpx.Client, name: str, sub: str
) -> None:
    r = _exchange(sandbox, sandbox_http, mint(sandbox, sandbox_http, name, sub))
    assert r.status_code == 200, r.text
    claims = jwt.decode(r.json()["access_token"], options={"verify_signature": False})
    assert claims["appid"] == sandbox.app("federated-daemon").client_id
    assert claims["roles"] == ["User.Read.All"]


def test_wrong_subject_is_700213_echoing_it(sandbox: Sandbox, sandbox_http: httpx.Client) -> None:
    wrong = "repo:contoso/daemon:ref:refs/heads/main"
    desc = _error(
        _exchange(sandbox, sandbox_http, mint(sandbox, sandbox_http, "github-actions", wrong)), 700213
    )
    assert f"No matching federated identity record found for presented assertion subject '{wrong}'." in desc


def test_subject_differing_only_in_case_is_7002138(sandbox: Sandbox, sandbox_http: httpx.Client) -> None:
    token = mint(sandbox, sandbox_http, "github-actions", GITHUB_SUBJECT.replace("contoso", "Contoso"))
    desc = _error(_exchange(sandbox, sandbox_http, token), 7002138)
    assert "matches with case-insensitive comparison, but not with case-sensitive comparison" in desc


def test_wrong_audience_is_700212(sandbox: Sandbox, sandbox_http: httpx.Client) -> None:
    token = mint(sandbox, sandbox_http, "kubernetes", K8S_SUBJECT, aud="https://kubernetes.default.svc")
    desc = _error(_exchange(sandbox, sandbox_http, token), 700212)
    assert "presented assertion audience 'https://kubernetes.default.svc'" in desc


def test_issuer_no_credential_trusts_is_700211(make_sandbox: Any, tmp_path: Any) -> None:
    scenario = tmp_path / "one-fic.toml"
    scenario.write_text(
        """
[[tenants]]
name = "t"
id = "11111111-2222-4333-8444-555555555555"
domain = "t.onmicrosoft.com"
[[tenants.apps]]
name = "fed"
client_id = "11111111-2222-4333-8444-000000000001"
credentials = []
consented = true
permissions = [{ api = "graph", value = "User.Read.All" }]
federated_credentials = [{ name = "gh", issuer = "{sandbox}/issuers/github-actions", subject = "repo:o/r:ref:refs/heads/main" }]
""",
        encoding="utf-8",
    )
    sb = make_sandbox(scenario=scenario)
    with httpx_client(sb.ca_file) as http:
        token = mint(sb, http, "kubernetes", K8S_SUBJECT)
        desc = _error(_exchange(sb, http, token, "fed"), 700211)
        assert f"presented assertion issuer '{sb.base_url}/issuers/kubernetes/'" in desc
        good = mint(sb, http, "github-actions", "repo:o/r:ref:refs/heads/main")
        assert _exchange(sb, http, good, "fed").status_code == 200


def test_expired_external_token_is_700024(sandbox: Sandbox, sandbox_http: httpx.Client) -> None:
    token = mint(sandbox, sandbox_http, "github-actions", GITHUB_SUBJECT, lifetime=-600)
    assert "not within its valid time range" in _error(_exchange(sandbox, sandbox_http, token), 700024)


def test_unknown_kid_is_7000272(sandbox: Sandbox, sandbox_http: httpx.Client) -> None:
    token = mint(sandbox, sandbox_http, "github-actions", GITHUB_SUBJECT, kid="rotated-away")
    desc = _error(_exchange(sandbox, sandbox_http, token), 7000272)
    assert "'rotated-away' used to sign the federated credential could not be found" in desc


def test_unreachable_issuer_is_50166(sandbox: Sandbox, sandbox_http: httpx.Client) -> None:
    claims = {
        "iss": "https://issuer.invalid/x",
        "sub": GITHUB_SUBJECT,
        "aud": EXCHANGE,
        "exp": time.time() + 300,
    }
    token = jwt.encode(claims, "k" * 32, algorithm="HS256")
    desc = _error(_exchange(sandbox, sandbox_http, token), 50166)
    assert desc.startswith("AADSTS50166: Request to External OIDC endpoint failed.")


def test_non_rs256_token_of_a_sandbox_issuer_is_refused(sandbox: Sandbox, sandbox_http: httpx.Client) -> None:
    iss = issuer(sandbox, "github-actions")["issuer"]
    claims = {"iss": iss, "sub": GITHUB_SUBJECT, "aud": EXCHANGE, "exp": time.time() + 300}
    desc = _error(_exchange(sandbox, sandbox_http, jwt.encode(claims, "k" * 32, algorithm="HS256")), 50027)
    assert "Only issuers that provide tokens signed using the RS256 algorithm are supported" in desc


def test_entra_token_as_assertion_is_700222(sandbox: Sandbox, sandbox_http: httpx.Client) -> None:
    entra = secret_token(sandbox, sandbox_http, "graph-daemon")
    desc = _error(_exchange(sandbox, sandbox_http, entra), 700222)
    assert "AAD-issued tokens may not be used for federated identity flows" in desc


def test_app_without_federated_credentials_is_70025(sandbox: Sandbox, sandbox_http: httpx.Client) -> None:
    token = mint(sandbox, sandbox_http, "github-actions", GITHUB_SUBJECT)
    desc = _error(_exchange(sandbox, sandbox_http, token, "graph-daemon"), 70025)
    assert "has no configured federated identity credentials" in desc
