"""The TUI's audit view: reached from the start screen (ctrl+a), it reads the sandbox tenant in a worker,
and its table sorts and filters; snapshots of a fixed tenant at 80x24 and 120x40, and of the chart."""

from __future__ import annotations

import datetime as dt
from typing import Any

from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static, TabbedContent
from tui_helpers import make_app, type_text, until, wait_for

from screens.audit import AuditScreen
from screens.audit_data import AuditView, build_view
from wizard.audit.model import AppRecord, AuditPolicy, Credential, Holder, PrincipalRecord, Tenant
from wizard.audit.rules import audit

NOW = dt.datetime(2026, 3, 10, 12, 0, tzinfo=dt.timezone.utc)


def _cred(app: int, kind: str, days: int, holder: Holder = Holder.APPLICATION) -> Credential:
    return Credential(
        holder=holder,
        object_id=f"0000000{app}-0000-4000-8000-0000000000b0",
        app_id=f"0000000{app}-0000-4000-8000-00000000c11e",
        display_name=f"Daemon {app}",
        kind=kind,
        key_id=f"{app}{days:+04d}".replace("+", "a").replace("-", "b").ljust(8, "0")
        + "-0000-4000-8000-000000000000",
        name=f"{kind} {days}",
        hint="Ab1" if kind == "secret" else "",
        start=NOW - dt.timedelta(days=400),
        end=NOW + dt.timedelta(days=days),
    )


def fixed_view() -> AuditView:
    """Three apps and a service principal, credentials from expired to next year, at a fixed `now`."""
    apps = (
        AppRecord(
            "0000000{1}-a",
            "00000001-0000-4000-8000-00000000c11e",
            "Daemon 1",
            (_cred(1, "secret", -20), _cred(1, "certificate", 12)),
            owners=("u1",),
        ),
        AppRecord(
            "0000000{2}-a",
            "00000002-0000-4000-8000-00000000c11e",
            "Daemon 2",
            (_cred(2, "secret", 45), _cred(2, "secret", 200)),
            owners=(),
        ),
        AppRecord(
            "0000000{3}-a",
            "00000003-0000-4000-8000-00000000c11e",
            "Daemon 3",
            (_cred(3, "certificate", 95),),
            owners=("u2",),
        ),
    )
    sps = (
        PrincipalRecord(
            "0000000{4}-s",
            "00000004-0000-4000-8000-00000000c11e",
            "Daemon 4",
            False,
            (_cred(4, "secret", 30, Holder.SERVICE_PRINCIPAL),),
        ),
    )
    tenant = Tenant(apps, sps)
    policy = AuditPolicy(expiring_within=30, now=NOW)
    return build_view(tenant, audit(tenant, policy), policy)


async def _open_fixed(pilot: Pilot[int]) -> None:
    await pilot.app.push_screen(AuditScreen(reader=fixed_view))
    await until(pilot, lambda: pilot.app.screen.query_one(DataTable).row_count > 0, "the audit rows")


async def _chart(pilot: Pilot[int]) -> None:
    await _open_fixed(pilot)
    tabs = pilot.app.screen.query_one(TabbedContent)
    tabs.active = "audit-months"
    await until(pilot, lambda: tabs.active == "audit-months", "the chart tab")


def test_audit_credentials_80x24(snap_compare: Any) -> None:
    """The table of a fixed tenant, soonest end first, the summary above it."""
    assert snap_compare(make_app(flow=False), terminal_size=(80, 24), run_before=_open_fixed)


def test_audit_credentials_120x40(snap_compare: Any) -> None:
    """The same at 120x40: every column visible."""
    assert snap_compare(make_app(flow=False), terminal_size=(120, 40), run_before=_open_fixed)


def test_audit_chart_80x24(snap_compare: Any) -> None:
    """The credentials expiring per month, from `expired` to `later`."""
    assert snap_compare(make_app(flow=False), terminal_size=(80, 24), run_before=_chart)


async def test_filter_and_sort_the_fixed_tenant() -> None:
    app = make_app(flow=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await _open_fixed(pilot)
        table = app.screen.query_one(DataTable)
        assert table.row_count == 6
        assert table.get_row_at(0)[6] == "expired"  # soonest end first
        app.screen.query_one("#audit-filter", Input).focus()
        await type_text(pilot, "secret expiring")
        await until(pilot, lambda: table.row_count == 1, "one expiring secret")
        assert table.get_row_at(0)[0] == "Daemon 4"
        await pilot.press("ctrl+u")  # clear the filter
        await until(pilot, lambda: table.row_count == 6, "every row again")
        screen = app.screen
        assert isinstance(screen, AuditScreen)
        screen._sorted(
            DataTable.HeaderSelected(table, table.ordered_columns[0].key, 0, table.ordered_columns[0].label)
        )
        assert [table.get_row_at(i)[0] for i in range(6)] == sorted(table.get_row_at(i)[0] for i in range(6))
        screen._sorted(
            DataTable.HeaderSelected(table, table.ordered_columns[0].key, 0, table.ordered_columns[0].label)
        )
        assert table.get_row_at(0)[0] == "Daemon 4"  # the second click reverses


async def test_start_screen_opens_the_audit_of_the_sandbox_tenant() -> None:
    """ctrl+a on the start screen; the read runs in a worker against a real sandbox (msal, HTTPS, paging)."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+a")
        await wait_for(pilot, AuditScreen)
        summary = app.screen.query_one("#audit-summary", Static)
        await until(pilot, lambda: "credentials:" in str(summary.content), "the audit summary", seconds=120)
        table = app.screen.query_one(DataTable)
        assert table.row_count > 0
        names = {table.get_row_at(i)[0] for i in range(table.row_count)}
        assert "Graph Daemon" in names
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, AuditScreen), "the start screen again")


async def test_a_failed_read_says_why_without_a_traceback() -> None:
    """A refused read (here a network failure) becomes a sentence with the hint; the view stays usable."""
    from wizard.errors import ConnectError

    def refused() -> AuditView:
        raise ConnectError("Could not connect to graph.microsoft.com", hint="Check the network or the proxy.")

    app = make_app(flow=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.app.push_screen(AuditScreen(reader=refused))
        summary = app.screen.query_one("#audit-summary", Static)
        await until(pilot, lambda: "could not read" in str(summary.content), "the failure")
        assert "Could not connect to graph.microsoft.com" in str(summary.content)
        assert "Check the network or the proxy." in str(summary.content)
        assert "Traceback" not in str(summary.content)
        assert app.screen.query_one(DataTable).row_count == 0
        await pilot.press("ctrl+r")  # reading again is possible
        await until(pilot, lambda: "could not read" in str(summary.content), "the failure again")


async def test_ctrl_f_goes_to_the_filter_from_the_chart_tab() -> None:
    app = make_app(flow=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await _chart(pilot)
        await pilot.press("ctrl+f")
        tabs = app.screen.query_one(TabbedContent)
        await until(pilot, lambda: tabs.active == "audit-credentials", "back on the credentials tab")
        field = app.screen.query_one("#audit-filter", Input)
        await until(pilot, lambda: field.has_focus, "the filter focused")
        await type_text(pilot, "secret expiring")
        table = app.screen.query_one(DataTable)
        await until(pilot, lambda: table.row_count == 1, "typing filters at once")
