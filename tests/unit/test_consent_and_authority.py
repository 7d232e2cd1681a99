"""Authorities for every cloud and External ID, and admin-consent URLs in both forms."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from wizard.authority import parse_authority
from wizard.clouds import Cloud, TenantType
from wizard.consent import admin_consent_url, consent_links
from wizard.profile import ApiKind, ApiTarget, Profile

CLIENT = "11112222-bbbb-3333-cccc-4444dddd5555"


@pytest.mark.parametrize(
    ("cloud", "login", "graph"),
    [
        (Cloud.GLOBAL, "login.microsoftonline.com", "graph.microsoft.com"),
        (Cloud.USGOV, "login.microsoftonline.us", "graph.microsoft.us"),
        (Cloud.CHINA, "login.chinacloudapi.cn", "microsoftgraph.chinacloudapi.cn"),
    ],
)
def test_workforce_clouds(cloud: Cloud, login: str, graph: str) -> None:
    p = Profile(cloud=cloud, tenant="contoso.onmicrosoft.com", client_id=CLIENT)
    assert p.authority == f"https://{login}/contoso.onmicrosoft.com"
    assert p.token_endpoint == f"https://{login}/contoso.onmicrosoft.com/oauth2/v2.0/token"
    assert p.scope == f"https://{graph}/.default"
    assert p.api_base_url == f"https://{graph}/v1.0"
    links = consent_links(p, redirect_uri="https://localhost:8400/", state="s1")
    v2 = urlsplit(links.v2)
    assert (v2.scheme, v2.netloc, v2.path) == ("https", login, "/contoso.onmicrosoft.com/v2.0/adminconsent")
    q = parse_qs(v2.query)
    assert q == {
        "client_id": [CLIENT],
        "scope": [f"https://{graph}/.default"],
        "redirect_uri": ["https://localhost:8400/"],
        "state": ["s1"],
    }
    classic = urlsplit(links.classic)
    assert classic.path == "/contoso.onmicrosoft.com/adminconsent"
    assert "scope" not in parse_qs(classic.query)


@pytest.mark.parametrize("tenant", ["fabrikam", "fabrikam.onmicrosoft.com", "FABRIKAM.ciamlogin.com"])
def test_external_id_authority_and_consent(tenant: str) -> None:
    p = Profile(
        tenant_type=TenantType.EXTERNAL,
        tenant=tenant,
        client_id=CLIENT,
        api=ApiTarget(kind=ApiKind.OWN, resource="api://99998888-aaaa-bbbb-cccc-777766665555"),
    )
    assert p.instance == "https://fabrikam.ciamlogin.com/"
    assert p.authority == "https://fabrikam.ciamlogin.com/fabrikam.onmicrosoft.com"
    url = consent_links(p).v2
    assert url.startswith("https://fabrikam.ciamlogin.com/fabrikam.onmicrosoft.com/v2.0/adminconsent?")
    assert parse_qs(urlsplit(url).query)["scope"] == ["api://99998888-aaaa-bbbb-cccc-777766665555/.default"]


def test_consent_url_is_encoded() -> None:
    url = admin_consent_url(
        authority="https://login.microsoftonline.com/t",
        client_id=CLIENT,
        scope="https://database.windows.net//.default",
        state="a b&c=d",
    )
    assert "scope=https%3A%2F%2Fdatabase.windows.net%2F%2F.default" in url
    assert parse_qs(urlsplit(url).query)["state"] == ["a b&c=d"]


def test_consent_text_says_who_and_what_comes_back() -> None:
    links = consent_links(Profile(tenant="t.onmicrosoft.com", client_id=CLIENT))
    assert "Privileged Role Administrator" in links.who_can_consent
    assert "admin_consent=True" in links.redirect_carries
    assert "error" in links.redirect_carries


def test_parse_authority_variants() -> None:
    a = parse_authority("https://login.microsoftonline.us/contoso.onmicrosoft.com/")
    assert (a.cloud, a.tenant, a.tenant_type, a.custom_host) == (
        Cloud.USGOV,
        "contoso.onmicrosoft.com",
        TenantType.WORKFORCE,
        False,
    )
    c = parse_authority("https://fabrikam.ciamlogin.com/")
    assert (c.tenant_type, c.tenant) == (TenantType.EXTERNAL, "fabrikam")
    s = parse_authority("https://127.0.0.1:8443/contoso.onmicrosoft.com")
    assert s.custom_host and s.cloud is None


def test_authority_override_is_used_verbatim() -> None:
    p = Profile(
        tenant="ignored",
        client_id=CLIENT,
        authority_override="https://127.0.0.1:9443/contoso.onmicrosoft.com/",
    )
    assert p.authority == "https://127.0.0.1:9443/contoso.onmicrosoft.com"
    assert p.instance == "https://127.0.0.1:9443/"
