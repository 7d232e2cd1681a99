"""The customers view: reached from the start screen, rows per customer, a real check on the sandbox in a
worker (before and after the customer admin's consent), and snapshots at 80x24 and 120x40."""

from __future__ import annotations

from typing import Any

import pytest
from customer_helpers import consent_in_browser
from textual.pilot import Pilot
from tui_helpers import CANARY, make_app, screen_text, type_text, until, wait_for, wait_for_text

from screens.customers import CustomersScreen, real_checker
from wizard.customers import (
    CheckResult,
    ConsentState,
    CustomerBook,
    CustomerRow,
    consent_url,
    load_book,
    request_consent,
    save_book,
)
from wizard.diagnosis.model import Finding
from wizard.live.sandbox_profile import sandbox_app_profile
from wizard.profile import Profile
from wizard.profile_store import save_profile
from wizard.sandbox import Sandbox
from wizard.sandbox.defaults_customers import ISV_DAEMON, NORTHWIND_ID

HOME = "7d3c6a52-1b4e-4f0a-9a51-0c0ffee00001"
CLIENT = "c0c0a000-0031-4000-a000-00000000c11e"
SECOND = "fabrikam.onmicrosoft.com"


def _saved_isv() -> tuple[Profile, CustomerBook]:
    profile = Profile(name="isv", tenant=HOME, client_id=CLIENT)
    save_profile(profile)
    book = CustomerBook(profile="isv", home_tenant=HOME).add(NORTHWIND_ID).add(SECOND)
    save_book(book)
    return profile, book


def _canned(profile: Profile, book: CustomerBook) -> CheckResult:
    missing = Finding(
        "customer-consent-missing",
        "error",
        "This customer's admin has not consented to the app yet",
        "Entra has no service principal of this multi-tenant app in fabrikam.onmicrosoft.com (AADSTS700016).",
        f"Send the customer's admin the admin-consent URL: {consent_url(profile, book.get(SECOND))}",
    )

    def row(tenant: str, ok: bool) -> CustomerRow:
        return CustomerRow(
            tenant=tenant,
            tenant_id=tenant if ok else None,
            consent=ConsentState.CONSENTED if ok else ConsentState.NOT_REQUESTED,
            token_ok=ok,
            roles=("User.Read.All",) if ok else (),
            api="200 GET /v1.0/users" if ok else "-",
            status="pass" if ok else "fail",
            findings=() if ok else (missing,),
            consent_url=consent_url(profile, book.get(tenant)),
        )

    home = CustomerRow(
        HOME, HOME, ConsentState.CONSENTED, True, ("User.Read.All",), "200 GET /v1.0/users", "pass", (), ""
    )
    return CheckResult(home, (row(NORTHWIND_ID, True), row(SECOND, False)), True, "AzureADMultipleOrgs")


def _open_view(checker: Any = None) -> Any:
    async def run_before(pilot: Pilot[int]) -> None:
        await pilot.app.push_screen(CustomersScreen(checker=checker))
        await wait_for(pilot, CustomersScreen)

    return run_before


def test_snapshot_customers_empty(snap_compare: Any) -> None:
    """No saved profile: the view says how to get one."""
    assert snap_compare(make_app(flow=False), terminal_size=(80, 24), run_before=_open_view())


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_snapshot_customers_checked(snap_compare: Any, size: tuple[int, int]) -> None:
    """After a check: one passing customer, one missing consent with its URL and the fix."""
    profile, book = _saved_isv()

    async def run_before(pilot: Pilot[int]) -> None:
        await _open_view(lambda p, b, s: _canned(profile, book))(pilot)
        await pilot.press("ctrl+r")
        await until(pilot, lambda: pilot.app.screen.result is not None, "the check's rows")
        await pilot.press("down")
        await pilot.pause()

    assert snap_compare(make_app(flow=False), terminal_size=size, run_before=run_before)


async def test_the_start_screen_opens_the_customers_view() -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+l")
        await wait_for(pilot, CustomersScreen)
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, CustomersScreen), "the start screen again")


async def test_add_a_customer_from_the_view_and_refuse_common() -> None:
    _saved_isv()
    app = make_app(flow=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await _open_view()(pilot)
        await pilot.press("ctrl+o")
        await type_text(pilot, "common")
        await pilot.press("enter")
        await wait_for_text(pilot, "not a customer's tenant")
        pilot.app.screen.query_one("#add-tenant").value = ""
        await type_text(pilot, "contoso.example")
        await pilot.press("enter")
        await wait_for_text(pilot, "contoso.example")
    assert load_book("isv").find("contoso.example") is not None


async def test_check_on_the_sandbox_before_and_after_the_customer_admin_consents(
    sandbox_for_tui: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    sb = sandbox_for_tui
    profile, secret = sandbox_app_profile(sb, ISV_DAEMON)
    save_profile(profile.with_(name="isv"))
    save_book(CustomerBook(profile="isv", home_tenant=profile.tenant.lower()).add(NORTHWIND_ID))
    assert secret is not None
    app = make_app(flow=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await _open_view(real_checker(sb.ca_file))(pilot)
        pilot.app.screen.query_one("#secret").focus()
        await type_text(pilot, secret.reveal())
        await pilot.press("ctrl+r")
        await wait_for_text(pilot, "customer-consent-missing")
        assert f"{NORTHWIND_ID}/v2.0/adminconsent" in screen_text(app)
        book, customer = request_consent(load_book("isv"), NORTHWIND_ID)
        save_book(book)
        consent_in_browser(sb, consent_url(profile, customer))
        await pilot.press("ctrl+r")
        await until(
            pilot,
            lambda: app.screen.result is not None and app.screen.result.rows[0].status == "pass",
            "the customer's row passing",
        )
        assert secret.reveal() not in screen_text(app)
        assert CANARY not in screen_text(app)


@pytest.fixture
def sandbox_for_tui(tmp_path_factory: pytest.TempPathFactory) -> Any:
    sb = Sandbox(data_dir=tmp_path_factory.mktemp("sandbox-tui"))
    sb.start()
    yield sb
    sb.stop()


async def test_ctrl_y_copies_the_selected_customers_consent_url() -> None:
    profile, book = _saved_isv()
    app = make_app(flow=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await _open_view(lambda p, b, s: _canned(profile, book))(pilot)
        await until(pilot, lambda: app.screen.query_one("DataTable").row_count == 2, "the two customers")
        app.screen.query_one("DataTable").focus()
        await pilot.press("down")  # the second customer, fabrikam
        await pilot.press("ctrl+y")
        expected = consent_url(profile, book.get(SECOND))
        await until(pilot, lambda: app.clipboard == expected, "fabrikam's consent URL on the clipboard")
        assert "/adminconsent" in app.clipboard
