"""Snapshots of the states issue 16 added, each at 80x24 (the step bar) and 120x40 (the step list).

Same rules as test_tui_snapshots.py: the program's own app, cursor blink and animations frozen, fixed values.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from tui_helpers import CANARY, make_app, step_states, until, wait_for, wait_for_text

from screens.diagnosis import DiagnosisScreen
from screens.dialogs.copy import CopyDialog
from screens.dialogs.import_report import ImportReportDialog
from screens.dialogs.save_profile import SaveProfileDialog
from screens.dialogs.settings import SettingsDialog
from screens.export import ExportScreen
from screens.services import DoctorView, ImportView, TraceStep
from screens.state import Settings, Step, StepStatus, WizardState
from screens.token_test import TestEvent, TokenTestScreen
from wizard.diagnosis.model import Finding
from wizard.live.progress import StepState
from wizard.profile import CredentialKind, Profile
from wizard.profile_store import save_profile
from wizard.secret import Secret

SIZES = pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
TENANT = "7d3c6a52-1b4e-4f0a-9a51-0c0ffee00001"
CLIENT = "c0ffee00-0002-4000-a000-00000000c11e"
PROFILE = Profile(name="mydaemon", tenant=TENANT, client_id=CLIENT, credential=CredentialKind.SECRET)
STEPS = (
    TraceStep(
        "discovery",
        "GET",
        f"https://127.0.0.1:8443/{TENANT}/v2.0/.well-known/openid-configuration",
        200,
        12.0,
    ),
    TraceStep("token", "POST", f"https://127.0.0.1:8443/{TENANT}/oauth2/v2.0/token", 401, 48.0),
)
REFUSED = DoctorView(
    verdict="fail",
    findings=(
        Finding(
            code="secret-invalid",
            severity="error",
            title="The client secret is wrong",
            explanation="Entra refused the secret (`AADSTS7000215`): it is not one of the app's.",
            fix="Paste the secret's **Value** from Certificates & secrets, not its Secret ID.",
            links=("https://learn.microsoft.com/entra/identity-platform/reference-error-codes",),
        ),
    ),
    trace=STEPS,
    steps=step_states(
        ("checks", StepState.DONE, 0.001, ""),
        ("discovery", StepState.DONE, 0.012, ""),
        ("token", StepState.FAILED, 0.048, "AADSTS7000215: The client secret is wrong"),
        ("decode", StepState.SKIPPED, None, "not reached"),
        ("api", StepState.SKIPPED, None, "not reached"),
    ),
    aadsts="7000215",
    correlation_id="0f1e2d3c-4b5a-4678-9abc-def012345678",
)


def _done_until(app: Any, step: Step, failed: tuple[Step, ...] = ()) -> None:
    for earlier in Step:
        if earlier < step:
            app.state.progress[earlier] = StepStatus.FAILED if earlier in failed else StepStatus.DONE


def _push(
    factory: Callable[[], Any], *, done: Step | None = None, text: str = ""
) -> Callable[[Pilot[int]], Any]:
    async def run_before(pilot: Pilot[int]) -> None:
        if done is not None:
            _done_until(pilot.app, done)
        await pilot.app.push_screen(factory())
        await pilot.pause()
        if text:
            await wait_for_text(pilot, text)

    return run_before


@SIZES
def test_start_with_a_saved_profile(snap_compare: Any, size: tuple[int, int]) -> None:
    """The saved profile offered first, with what it means; the step list (wide) or bar (80 columns)."""
    save_profile(PROFILE)
    assert snap_compare(make_app(), terminal_size=size)


@SIZES
def test_start_external_id_explained(snap_compare: Any, size: tuple[int, int]) -> None:
    """What an External ID tenant is and what you need, under the highlighted choice."""
    assert snap_compare(make_app(), terminal_size=size, press=["down"])


@SIZES
def test_token_test_progress(snap_compare: Any, size: tuple[int, int]) -> None:
    """Running: each step's state (✓ with its duration, the spinner on the running one, the ones to come),
    elapsed time against the timeout, the cancel key."""
    release = threading.Event()
    running = step_states(
        ("checks", StepState.DONE, 0.001, ""),
        ("discovery", StepState.DONE, 0.012, ""),
        ("token", StepState.RUNNING, None, ""),
    )

    def runner(on_step: Callable[[TestEvent], None], cancel: threading.Event) -> DoctorView:
        for event in (*running, STEPS[0]):
            on_step(event)
        release.wait(10)
        return REFUSED

    async def started(pilot: Pilot[int]) -> None:
        _done_until(pilot.app, Step.TEST)
        await pilot.app.push_screen(TokenTestScreen(runner, timeout=30))
        await wait_for_text(pilot, "Running: Request a token", within="#test-status")
        await wait_for_text(pilot, "discovery")  # the exchange, in the trace

    try:
        assert snap_compare(make_app(flow=False), terminal_size=size, run_before=started)
    finally:
        release.set()


@SIZES
def test_token_test_passed(snap_compare: Any, size: tuple[int, int]) -> None:
    """Finished: every step ✓ with its duration, PASSED, and where to go next."""
    passed = DoctorView(
        verdict="ok",
        trace=(*STEPS[:1], TraceStep("token", "POST", STEPS[1].url, 200, 48.0)),
        steps=step_states(others=StepState.DONE),
    )

    def runner(on_step: Callable[[TestEvent], None], cancel: threading.Event) -> DoctorView:
        for event in (*passed.steps, *passed.trace):
            on_step(event)
        return passed

    async def finished(pilot: Pilot[int]) -> None:
        _done_until(pilot.app, Step.TEST)
        await pilot.app.push_screen(TokenTestScreen(runner, timeout=30))
        await wait_for_text(pilot, "PASSED", within="#test-status")

    assert snap_compare(make_app(flow=False), terminal_size=size, run_before=finished)


@SIZES
def test_token_test_shown_again_after_back(snap_compare: Any, size: tuple[int, int]) -> None:
    """Back from the diagnosis: the failed run as it was (✗ in the step list), not run again."""

    def screen() -> TokenTestScreen:
        return TokenTestScreen(lambda *_: REFUSED, report=REFUSED)

    async def shown(pilot: Pilot[int]) -> None:
        _done_until(pilot.app, Step.DIAGNOSIS)
        pilot.app.state.progress[Step.TEST] = StepStatus.FAILED
        await pilot.app.push_screen(screen())
        await wait_for_text(pilot, "the last run", within="#test-status")

    assert snap_compare(make_app(flow=False), terminal_size=size, run_before=shown)


@SIZES
def test_diagnosis_refused_with_code_and_links(snap_compare: Any, size: tuple[int, int]) -> None:
    """The AADSTS code, the correlation ID, the finding rendered (no backticks) and its Learn link."""
    assert snap_compare(
        make_app(flow=False),
        terminal_size=size,
        run_before=_push(lambda: DiagnosisScreen(REFUSED), done=Step.DIAGNOSIS),
    )


@SIZES
def test_copy_dialog(snap_compare: Any, size: tuple[int, int]) -> None:
    """ctrl+y on the diagnosis: the code, the correlation ID, the link, the admin center."""

    async def opened(pilot: Pilot[int]) -> None:
        await pilot.app.push_screen(DiagnosisScreen(REFUSED))
        await wait_for(pilot, DiagnosisScreen)
        await pilot.press("ctrl+y")
        await wait_for(pilot, CopyDialog)

    assert snap_compare(make_app(flow=False), terminal_size=size, run_before=opened)


@SIZES
def test_settings_dialog(snap_compare: Any, size: tuple[int, int]) -> None:
    """f2: timeout, extra CA file, the environment's proxy."""
    assert snap_compare(
        make_app(flow=False), terminal_size=size, run_before=_push(lambda: SettingsDialog(Settings()))
    )


@SIZES
def test_save_profile_dialog(snap_compare: Any, size: tuple[int, int]) -> None:
    """f3: the name, and whether to replace a saved one (unticked: an empty box)."""
    assert snap_compare(
        make_app(flow=False), terminal_size=size, run_before=_push(lambda: SaveProfileDialog("mydaemon"))
    )


@SIZES
def test_import_report(snap_compare: Any, size: tuple[int, int]) -> None:
    """What the import read and every remark, in a panel that stays; the secret shown as present only."""
    view = ImportView(
        PROFILE,
        Secret(CANARY),
        ("client_id is a placeholder (Enter_the_Application_Id_Here)", "scope is missing"),
        "python-secret",
        "/srv/app/parameters.json",
    )
    assert snap_compare(
        make_app(flow=False), terminal_size=size, run_before=_push(lambda: ImportReportDialog(view))
    )


@SIZES
def test_export_summary(
    snap_compare: Any, size: tuple[int, int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a write: what works, the files with their modes, the next command per sample."""
    monkeypatch.chdir(tmp_path)

    async def written(pilot: Pilot[int]) -> None:
        _done_until(pilot.app, Step.EXPORT)
        screen = ExportScreen(
            PROFILE,
            secret=Secret(CANARY),
            scrub=WizardState(secret=Secret(CANARY)).scrub,
            out_dir=Path("daemon-config"),
            works="the token test PASSED.",
        )
        await pilot.app.push_screen(screen)
        await wait_for(pilot, ExportScreen)
        await pilot.press("ctrl+s")
        await wait_for_text(pilot, "Files written:", within="#export-output")
        body = screen.query_one("#export-body")
        await until(
            pilot,
            lambda: body.scroll_y == body.max_scroll_y and (size[1] > 30 or body.max_scroll_y > 0),
            "the summary in view",
        )

    assert snap_compare(make_app(flow=False), terminal_size=size, run_before=written)


@SIZES
def test_light_theme_diagnosis(snap_compare: Any, size: tuple[int, int]) -> None:
    """The light theme: step list, headings and the verdict in colours that keep their contrast."""
    app = make_app(flow=False)
    app.theme = "textual-light"
    assert snap_compare(
        app, terminal_size=size, run_before=_push(lambda: DiagnosisScreen(REFUSED), done=Step.DIAGNOSIS)
    )
