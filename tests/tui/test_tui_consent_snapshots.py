"""Snapshots of the consent step's "Already granted" states, at 80x24 and 120x40: asking first (a real tenant,
no admin), reading, granted as the admin read it, missing from the token's roles with the reason Graph could
not be read, and unreadable. The reader is injected (fixed reports); the sandbox flow is in
test_tui_consent_grants.py."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from textual.pilot import Pilot
from tui_helpers import make_app, wait_for_text

from screens.consent import ASK, ConsentScreen
from screens.services import required_roles
from wizard.grants import GrantReport, GrantSource, Need, check_needs
from wizard.profile import ApiTarget, Profile

TENANT = "7d3c6a52-1b4e-4f0a-9a51-0c0ffee00001"
CLIENT = "c0ffee00-0002-4000-a000-00000000c11e"
PROFILE = Profile(name="snapshot", tenant=TENANT, client_id=CLIENT, api=ApiTarget(relative_path="/users"))
NEEDS = tuple(Need(n.call, n.roles) for n in required_roles(PROFILE))
SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


def _report(source: GrantSource, granted: tuple[str, ...], *notes: str) -> GrantReport:
    checks = check_needs(NEEDS, granted) if source is not GrantSource.NONE else ()
    return GrantReport(source, "Microsoft Graph", granted, checks, notes)


GRANTED = _report(GrantSource.ADMIN, ("User.Read.All", "Application.Read.All"))
MISSING = _report(
    GrantSource.TOKEN_ROLES, (), "could not read: needs Application.Read.All (its Graph token holds: none)"
)
UNREADABLE = _report(
    GrantSource.NONE, (), "the app's own credential cannot be used: no client secret was given"
)


def _shown(report: GrantReport, wait_for: str) -> Callable[[Pilot[int]], Any]:
    async def run_before(pilot: Pilot[int]) -> None:
        await pilot.app.push_screen(ConsentScreen(PROFILE, grants=lambda: report, read_now=True))
        await wait_for_text(pilot, wait_for, within="#granted")

    return run_before


@pytest.mark.parametrize("size", SIZES)
def test_consent_grants_asked_for_first(snap_compare: Any, size: tuple[int, int]) -> None:
    """A real tenant without an admin: nothing leaves until g is pressed, and the step says so."""

    async def run_before(pilot: Pilot[int]) -> None:
        await pilot.app.push_screen(ConsentScreen(PROFILE, grants=lambda: GRANTED))
        await wait_for_text(pilot, ASK[:40], within="#granted")

    assert snap_compare(make_app(flow=False), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_consent_grants_reading(snap_compare: Any, size: tuple[int, int]) -> None:
    """The worker is reading: the step is usable and says what it is doing."""
    release = threading.Event()

    def reader() -> GrantReport:
        release.wait(30)
        return GRANTED

    async def run_before(pilot: Pilot[int]) -> None:
        await pilot.app.push_screen(ConsentScreen(PROFILE, grants=reader, read_now=True))
        await wait_for_text(pilot, "Reading what is already granted", within="#granted")

    try:
        assert snap_compare(make_app(flow=False), terminal_size=size, run_before=run_before)
    finally:
        release.set()


@pytest.mark.parametrize("size", SIZES)
def test_consent_grants_granted_by_admin_read(snap_compare: Any, size: tuple[int, int]) -> None:
    """Read with the admin sign-in: ✓ for the role the call needs, the others listed."""
    run_before = _shown(GRANTED, "✓ User.Read.All granted")
    assert snap_compare(make_app(flow=False), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_consent_grants_missing_from_token_roles(snap_compare: Any, size: tuple[int, int]) -> None:
    """From the token's roles claim: ✗ with the alternatives, and why Graph could not be read."""
    run_before = _shown(MISSING, "✗ User.Read.All missing")
    assert snap_compare(make_app(flow=False), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_consent_grants_unreadable(snap_compare: Any, size: tuple[int, int]) -> None:
    """Nothing could be read: the reason is shown, not a blank."""
    run_before = _shown(UNREADABLE, "could not be read")
    assert snap_compare(make_app(flow=False), terminal_size=size, run_before=run_before)
