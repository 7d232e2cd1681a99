"""Multi-tenant (ISV) daemons end to end on the sandbox: real HTTPS, msal, the customer admin's consent pages."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any

import pytest
from customer_helpers import consent_in_browser, run_cli, run_json, save_app_profile
from fake_clock import FakeClock

from wizard.customers import (
    CheckOptions,
    CustomerBook,
    book_path,
    check_customers,
    consent_url,
    request_consent,
)
from wizard.live.sandbox_profile import sandbox_app_profile, sandbox_registration
from wizard.profile import Profile
from wizard.profile_store import save_profile
from wizard.sandbox import Sandbox
from wizard.sandbox import customer_tenant as customers_admin
from wizard.sandbox.defaults_customers import ISV_DAEMON, ISV_SINGLE_TENANT, NORTHWIND_ID

HOME_ID = "7d3c6a52-1b4e-4f0a-9a51-0c0ffee00001"
CLIENT_ID = "c0c0a000-0031-4000-a000-00000000c11e"


def _row(doc: dict[str, Any], tenant: str = NORTHWIND_ID) -> dict[str, Any]:
    return next(r for r in doc["customers"] if r["tenant"] == tenant)


def test_before_consent_the_row_says_consent_missing_and_after_the_admin_accepts_it_passes(
    make_sandbox: Callable[..., Sandbox], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    sb = make_sandbox()
    save_app_profile(sb, ISV_DAEMON, "isv", monkeypatch)
    flags = ["--profile", "isv", "--ca-file", sb.ca_file, "--no-prompt"]
    code, added = run_json(capsys, ["customers", "add", NORTHWIND_ID, "--profile", "isv"])
    assert code == 0
    assert added["customer"]["consent"] == "not-requested"  # type: ignore[index]
    client_id = sb.app(ISV_DAEMON).client_id
    code, doc = run_json(capsys, ["customers", "check", *flags])
    assert code == 1
    row = _row(doc)
    assert row["finding"] == "customer-consent-missing"
    assert row["token"] == "failed"
    assert doc["home"]["status"] == "pass"
    assert doc["multi_tenant"] is True
    tenant_url = f"{sb.base_url}/{NORTHWIND_ID}/v2.0/adminconsent?client_id={client_id}"
    assert row["consent_url"].startswith(tenant_url)
    assert tenant_url in row["findings"][0]["fix"]

    code, sent = run_json(
        capsys,
        [
            "customers",
            "consent",
            NORTHWIND_ID,
            "--profile",
            "isv",
            "--redirect-uri",
            "http://localhost:8400/",
        ],
    )
    assert code == 0
    assert "&state=" in str(sent["consent_url"])
    location = consent_in_browser(sb, str(sent["consent_url"]))
    assert "admin_consent=True" in location
    code, answer = run_json(capsys, ["customers", "consent", "--profile", "isv", "--redirect-url", location])
    assert code == 0
    assert answer["customer"]["consent"] == "consented"  # type: ignore[index]

    code, doc = run_json(capsys, ["customers", "check", *flags])
    assert code == 0, doc
    row = _row(doc)
    assert row["status"] == "pass"
    assert row["consent"] == "consented"
    assert sorted(row["roles"]) == ["Application.Read.All", "User.Read.All"]
    assert row["api"].startswith("200 GET")
    code, text, err = run_cli(capsys, ["customers", "check", *flags])
    assert code == 0
    assert NORTHWIND_ID in text and "pass" in text
    secret = sb.app(ISV_DAEMON).secret
    assert secret and secret not in text + err + json.dumps(doc) + book_path("isv").read_text()


def test_an_answer_replayed_or_for_no_request_is_refused(
    make_sandbox: Callable[..., Sandbox], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    sb = make_sandbox()
    save_app_profile(sb, ISV_DAEMON, "isv", monkeypatch)
    run_json(capsys, ["customers", "add", NORTHWIND_ID, "--profile", "isv"])
    _, sent = run_json(capsys, ["customers", "consent", NORTHWIND_ID, "--profile", "isv"])
    location = consent_in_browser(sb, str(sent["consent_url"]))
    forged = location.rsplit("state=", 1)[0] + "state=guessed"
    code, _, err = run_cli(capsys, ["customers", "consent", "--profile", "isv", "--redirect-url", forged])
    assert code == 2
    assert "does not belong to any consent request" in err
    assert run_cli(capsys, ["customers", "consent", "--profile", "isv", "--redirect-url", location])[0] == 0
    assert run_cli(capsys, ["customers", "consent", "--profile", "isv", "--redirect-url", location])[0] == 2


def test_the_listener_catches_the_redirect_and_records_a_decline(
    make_sandbox: Callable[..., Sandbox], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    sb = make_sandbox()
    save_app_profile(sb, ISV_DAEMON, "isv", monkeypatch)
    run_json(capsys, ["customers", "add", NORTHWIND_ID, "--profile", "isv"])
    capsys.readouterr()
    box: dict[str, int] = {}
    args = ["customers", "consent", NORTHWIND_ID, "--profile", "isv", "--listen", "--wait", "60", "--json"]
    from wizard.cli.main import main

    worker = threading.Thread(target=lambda: box.setdefault("code", main(args)))
    worker.start()
    seen = ""
    stop = threading.Event()
    while "consent_url" not in seen and worker.is_alive() and not stop.wait(0.02):
        seen += capsys.readouterr().out
    first = json.loads(seen.splitlines()[0])
    assert first["event"] == "consent_url"
    assert "redirect_uri=http%3A%2F%2Flocalhost%3A" in first["consent_url"]
    consent_in_browser(sb, first["consent_url"], accept=False, follow=True)
    worker.join(30)
    assert box["code"] == 1
    answer = json.loads((seen + capsys.readouterr().out).splitlines()[-1])
    assert answer["customer"]["consent"] == "declined"
    assert "AADSTS65004" in answer["customer"]["error"]


def test_a_single_tenant_app_gets_app_not_multi_tenant(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    save_app_profile(sandbox, ISV_SINGLE_TENANT, "single", monkeypatch)
    run_json(capsys, ["customers", "add", NORTHWIND_ID, "--profile", "single"])
    code, doc = run_json(capsys, ["customers", "check", "--profile", "single", "--ca-file", sandbox.ca_file])
    assert code == 1
    assert doc["multi_tenant"] is False
    assert doc["sign_in_audience"] == "AzureADMyOrg"
    assert _row(doc)["finding"] == "app-not-multi-tenant"
    _, listed = run_json(capsys, ["customers", "list", "--profile", "single"])
    assert listed["multi_tenant"] is False  # learnt by the check, kept in the book


def _consented(sb: Sandbox) -> tuple[Any, Any, CustomerBook]:
    profile, secret = sandbox_app_profile(sb, ISV_DAEMON)
    book = CustomerBook(profile="isv", home_tenant=profile.tenant).add(NORTHWIND_ID)
    book, customer = request_consent(book, NORTHWIND_ID)
    location = consent_in_browser(sb, consent_url(profile, customer))
    from wizard.customers import parse_answer, record_answer

    book, _ = record_answer(book, parse_answer(location))
    return profile, secret, book


def _check(sb: Sandbox, profile: Any, secret: Any, book: CustomerBook, **kw: Any) -> Any:
    registration = sandbox_registration(sb, profile.client_id)
    return check_customers(
        profile,
        book,
        secret=secret,
        ca_file=sb.ca_file,
        registration=registration,
        options=CheckOptions(**kw),
    )


def test_a_permission_added_after_consent_needs_reconsent(make_sandbox: Callable[..., Sandbox]) -> None:
    sb = make_sandbox()
    profile, secret, book = _consented(sb)
    assert _check(sb, profile, secret, book).rows[0].status == "pass"
    customers_admin.add_permission(sb.state, profile.client_id, "graph", "Directory.Read.All")
    sb.state.grant_consent(profile.client_id)  # the ISV consents at home; the customer has not yet
    row = _check(sb, profile, secret, book).rows[0]
    assert row.finding is not None and row.finding.code == "customer-reconsent-needed"
    assert "Directory.Read.All" in row.finding.explanation
    assert f"{NORTHWIND_ID}/v2.0/adminconsent" in row.finding.fix
    book, customer = request_consent(book, NORTHWIND_ID)
    consent_in_browser(sb, consent_url(profile, customer))
    assert _check(sb, profile, secret, book).rows[0].status == "pass"


@pytest.mark.parametrize("how", ["delete", "disable"])
def test_a_revoked_service_principal_gives_consent_revoked(
    make_sandbox: Callable[..., Sandbox], how: str
) -> None:
    sb = make_sandbox()
    profile, secret, book = _consented(sb)
    revoke = (
        customers_admin.remove_service_principal
        if how == "delete"
        else customers_admin.disable_service_principal
    )
    revoke(sb.state, NORTHWIND_ID, profile.client_id)
    row = _check(sb, profile, secret, book).rows[0]
    assert row.finding is not None and row.finding.code == "customer-consent-revoked"


def test_429_retry_after_is_honoured(make_sandbox: Callable[..., Sandbox]) -> None:
    sb = make_sandbox()
    profile, secret, book = _consented(sb)
    clock = FakeClock()
    sb.faults.inject("token", "429", retry_after=3, times=2)
    result = _check(sb, profile, secret, book, clock=clock, timeout=60)
    assert result.rows[0].status == "pass"
    assert result.home.status == "pass"
    assert clock.sleeps.count(3.0) == 2


def test_two_hundred_customers_run_at_most_jobs_at_once(sandbox: Sandbox) -> None:
    profile, secret = sandbox_app_profile(sandbox, ISV_DAEMON)
    book = CustomerBook(profile="many", home_tenant=profile.tenant)
    for n in range(199):
        book = book.add(f"0c0ffee0-0000-4000-8000-{n:012d}")
    book = book.add(NORTHWIND_ID)
    result = _check(sandbox, profile, secret, book, jobs=8, timeout=60)
    assert len(result.rows) == 200
    assert 1 <= result.peak_jobs <= 8
    assert {r.finding.code for r in result.rows[:199] if r.finding} == {"tenant-not-found"}
    assert result.rows[-1].finding is not None
    assert result.rows[-1].finding.code == "customer-consent-missing"


def test_a_single_tenant_app_cannot_be_consented_in_the_customer_tenant(sandbox: Sandbox) -> None:
    app = sandbox.app(ISV_SINGLE_TENANT)
    from form_browser import FormBrowser

    from wizard.sandbox.trust import httpx_client

    with httpx_client(sandbox.ca_file, timeout=10) as http:
        page = FormBrowser(http).open(
            f"{sandbox.base_url}/{NORTHWIND_ID}/v2.0/adminconsent?client_id={app.client_id}"
            "&scope=https://graph.microsoft.com/.default"
        )
    assert page.status == 400
    assert not page.forms
    assert (
        f"AADSTS700016: Application with identifier &#x27;{app.client_id}&#x27; was not found in the directory "
        f"&#x27;{NORTHWIND_ID}&#x27;. This can happen if the application has not been installed by the "
        "administrator of the tenant or consented to by any user in the tenant."
    ) in page.text


def test_on_organizations_the_admin_consents_for_their_own_tenant(
    make_sandbox: Callable[..., Sandbox],
) -> None:
    sb = make_sandbox()
    app = sb.app(ISV_DAEMON)
    url = (
        f"{sb.base_url}/organizations/v2.0/adminconsent?client_id={app.client_id}"
        "&scope=https://graph.microsoft.com/.default&redirect_uri=http://localhost/&state=s1"
    )
    location = consent_in_browser(sb, url)
    assert f"tenant={NORTHWIND_ID}" in location and "state=s1" in location
    assert NORTHWIND_ID.lower() in {t.spec.id for t in sb.state.tenants.values() if app.client_id in t.guests}


def test_the_ready_line_lists_the_customer_tenant_its_admin_and_the_apps_audience(sandbox: Sandbox) -> None:
    described = sandbox.describe()
    northwind = next(t for t in described["tenants"] if t["id"] == NORTHWIND_ID)
    admin = next(u for u in northwind["users"] if "Global Administrator" in u["roles"])
    assert admin["user_principal_name"].endswith("@northwindtraders.onmicrosoft.com") and admin["password"]
    apps = {a["name"]: a for t in described["tenants"] for a in t["apps"]}
    assert apps[ISV_DAEMON]["sign_in_audience"] == "AzureADMultipleOrgs"
    assert apps[ISV_SINGLE_TENANT]["sign_in_audience"] == "AzureADMyOrg"
    assert northwind["apps"] == []  # contoso's daemon has no service principal there before consent


def test_check_with_every_tenant_unreachable_is_exit_3(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import socket

    with socket.socket() as closed:  # a port nothing listens on: connection refused at once
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    save_profile(
        Profile(
            name="isv",
            tenant=HOME_ID,
            client_id=CLIENT_ID,
            authority_override=f"https://127.0.0.1:{port}/{HOME_ID}",
        )
    )
    monkeypatch.setenv("DAEMON_WIZARD_CLIENT_SECRET", "Cnry8Q~unreachable-secret-0123456789abcdef")
    assert run_cli(capsys, ["customers", "add", NORTHWIND_ID, "--profile", "isv"])[0] == 0
    code, out, _ = run_cli(
        capsys, ["customers", "check", "--profile", "isv", "--no-prompt", "--timeout", "10", "--json"]
    )
    assert code == 3
    doc = json.loads(out)
    assert doc["exit_code"] == 3
    assert doc["customers"][0]["token"] == "failed"
    assert f"https://127.0.0.1:{port}/{NORTHWIND_ID}/v2.0/adminconsent" in doc["customers"][0]["consent_url"]
