"""Sandbox host-name routing: which Microsoft hosts go to which imitation, and how the client connects them
to the sandbox while TLS and the Host header keep naming the real host."""

from __future__ import annotations

import re

import httpx
import pytest

from wizard.live.http import HttpSettings
from wizard.live.httpx_transport import connected
from wizard.service_hosts import CERT_NAMES, HOST_ROUTES, is_routed, routed_prefix
from wizard.tokens.audiences import audience_for_url


@pytest.mark.parametrize(
    ("url", "prefix", "audience"),
    [
        (
            "https://contoso-kv.vault.azure.net/secrets/db",
            "/azure/keyvault/contoso-kv",
            "https://vault.azure.net",
        ),
        ("https://management.azure.com/subscriptions", "/azure/management", "https://management.azure.com"),
        (
            "https://contosodata.blob.core.windows.net/c/b",
            "/azure/storage/contosodata",
            "https://storage.azure.com",
        ),
        (
            "https://contoso-bus.servicebus.windows.net/q/messages",
            "/azure/servicebus/contoso-bus",
            "https://servicebus.azure.net",
        ),
        ("https://contoso.sharepoint.com/sites/hr/_api/web", "/sharepoint", "https://contoso.sharepoint.com"),
        ("https://api.powerbi.com/v1.0/myorg/groups", "/powerbi", "https://analysis.windows.net/powerbi/api"),
        ("https://contoso.crm4.dynamics.com/api/data/v9.2/accounts", "/dataverse/contoso", None),
        ("https://graph.microsoft.com/v1.0/users", "", None),
    ],
)
def test_each_service_host_has_its_imitation(url: str, prefix: str, audience: str | None) -> None:
    host = httpx.URL(url).host
    assert routed_prefix(host) == prefix
    assert routed_prefix(f"{host}:443") == prefix
    if audience is not None:
        assert audience_for_url(url) == audience


@pytest.mark.parametrize(
    "host", ["127.0.0.1", "localhost", "example.com", "vault.azure.net.evil.com", "[::1]"]
)
def test_other_hosts_are_not_routed(host: str) -> None:
    assert not is_routed(host)


def test_the_certificate_covers_every_routed_host() -> None:
    for host in (
        "a.vault.azure.net",
        "management.azure.com",
        "x.blob.core.windows.net",
        "n.servicebus.windows.net",
        "contoso.sharepoint.com",
        "api.powerbi.com",
        "contoso.crm.dynamics.com",
        "contoso.crm4.dynamics.com",
        "graph.microsoft.com",
    ):
        assert is_routed(host)
        assert host in CERT_NAMES or "*." + host.split(".", 1)[1] in CERT_NAMES, host


def test_connected_sends_to_the_sandbox_with_the_real_host_for_tls_and_host() -> None:
    request = httpx.Request("GET", "https://contosodata.blob.core.windows.net/reports/q1.csv?x=1")
    sent = connected(request, HttpSettings(connect_to="127.0.0.1:8443"))
    assert (sent.url.host, sent.url.port, sent.url.path, sent.url.query) == (
        "127.0.0.1",
        8443,
        "/reports/q1.csv",
        b"x=1",
    )
    assert sent.headers["host"] == "contosodata.blob.core.windows.net"
    assert sent.extensions["sni_hostname"] == "contosodata.blob.core.windows.net"


def test_without_connect_to_or_for_other_hosts_the_request_is_unchanged() -> None:
    request = httpx.Request("GET", "https://contosodata.blob.core.windows.net/reports/q1.csv")
    assert connected(request, HttpSettings()) is request
    other = httpx.Request("GET", "https://api.example.com/x")
    assert connected(other, HttpSettings(connect_to="127.0.0.1:8443")) is other


def test_each_patterns_literal_ending_is_what_it_matches_last() -> None:
    """routed_prefix tries a pattern only on hosts with its ending: the ending must be the pattern's own."""
    for ending, pattern, _prefix in HOST_ROUTES:
        assert pattern.endswith(re.escape(ending)), pattern
