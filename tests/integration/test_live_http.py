"""Trust and proxies of the live HTTP setup, over real HTTPS to the sandbox."""

from __future__ import annotations

import socket

import pytest

from wizard.errors import ProxyError, TlsError
from wizard.live.http import HttpSettings, WizardSession, ssl_context
from wizard.live.msal_token import acquire_token
from wizard.live.sandbox_profile import sandbox_app_profile
from wizard.live.trace import Trace
from wizard.sandbox import Sandbox


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_env_ca_bundle_cannot_override_the_explicit_ca(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    # A bundle that does not contain the sandbox CA; requests with trust_env would prefer it.
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/nonexistent/ca.pem")
    monkeypatch.setenv("SSL_CERT_FILE", "/nonexistent/ca.pem")
    profile, secret = sandbox_app_profile(sandbox, "graph-daemon")
    settings = HttpSettings.bounded(10, ca_file=sandbox.ca_file, use_env_proxies=True)
    assert acquire_token(profile, secret=secret, settings=settings).source == "identity_provider"


def test_without_the_ca_the_sandbox_is_untrusted(sandbox: Sandbox) -> None:
    profile, secret = sandbox_app_profile(sandbox, "graph-daemon")
    with pytest.raises(TlsError) as info:
        acquire_token(profile, secret=secret, settings=HttpSettings.bounded(10, use_env_proxies=False))
    assert "--ca-file" in (info.value.hint or "")


def test_proxy_from_environment_is_used_and_its_failure_named(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    proxy = f"http://127.0.0.1:{_closed_port()}"
    for name in ("HTTPS_PROXY", "https_proxy"):
        monkeypatch.setenv(name, proxy)
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    profile, secret = sandbox_app_profile(sandbox, "graph-daemon")
    settings = HttpSettings.bounded(10, ca_file=sandbox.ca_file, use_env_proxies=True)
    with pytest.raises(ProxyError):
        acquire_token(profile, secret=secret, settings=settings)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    assert acquire_token(profile, secret=secret, settings=settings).access_token


def test_connections_add_no_certificates_to_the_shared_context(sandbox: Sandbox) -> None:
    """Each new connection trusts what the context holds; requests' certifi bundle is not parsed into it."""
    settings = HttpSettings.bounded(10, ca_file=sandbox.ca_file, use_env_proxies=False)
    context = ssl_context(sandbox.ca_file)
    before = context.cert_store_stats()["x509_ca"]
    profile, _ = sandbox_app_profile(sandbox, "graph-daemon")
    url = f"{profile.authority}/v2.0/.well-known/openid-configuration"
    for _ in range(2):  # two sessions: two TLS connections through the one context
        with WizardSession(settings, Trace()) as session:
            assert session.get(url).ok
    assert context.cert_store_stats()["x509_ca"] == before
