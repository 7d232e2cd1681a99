"""Snapshots of the admin path's screens (sign-in, plan, confirmation, progress), at 80x24 and at 120x40.

Fixed data only: a signed-in identity built from claims, a plan with a step of each status, apply's progress
events replayed by a runner that waits for the test; nothing reaches a network.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input
from textual.worker import get_current_worker
from tui_helpers import make_app, until, wait_for_text

from screens.admin_plan import AdminPlanScreen
from screens.admin_progress import AdminProgressScreen
from screens.admin_services import AdminSession, AdminTarget
from screens.admin_signin import AdminSignInScreen
from wizard.admin.admin_cloud import SignInPlace, national_places
from wizard.admin.apply import ApplyResult, ProgressEvent
from wizard.admin.clients import ClientChoice
from wizard.admin.identity import AdminIdentity, AdminToken
from wizard.admin.plan import Step
from wizard.admin.registration import Predictions, RegistrationPlan, RegistrationRequest
from wizard.admin.signin import DeviceCodePrompt
from wizard.admin.tenant_reads import TenantFacts
from wizard.secret import Secret

TENANT = "7d3c6a52-1b4e-4f0a-9a51-0c0ffee00001"
CLIENT = "c0c0a000-0101-4000-a000-00000000c11e"
AUTHORITY = f"https://127.0.0.1:8443/{TENANT}"
URL = (
    f"{AUTHORITY}/oauth2/v2.0/authorize?client_id={CLIENT}&response_type=code"
    "&redirect_uri=http%3A%2F%2Flocalhost%3A41234&scope=Application.ReadWrite.All&code_challenge_method=S256"
)
SANDBOX = SignInPlace(
    "sandbox", "sandbox tenant", "https://127.0.0.1:8443", "https://127.0.0.1:8443/v1.0", "ca.pem"
)
TARGET = AdminTarget(
    AUTHORITY,
    ClientChoice(CLIENT, own=True),
    "https://127.0.0.1:8443/v1.0",
    "ca.pem",
    "sandbox tenant",
    places=(SANDBOX, *national_places()),
    tenant=TENANT,
    client_given=CLIENT,
)
IDENTITY = AdminIdentity(
    user="adele.vance@contoso.onmicrosoft.com",
    object_id="00000000-0000-4000-8000-00000000a001",
    tenant_id=TENANT,
    client_id=CLIENT,
    roles=("Application Administrator",),
    role_ids=("9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3",),
    scopes=("Application.ReadWrite.All",),
    expires_on=4102444800,
)
SESSION = AdminSession(TARGET, AdminToken(Secret("eyJ.not-a-real-token"), IDENTITY, "interactive"))
STEPS = [
    Step(
        "create application",
        "edw-orders-daemon",
        "todo",
        "Application.ReadWrite.All",
        "Application Developer (or none)",
        "will be created (upsert by uniqueName)",
    ),
    Step(
        "create service principal",
        "edw-orders-daemon",
        "todo",
        "Application.ReadWrite.All",
        "Application Developer",
        "will be created (upsert by appId)",
    ),
    Step(
        "add application permission",
        "Microsoft Graph User.Read.All",
        "done",
        "Application.ReadWrite.All",
        "Application Developer",
        "configured",
    ),
    Step(
        "grant admin consent",
        "Microsoft Graph User.Read.All",
        "blocked",
        "AppRoleAssignment.ReadWrite.All",
        "Privileged Role Administrator or Global Administrator",
        "granting Microsoft Graph application permissions needs Privileged Role Administrator or Global Administrator; you are Application Administrator",
    ),
    Step(
        "add client secret",
        "edw-orders-daemon",
        "todo",
        "Application.ReadWrite.All",
        "owner or Cloud Application Administrator",
        "added (180 days), written once to a 0600 file",
    ),
]
PLAN = RegistrationPlan(
    request=RegistrationRequest(name="edw-orders-daemon", roles=("User.Read.All",)),
    facts=TenantFacts(me={}, organization={"id": TENANT}, app=None, service_principal=None),
    api_app=None,
    steps=STEPS,
    predictions=Predictions(),
    fingerprint="fixed",
    tenant_id=TENANT,
    graph_url="https://127.0.0.1:8443/v1.0",
)
EVENTS = [
    ProgressEvent("create application", "edw-orders-daemon", "done", "created"),
    ProgressEvent("create service principal", "edw-orders-daemon", "done", "created"),
    ProgressEvent(
        "grant admin consent", "Microsoft Graph User.Read.All", "failed", "403 Authorization_RequestDenied"
    ),
    ProgressEvent("add client secret", "edw-orders-daemon", "start", ""),
]
SIZES = pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])


def _check(snap_compare: Any, run_before: Callable[[Pilot[int]], Any], size: tuple[int, int]) -> None:
    assert snap_compare(make_app(flow=False), terminal_size=size, run_before=run_before)


@SIZES
def test_admin_signin_browser_url(snap_compare: Any, size: tuple[int, int]) -> None:
    """The browser sign-in is waiting: the URL is on the screen for people on SSH (c copies it)."""

    async def shown(pilot: Pilot[int]) -> None:
        screen = AdminSignInScreen(TARGET, note="sandbox tenant")
        await pilot.app.push_screen(screen)
        await pilot.pause()
        screen._show_url(URL)
        await wait_for_text(pilot, "Waiting for the sign-in in the browser", within="#signin-status")

    _check(snap_compare, shown, size)


@SIZES
def test_admin_signin_device_code(snap_compare: Any, size: tuple[int, int]) -> None:
    """Device code: where to go and the code to type."""

    async def shown(pilot: Pilot[int]) -> None:
        screen = AdminSignInScreen(TARGET, note="sandbox tenant")
        await pilot.app.push_screen(screen)
        await pilot.pause()
        screen._show_code(DeviceCodePrompt(f"{AUTHORITY}/devicelogin", "ABCD-1234", 900, ""))
        await wait_for_text(pilot, "ABCD-1234", within="#signin-prompt")

    _check(snap_compare, shown, size)


@SIZES
def test_admin_signin_invalid_field(snap_compare: Any, size: tuple[int, int]) -> None:
    """A public client ID that is not a GUID: the fields stay, the message says what to give instead."""

    async def shown(pilot: Pilot[int]) -> None:
        screen = AdminSignInScreen(TARGET, note="sandbox tenant")
        await pilot.app.push_screen(screen)
        await pilot.pause()
        screen.query_one("#signin-client-id", Input).value = "my-public-client"
        await wait_for_text(pilot, "is not an application (client) ID", within="#signin-about")
        screen.action_browser()
        await wait_for_text(pilot, "Fix the field named above", within="#signin-status")

    _check(snap_compare, shown, size)


@SIZES
def test_admin_plan_with_a_blocked_step(snap_compare: Any, size: tuple[int, int]) -> None:
    """The plan: to do, in place, and not allowed for the signed-in role (with the role it needs)."""

    async def shown(pilot: Pilot[int]) -> None:
        screen = AdminPlanScreen(SESSION, name="edw-orders-daemon", note="sandbox tenant")
        await pilot.app.push_screen(screen)
        await pilot.pause()
        screen._show(PLAN)
        await wait_for_text(pilot, "not allowed for your role", within="#plan-status")
        # The whole state the snapshot shows, not only its last line: every row, and the focus on_mount set
        # (a loaded machine may take a refresh longer for either).
        table = screen.query_one("#plan-steps", DataTable)
        await until(pilot, lambda: table.row_count == len(PLAN.steps), "every plan row")
        await until(pilot, lambda: screen.query_one("#plan-name", Input).has_focus, "the name focused")

    _check(snap_compare, shown, size)


@SIZES
def test_admin_plan_confirmation(snap_compare: Any, size: tuple[int, int]) -> None:
    """Apply asks first, listing the changes and the refusals to expect; Cancel has the focus."""

    async def shown(pilot: Pilot[int]) -> None:
        screen = AdminPlanScreen(SESSION, name="edw-orders-daemon", note="sandbox tenant")
        await pilot.app.push_screen(screen)
        await pilot.pause()
        screen._show(PLAN)
        await pilot.press("ctrl+g")
        await wait_for_text(pilot, "will be refused")

    _check(snap_compare, shown, size)


@SIZES
def test_admin_progress_running(snap_compare: Any, size: tuple[int, int], tmp_path: Path) -> None:
    """Apply under way: a row per step as apply reports it (done, failed, running)."""
    release = threading.Event()

    def runner(progress: Callable[[ProgressEvent], None]) -> ApplyResult:
        for event in EVENTS:
            progress(event)
        # Hold "running" until the snapshot is taken: the app's exit cancels this worker, which ends the
        # wait (a fixed wait here held every run for its whole length while the app shut down).
        worker = get_current_worker()
        while not release.wait(0.05) and not worker.is_cancelled:
            pass
        return ApplyResult()

    async def shown(pilot: Pilot[int]) -> None:
        await pilot.app.push_screen(
            AdminProgressScreen(SESSION, PLAN, folder=tmp_path, note="sandbox tenant", runner=runner)
        )
        await wait_for_text(pilot, "running…")

    try:
        _check(snap_compare, shown, size)
    finally:
        release.set()
