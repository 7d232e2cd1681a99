"""One SVG snapshot per screen state (empty, invalid, running, error, success), from the program's own app.

Everything time-dependent is frozen: cursor blink and animations off, fixed GUIDs, fixed trace timings.
Update with `pytest tests/tui --snapshot-update` after checking the change in the report.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from tui_helpers import CANARY, make_app, step_states, svg_to_text, type_text, wait_for_text

from screens.consent import ConsentScreen
from screens.credential import CredentialScreen
from screens.diagnosis import DiagnosisScreen
from screens.dialogs.error import ErrorDialog
from screens.export import ExportScreen
from screens.services import ClaimView, DoctorView, TraceStep
from screens.token_test import TestEvent, TokenTestScreen
from wizard.diagnosis.model import Finding
from wizard.errors import TokenError
from wizard.live.progress import StepState
from wizard.profile import ApiTarget, Profile

TENANT = "7d3c6a52-1b4e-4f0a-9a51-0c0ffee00001"
CLIENT = "c0ffee00-0002-4000-a000-00000000c11e"
PROFILE = Profile(name="snapshot", tenant=TENANT, client_id=CLIENT, api=ApiTarget(relative_path="/users"))
STEPS = (
    TraceStep(
        "discovery",
        "GET",
        f"https://127.0.0.1:8443/{TENANT}/v2.0/.well-known/openid-configuration",
        200,
        12.0,
    ),
    TraceStep("token", "POST", f"https://127.0.0.1:8443/{TENANT}/oauth2/v2.0/token", 200, 48.0),
    TraceStep("api", "GET", "https://127.0.0.1:8443/graph/v1.0/users", 403, 9.0),
)
ROLES_MISSING = Finding(
    code="roles-missing",
    severity="error",
    title="The token carries no application permission",
    explanation="The app-only token has no roles claim: admin consent was not granted.",
    fix="Grant admin consent for User.Read.All (API permissions > Grant admin consent).",
)
CLAIMS = (
    ClaimView("aud", "https://graph.microsoft.com", "Who the token is for: Microsoft Graph"),
    ClaimView("idtyp", "app", "App-only token (client credentials)"),
    ClaimView("tid", TENANT, "The tenant that issued it"),
)
FAILED = DoctorView(
    verdict="fail",
    findings=(ROLES_MISSING,),
    claims=CLAIMS,
    token_summary="v2.0 app-only token for https://graph.microsoft.com, no roles",
    api_result="GET /users -> 403 Authorization_RequestDenied",
    trace=STEPS,
    steps=step_states(
        ("api", StepState.FAILED, 0.009, "403 from GET https://127.0.0.1:8443/graph/v1.0/users"),
        others=StepState.DONE,
    ),
)
PASSED = DoctorView(
    verdict="ok",
    claims=(*CLAIMS, ClaimView("roles", "User.Read.All", "Application permissions granted")),
    token_summary="v2.0 app-only token for https://graph.microsoft.com, roles User.Read.All",
    api_result="GET /users -> 200 (5 users)",
    trace=STEPS,
)


def _push(factory: Callable[[], Any]) -> Callable[[Pilot[int]], Any]:
    async def run_before(pilot: Pilot[int]) -> None:
        await pilot.app.push_screen(factory())
        await pilot.pause()

    return run_before


def _check(snap_compare: Any, app: Any, **kw: Any) -> None:
    assert snap_compare(app, terminal_size=(80, 24), **kw)


# --- start and registration (through the real flow) -----------------------------------------------------


def test_start_empty(snap_compare: Any) -> None:
    _check(snap_compare, make_app())


def test_start_invalid_import_without_path(snap_compare: Any) -> None:
    _check(snap_compare, make_app(), press=["down", "down", "ctrl+n"])


def test_registration_empty(snap_compare: Any) -> None:
    _check(snap_compare, make_app(), press=["enter"])


def test_registration_invalid(snap_compare: Any) -> None:
    async def typed(pilot: Pilot[int]) -> None:
        await pilot.press("enter")
        await type_text(pilot, "common")
        await pilot.press("tab")
        await type_text(pilot, "00000003-0000-0000-c000-000000000000")

    _check(snap_compare, make_app(), run_before=typed)


# --- credential -----------------------------------------------------------------------------------------


def test_credential_empty(snap_compare: Any) -> None:
    _check(snap_compare, make_app(flow=False), run_before=_push(lambda: CredentialScreen(PROFILE)))


def test_credential_invalid_secret_id(snap_compare: Any) -> None:
    async def typed(pilot: Pilot[int]) -> None:
        await pilot.app.push_screen(CredentialScreen(PROFILE))
        await pilot.pause()
        pilot.app.screen.query_one("#secret").focus()
        await type_text(pilot, "0a1b2c3d-0000-4000-8000-123456789abc")

    _check(snap_compare, make_app(flow=False), run_before=typed)


def test_credential_secret_masked(snap_compare: Any) -> None:
    async def typed(pilot: Pilot[int]) -> None:
        await pilot.app.push_screen(CredentialScreen(PROFILE))
        await pilot.pause()
        pilot.app.screen.query_one("#secret").focus()
        await type_text(pilot, CANARY)

    _check(snap_compare, make_app(flow=False), run_before=typed)


# --- consent --------------------------------------------------------------------------------------------


def test_consent_workforce(snap_compare: Any) -> None:
    _check(snap_compare, make_app(flow=False), run_before=_push(lambda: ConsentScreen(PROFILE)))


def test_consent_sandbox_with_approve_key(snap_compare: Any) -> None:
    def screen() -> ConsentScreen:
        return ConsentScreen(PROFILE, approve=lambda _cid: None, note="sandbox tenant · unconsented-daemon")

    _check(snap_compare, make_app(flow=False), run_before=_push(screen))


# --- token test -----------------------------------------------------------------------------------------


def test_token_test_running(snap_compare: Any) -> None:
    release = threading.Event()

    def runner(on_step: Callable[[TestEvent], None], cancel: threading.Event) -> DoctorView:
        running = step_states(("api", StepState.RUNNING, None, ""), others=StepState.DONE)
        for event in (*running, STEPS[0], STEPS[1]):
            on_step(event)
        release.wait(10)
        return PASSED

    async def started(pilot: Pilot[int]) -> None:
        await pilot.app.push_screen(TokenTestScreen(runner))
        await wait_for_text(pilot, "token      200")  # the second exchange is in the trace

    try:
        _check(snap_compare, make_app(flow=False), run_before=started)
    finally:
        release.set()


def test_token_test_error(snap_compare: Any) -> None:
    def runner(on_step: Callable[[TraceStep], None], cancel: threading.Event) -> DoctorView:
        raise TokenError("The token endpoint could not be reached", hint="Is the sandbox running?")

    async def started(pilot: Pilot[int]) -> None:
        await pilot.app.push_screen(TokenTestScreen(runner))
        await wait_for_text(pilot, "The test could not run")

    _check(snap_compare, make_app(flow=False), run_before=started)


def test_token_test_finished(snap_compare: Any) -> None:
    def runner(on_step: Callable[[TestEvent], None], cancel: threading.Event) -> DoctorView:
        for event in (*STEPS, *FAILED.steps):
            on_step(event)
        return FAILED

    async def started(pilot: Pilot[int]) -> None:
        await pilot.app.push_screen(TokenTestScreen(runner))
        await wait_for_text(pilot, "FAILED")

    _check(snap_compare, make_app(flow=False), run_before=started)


# --- diagnosis and dialogs ------------------------------------------------------------------------------


def test_diagnosis_roles_missing(snap_compare: Any) -> None:
    _check(snap_compare, make_app(flow=False), run_before=_push(lambda: DiagnosisScreen(FAILED)))


def test_diagnosis_ok(snap_compare: Any) -> None:
    _check(snap_compare, make_app(flow=False), run_before=_push(lambda: DiagnosisScreen(PASSED)))


def test_error_dialog(snap_compare: Any) -> None:
    def dialog() -> ErrorDialog:
        return ErrorDialog("The token endpoint refused the request", "Check the client ID.")

    _check(snap_compare, make_app(flow=False), run_before=_push(dialog))


def test_export_formats(snap_compare: Any) -> None:
    def screen() -> ExportScreen:
        return ExportScreen(PROFILE, secret=None, scrub=str, out_dir=Path("/srv/daemon-config"))

    _check(snap_compare, make_app(flow=False), run_before=_push(screen))


def test_light_theme_start(snap_compare: Any) -> None:
    _check(snap_compare, make_app(), press=["ctrl+t"])


# --- the canary -----------------------------------------------------------------------------------------


def test_canary_secret_is_in_no_snapshot() -> None:
    folder = Path(__file__).parent / "__snapshots__"
    svgs = list(folder.rglob("*.svg"))
    if not svgs:
        pytest.skip("no snapshots written yet (first run with --snapshot-update)")
    for svg in svgs:
        content = svg.read_text("utf-8")
        for needle in (CANARY, CANARY[:12], CANARY[-12:]):
            assert needle not in content, svg.name
            assert needle not in svg_to_text(content), svg.name
