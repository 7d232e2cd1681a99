"""Token acquisition with the real msal and azure-identity over HTTPS to the sandbox."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qs

import jwt
import pytest

from wizard.errors import TokenError
from wizard.live.azid_token import acquire_token_azure_identity
from wizard.live.http import HttpSettings, WizardSession
from wizard.live.msal_token import MsalTokenClient, acquire_token
from wizard.live.sandbox_profile import sandbox_app_profile
from wizard.live.summary import summarize_token
from wizard.sandbox import Sandbox
from wizard.secret import Secret


def _settings(sb: Sandbox, timeout: float = 10) -> HttpSettings:
    return HttpSettings.bounded(timeout, ca_file=sb.ca_file, use_env_proxies=False)


@pytest.fixture
def assertions(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[dict[str, Any]]]:
    """Headers of the client assertions msal really sent (spied below the library, not faked)."""
    headers: list[dict[str, Any]] = []
    original = WizardSession.send

    def spy(self: WizardSession, request: Any, **kwargs: Any) -> Any:
        body = request.body.decode() if isinstance(request.body, bytes) else request.body
        if body and "client_assertion=" in body:
            headers.append(jwt.get_unverified_header(parse_qs(body)["client_assertion"][0]))
        return original(self, request, **kwargs)

    monkeypatch.setattr(WizardSession, "send", spy)
    return headers


def test_secret_token_has_the_consented_roles(sandbox: Sandbox) -> None:
    profile, secret = sandbox_app_profile(sandbox, "graph-daemon")
    result = acquire_token(profile, secret=secret, settings=_settings(sandbox))
    summary = summarize_token(result)
    assert result.source == "identity_provider"
    assert summary["roles"] == ["User.Read.All", "Application.Read.All"]
    assert summary["aud"] == "https://graph.microsoft.com"
    assert 0 < summary["expires_in"] <= 3600 + 600
    assert [e.step for e in result.trace.exchanges] == ["discovery", "token"]


@pytest.mark.parametrize(
    ("mode", "alg", "header"), [("sha256", "PS256", "x5t#S256"), ("sha1", "RS256", "x5t")]
)
def test_certificate_forms(
    sandbox: Sandbox, assertions: list[dict[str, Any]], mode: Any, alg: str, header: str
) -> None:
    profile, secret = sandbox_app_profile(sandbox, "cert-daemon")
    assert secret is None
    result = acquire_token(profile, secret=None, settings=_settings(sandbox), thumbprint=mode)
    assert result.credential.startswith("certificate")
    assert assertions, "no client assertion was sent"
    assert assertions[-1]["alg"] == alg
    assert header in assertions[-1]
    assert summarize_token(result)["roles"]


def test_second_acquisition_in_one_process_hits_the_cache(sandbox: Sandbox) -> None:
    profile, secret = sandbox_app_profile(sandbox, "graph-daemon")
    client = MsalTokenClient(profile, secret=secret, settings=_settings(sandbox))
    try:
        first, second = client.acquire(), client.acquire()
    finally:
        client.close()
    assert (first.source, second.source) == ("identity_provider", "cache")
    assert first.access_token == second.access_token
    assert len([e for e in client.trace.exchanges if e.step == "token"]) == 1


def test_fresh_application_per_run_sees_a_fix_at_once(make_sandbox: Callable[..., Sandbox]) -> None:
    sb = make_sandbox()
    profile, secret = sandbox_app_profile(sb, "unconsented-daemon")
    before = summarize_token(acquire_token(profile, secret=secret, settings=_settings(sb)))
    sb.state.grant_consent(profile.client_id)
    after = summarize_token(acquire_token(profile, secret=secret, settings=_settings(sb)))
    assert before["roles"] == []
    assert after["roles"] == ["User.Read.All"]


def test_wrong_secret_is_a_token_error_with_aadsts(sandbox: Sandbox) -> None:
    profile, _ = sandbox_app_profile(sandbox, "graph-daemon")
    with pytest.raises(TokenError) as info:
        acquire_token(profile, secret=Secret("not-the-secret-value-000"), settings=_settings(sandbox))
    assert info.value.aadsts == "7000215"
    assert info.value.error == "invalid_client"
    assert "not-the-secret-value-000" not in str(info.value)


def test_unknown_tenant_is_mapped_from_msal_value_error(sandbox: Sandbox) -> None:
    profile, secret = sandbox_app_profile(sandbox, "graph-daemon")
    other = "11111111-2222-3333-4444-555555555555"
    bad = profile.with_(authority_override=f"{sandbox.base_url}/{other}", tenant=other)
    with pytest.raises(TokenError) as info:
        acquire_token(bad, secret=secret, settings=_settings(sandbox))
    assert "could not be discovered" in info.value.title
    assert info.value.body
    assert info.value.body.get("error")


@pytest.mark.parametrize("app", ["graph-daemon", "cert-daemon"])
def test_azure_identity_path(sandbox: Sandbox, app: str) -> None:
    profile, secret = sandbox_app_profile(sandbox, app)
    result = acquire_token_azure_identity(profile, secret=secret, settings=_settings(sandbox))
    assert result.via == "azure-identity"
    assert result.source == "identity_provider"
    assert "Application.Read.All" in summarize_token(result)["roles"]


def test_azure_identity_error_keeps_the_aadsts_code(sandbox: Sandbox) -> None:
    profile, _ = sandbox_app_profile(sandbox, "graph-daemon")
    with pytest.raises(TokenError) as info:
        acquire_token_azure_identity(
            profile, secret=Secret("not-the-secret-value-000"), settings=_settings(sandbox)
        )
    assert info.value.aadsts == "7000215"


def test_external_tenant(sandbox: Sandbox) -> None:
    profile, secret = sandbox_app_profile(sandbox, "ext-todo-daemon")
    assert profile.tenant_type.value == "external"
    result = acquire_token(profile, secret=secret, settings=_settings(sandbox))
    claims = summarize_token(result)
    assert claims["roles"] == ["ToDoList.ReadWrite.All"]
    assert claims["tid"] == profile.tenant
