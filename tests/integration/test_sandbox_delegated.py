"""Delegated sign-in on the sandbox with unmodified msal: device code, auth code + PKCE, consent, CA."""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
import webbrowser
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import jwt
import msal
import pytest
import requests

from tests.form_browser import FormBrowser, Page
from tests.integration.delegated_helpers import person, private_sandbox, public_client
from wizard.sandbox import Sandbox
from wizard.sandbox.delegated_catalog import GRAPH_CLI_CLIENT_ID, ROLE_TEMPLATES
from wizard.sandbox.trust import httpx_client, requests_session

READ = ["Application.Read.All"]


@pytest.fixture(scope="module")
def sb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    yield from private_sandbox(tmp_path_factory, "delegated")


@pytest.fixture
def session(sb: Sandbox) -> Iterator[requests.Session]:
    s = requests_session(sb.ca_file)
    yield s
    s.close()


@pytest.fixture
def browser(sb: Sandbox) -> Iterator[FormBrowser]:
    with httpx_client(sb.ca_file, timeout=20) as client:
        yield FormBrowser(client)


def user(sb: Sandbox, role: str | None) -> dict[str, Any]:
    return person(sb, role)


def client_id(sb: Sandbox, name: str) -> str:
    return public_client(sb, name)


def pca(sb: Sandbox, session: requests.Session, client: str, **kw: Any) -> msal.PublicClientApplication:
    return msal.PublicClientApplication(
        client, authority=sb.authority("contoso"), http_client=session, instance_discovery=False, **kw
    )


def claims_of(token: str) -> dict[str, Any]:
    decoded: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
    return decoded


def person_enters_code(browser: FormBrowser, flow: dict[str, Any], who: dict[str, Any]) -> Page:
    page = browser.open(flow["verification_uri"])
    return browser.submit(
        page,
        "devicelogin",
        {"otc": flow["user_code"], "login": who["user_principal_name"], "passwd": who["password"]},
    )


def device_sign_in(
    sb: Sandbox,
    app: msal.PublicClientApplication,
    browser: FormBrowser,
    who: dict[str, Any],
    scopes: list[str],
    then: Callable[[Page], Page] = lambda p: p,
) -> tuple[dict[str, Any], list[Page]]:
    flow = app.initiate_device_flow(scopes=scopes)
    assert "user_code" in flow, flow
    pages: list[Page] = []

    def person() -> None:
        pages.append(then(person_enters_code(browser, flow, who)))

    worker = threading.Thread(target=person)
    worker.start()
    result = app.acquire_token_by_device_flow(flow)
    worker.join(timeout=30)
    return result, pages


def test_ready_line_lists_users_with_passwords_and_roles(sb: Sandbox) -> None:
    tenant = next(t for t in sb.describe()["tenants"] if t["name"] == "contoso")
    roles = {r for u in tenant["users"] for r in u["roles"]}
    assert roles == set(ROLE_TEMPLATES)
    assert any(not u["roles"] for u in tenant["users"])
    assert all(len(u["password"]) >= 12 for u in tenant["users"])
    masked = next(t for t in sb.describe(show_secrets=False)["tenants"] if t["name"] == "contoso")
    assert all(u["password"] != m["password"] for u, m in zip(tenant["users"], masked["users"], strict=True))
    names = {c["name"] for c in tenant["public_clients"]}
    assert {"wizard-admin", "wizard-admin-unconsented", "graph-command-line-tools"} <= names


def test_device_code_flow_with_msal_and_a_person_at_the_form(
    sb: Sandbox, session: requests.Session, browser: FormBrowser
) -> None:
    admin = user(sb, "Global Administrator")
    app = pca(sb, session, client_id(sb, "wizard-admin"))
    result, pages = device_sign_in(sb, app, browser, admin, READ)
    assert "access_token" in result, result
    assert 'id="done"' in pages[0].text
    claims = claims_of(result["access_token"])
    assert claims["idtyp"] == "user"
    assert claims["upn"] == admin["user_principal_name"]
    assert claims["oid"] == admin["id"]
    assert "Application.Read.All" in claims["scp"].split()
    assert ROLE_TEMPLATES["Global Administrator"] in claims["wids"]
    assert claims["aud"] == "https://graph.microsoft.com"
    account = app.get_accounts()[0]
    assert account["username"] == admin["user_principal_name"]
    # The refresh token msal kept answers a silent request for another consented scope.
    silent = app.acquire_token_silent(["Application.ReadWrite.All"], account=account)
    assert silent is not None and "access_token" in silent, silent
    assert "Application.ReadWrite.All" in claims_of(silent["access_token"])["scp"].split()


class _TestBrowser(webbrowser.BaseBrowser):
    """The system browser as msal calls it (webbrowser.open), driven by a person in httpx."""

    def __init__(self, act: Callable[[str], None]) -> None:
        super().__init__("sandbox-test-browser")
        self.act = act
        self.threads: list[threading.Thread] = []

    def open(self, url: str, new: int = 0, autoraise: bool = True) -> bool:
        thread = threading.Thread(target=self.act, args=(url,))
        thread.start()
        self.threads.append(thread)
        return True


@pytest.fixture
def system_browser() -> Iterator[Callable[[Callable[[str], None]], _TestBrowser]]:
    registered: list[str] = []

    def install(act: Callable[[str], None]) -> _TestBrowser:
        instance = _TestBrowser(act)
        webbrowser.register(instance.name, None, instance, preferred=True)
        registered.append(instance.name)
        return instance

    yield install
    for name in registered:
        webbrowser._tryorder.remove(name)  # type: ignore[attr-defined]
        webbrowser._browsers.pop(name, None)  # type: ignore[attr-defined]


def test_interactive_auth_code_pkce_with_msal(
    sb: Sandbox, session: requests.Session, browser: FormBrowser, system_browser: Any
) -> None:
    dev = user(sb, "Application Developer")
    seen: list[str] = []

    def person(url: str) -> None:
        seen.append(url)
        page = browser.open(url)
        page = browser.submit(
            page, "signin", {"login": dev["user_principal_name"], "passwd": dev["password"]}
        )
        seen.append(page.text)

    opened = system_browser(person)
    app = pca(sb, session, client_id(sb, "wizard-admin"))
    result = app.acquire_token_interactive(READ, timeout=60)
    for t in opened.threads:
        t.join(timeout=30)
    assert "access_token" in result, result
    query = parse_qs(urlsplit(seen[0]).query)
    assert query["code_challenge_method"] == ["S256"]
    assert urlsplit(query["redirect_uri"][0]).hostname == "localhost"
    assert query["response_mode"] == ["form_post"]
    assert "Authentication complete" in seen[1]
    claims = claims_of(result["access_token"])
    assert claims["upn"] == dev["user_principal_name"]
    assert ROLE_TEMPLATES["Application Developer"] in claims["wids"]


def _authorize_url(
    sb: Sandbox,
    client: str,
    *,
    redirect: str,
    challenge: str,
    scope: str = "Application.Read.All openid offline_access",
) -> str:
    params = {
        "client_id": client,
        "response_type": "code",
        "redirect_uri": redirect,
        "scope": scope,
        "state": "st4te",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    return f"{sb.authority('contoso')}/oauth2/v2.0/authorize?{urlencode(params)}"


def _code_by_hand(
    sb: Sandbox, http: httpx.Client, client: str, who: dict[str, Any], redirect: str, challenge: str
) -> str:
    page = FormBrowser(http).open(_authorize_url(sb, client, redirect=redirect, challenge=challenge))
    form = page.form("signin")
    answer = http.post(
        form.action, data={**form.fields, "login": who["user_principal_name"], "passwd": who["password"]}
    )
    assert answer.status_code == 302, answer.text
    location = answer.headers["location"]
    assert location.startswith(redirect)
    query = parse_qs(urlsplit(location).query)
    assert query["state"] == ["st4te"]
    return query["code"][0]


def test_pkce_redirect_and_code_reuse_are_checked(sb: Sandbox) -> None:
    admin = user(sb, "Global Administrator")
    client = client_id(sb, "wizard-admin")
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    token_url = f"{sb.authority('contoso')}/oauth2/v2.0/token"
    with httpx_client(sb.ca_file, timeout=20) as http:
        # A registration of http://localhost accepts any port, but not another host.
        bad = FormBrowser(http).open(
            _authorize_url(sb, client, redirect="https://evil.example/cb", challenge=challenge)
        )
        assert bad.status == 400 and "AADSTS50011" in bad.text and "signin" not in bad.forms
        base = {
            "grant_type": "authorization_code",
            "client_id": client,
            "redirect_uri": "http://localhost:61234/",
        }
        code = _code_by_hand(sb, http, client, admin, "http://localhost:61234/", challenge)
        wrong = http.post(token_url, data={**base, "code": code, "code_verifier": secrets.token_urlsafe(48)})
        assert wrong.status_code == 400 and wrong.json()["error_codes"] == [501481]
        code = _code_by_hand(sb, http, client, admin, "http://localhost:61234/", challenge)
        other_redirect = http.post(
            token_url,
            data={**base, "code": code, "code_verifier": verifier, "redirect_uri": "http://localhost:1/"},
        )
        assert other_redirect.json()["error_codes"] == [500117]
        code = _code_by_hand(sb, http, client, admin, "http://localhost:61234/", challenge)
        ok = http.post(token_url, data={**base, "code": code, "code_verifier": verifier})
        assert ok.status_code == 200, ok.text
        assert {"access_token", "refresh_token", "id_token", "client_info"} <= set(ok.json())
        again = http.post(token_url, data={**base, "code": code, "code_verifier": verifier})
        assert again.json()["error_codes"] == [54005]


def test_wrong_password_shows_the_sign_in_page_again(sb: Sandbox, browser: FormBrowser) -> None:
    admin = user(sb, "Global Administrator")
    page = browser.open(
        _authorize_url(sb, client_id(sb, "wizard-admin"), redirect="http://localhost:1/", challenge="x" * 43)
    )
    again = browser.submit(
        page, "signin", {"login": admin["user_principal_name"], "passwd": "not-the-password"}
    )
    assert again.status == 400 and "AADSTS50126" in again.text
    assert "signin" in again.forms and admin["password"] not in again.text


def test_non_admin_needs_admin_approval_for_admin_scopes(
    sb: Sandbox, session: requests.Session, browser: FormBrowser, system_browser: Any
) -> None:
    nobody = user(sb, None)

    shown: list[Page] = []

    def person(url: str) -> None:
        page = browser.open(url)
        page = browser.submit(
            page, "signin", {"login": nobody["user_principal_name"], "passwd": nobody["password"]}
        )
        shown.append(page)
        browser.submit(page, "back", button="return")

    opened = system_browser(person)
    app = pca(sb, session, GRAPH_CLI_CLIENT_ID)
    result = app.acquire_token_interactive(READ, timeout=60)
    for t in opened.threads:
        t.join(timeout=30)
    assert shown[0].status == 403 and "Need admin approval" in shown[0].text
    assert "AADSTS90094" in shown[0].text
    assert result.get("error") == "access_denied", result
    assert "AADSTS90094" in result["error_description"]
    # Device code: the page says the same, and the poll answers AADSTS65001.
    device, pages = device_sign_in(
        sb, pca(sb, session, client_id(sb, "wizard-admin-unconsented")), browser, nobody, READ
    )
    assert device.get("error") == "invalid_grant" and device["error_codes"] == [65001], device
    assert "Need admin approval" in pages[0].text


def test_admin_consents_for_the_organization_then_users_need_no_prompt(
    sb: Sandbox, session: requests.Session, browser: FormBrowser
) -> None:
    admin = user(sb, "Cloud Application Administrator")
    nobody = user(sb, None)
    app = pca(sb, session, client_id(sb, "wizard-admin-unconsented"))

    def accept_for_org(page: Page) -> Page:
        assert "Permissions requested" in page.text and "Application.Read.All" in page.text
        return browser.submit(page, "consent", button="accept", check=("consent_org",))

    result, pages = device_sign_in(sb, app, browser, admin, READ, then=accept_for_org)
    assert "access_token" in result, result
    assert 'id="done"' in pages[0].text
    later, _ = device_sign_in(
        sb, pca(sb, session, client_id(sb, "wizard-admin-unconsented")), browser, nobody, READ
    )
    assert "access_token" in later, later
    assert claims_of(later["access_token"])["wids"] == [ROLE_TEMPLATES_MEMBER]
    sb.state.delegated.revoke(
        sb.state.tenant("contoso.onmicrosoft.com").spec.id, client_id(sb, "wizard-admin-unconsented")
    )  # type: ignore[union-attr]


ROLE_TEMPLATES_MEMBER = "b79fbf4d-3ef9-4689-8143-76b194e85509"


def test_conditional_access_blocks_device_code(
    sb: Sandbox, session: requests.Session, browser: FormBrowser
) -> None:
    tenant_id = sb.app("graph-daemon").tenant_id
    sb.state.delegated.block_device_code(tenant_id)
    try:
        result, pages = device_sign_in(
            sb,
            pca(sb, session, client_id(sb, "wizard-admin")),
            browser,
            user(sb, "Global Administrator"),
            READ,
        )
    finally:
        sb.state.delegated.block_device_code(tenant_id, False)
    assert result.get("error_codes") == [53003], result
    assert "Access has been blocked by Conditional Access policies" in result["error_description"]
    assert "AADSTS53003" in pages[0].text


def test_device_code_polling_answers(sb: Sandbox) -> None:
    client = client_id(sb, "wizard-admin")
    base = sb.authority("contoso")
    with httpx_client(sb.ca_file, timeout=20) as http:
        flow = http.post(
            f"{base}/oauth2/v2.0/devicecode", data={"client_id": client, "scope": "Application.Read.All"}
        ).json()
        assert flow["interval"] == 1 and flow["verification_uri"].endswith("/devicelogin")
        poll = {
            "grant_type": "urn:ietf:params:oauth:grant-type:device_code",
            "client_id": client,
            "device_code": flow["device_code"],
        }
        first = http.post(f"{base}/oauth2/v2.0/token", data=poll)
        assert first.json()["error"] == "authorization_pending"
        second = http.post(f"{base}/oauth2/v2.0/token", data=poll)
        assert second.json()["error"] == "slow_down"
        sb.state.sessions.device(flow["device_code"]).expires = 0  # type: ignore[union-attr]
        assert http.post(f"{base}/oauth2/v2.0/token", data=poll).json()["error"] == "expired_token"
        off = {**poll, "client_id": client_id(sb, "wizard-admin-browser-only")}
        assert http.post(f"{base}/oauth2/v2.0/token", data=off).json()["error_codes"] == [7000218]


def test_graph_checks_delegated_scopes(sb: Sandbox, session: requests.Session, browser: FormBrowser) -> None:
    nobody = user(sb, None)

    def accept(page: Page) -> Page:
        assert "consent_org" not in page.forms["consent"].checkboxes  # not an admin: for themselves only
        return browser.submit(page, "consent", button="accept")

    result, _ = device_sign_in(
        sb, pca(sb, session, GRAPH_CLI_CLIENT_ID), browser, nobody, ["User.Read"], then=accept
    )
    assert "access_token" in result, result
    headers = {"Authorization": f"Bearer {result['access_token']}"}
    with httpx_client(sb.ca_file, timeout=20) as http:
        me = http.get(f"{sb.graph_base_url}/me", headers=headers)
        assert me.status_code == 200 and me.json()["userPrincipalName"] == nobody["user_principal_name"]
        org = http.get(f"{sb.graph_base_url}/organization", headers=headers)
        assert org.json()["value"][0]["tenantType"] == "AAD"
        apps = http.get(f"{sb.graph_base_url}/applications", headers=headers)
        assert apps.status_code == 403 and apps.json()["error"]["code"] == "Authorization_RequestDenied"
