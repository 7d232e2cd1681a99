"""Step 5: the token test, run in a worker with a live trace of each HTTP exchange."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Footer, Header, LoadingIndicator, Static
from textual.worker import Worker, WorkerState

from screens.services import DoctorView, TraceStep
from screens.state import Step
from screens.step import StepScreen
from screens.widgets.stepbar import StepBar
from screens.widgets.trace import TraceTable
from wizard.errors import WizardError

#: Runs the whole test, calling back once per HTTP exchange (from the worker thread); stops early when the
#: event is set (the user went back or ran it again).
Runner = Callable[[Callable[[TraceStep], None], threading.Event], DoctorView]


class TokenTestScreen(StepScreen[DoctorView]):
    """Starts the test on mount; Next shows the diagnosis once it has finished."""

    STEP = Step.TEST
    INLINE_FAILURES = frozenset({"token-test"})
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "rerun", "Run test", id="wizard.run_test", tooltip="Run the token test again")
    ]

    @dataclass
    class StepRecorded(Message):
        """One exchange finished (posted from the worker thread; post_message is thread-safe)."""

        step: TraceStep

    def __init__(self, runner: Runner, *, note: str = "") -> None:
        super().__init__()
        self.runner = runner
        self.note = note
        self.report: DoctorView | None = None
        self._cancel = threading.Event()

    def compose(self) -> ComposeResult:
        yield Header()
        yield StepBar(self.STEP, note=self.note)
        yield Static("", id="test-status", markup=False)
        yield LoadingIndicator(id="test-running")
        yield TraceTable(id="trace")
        yield Footer()

    def on_mount(self) -> None:
        self.action_rerun()

    @property
    def running(self) -> bool:
        return any(w.group == "token-test" and w.is_running for w in self.workers)

    def action_rerun(self) -> None:
        if self.running:
            return
        self._cancel = threading.Event()
        self.report = None
        self.query_one(TraceTable).clear()
        self.query_one("#test-running").display = True
        self.query_one("#test-status", Static).update("Running: token request, then the API call…")
        self._run()

    @work(thread=True, exclusive=True, exit_on_error=False, group="token-test")
    def _run(self) -> DoctorView:
        def on_step(step: TraceStep) -> None:
            self.post_message(self.StepRecorded(step))

        return self.runner(on_step, self._cancel)

    def on_unmount(self) -> None:
        self._cancel.set()  # leaving the step stops a test still running

    def on_token_test_screen_step_recorded(self, message: StepRecorded) -> None:
        self.query_one(TraceTable).add_step(message.step)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "token-test" or event.state not in (WorkerState.SUCCESS, WorkerState.ERROR):
            return
        self.query_one("#test-running").display = False
        status = self.query_one("#test-status", Static)
        if event.state is WorkerState.ERROR:
            error = event.worker.error
            title = error.title if isinstance(error, WizardError) else type(error).__name__
            status.update(f"The test could not run: {title}. Press r to run it again.")
            return
        report = event.worker.result
        if isinstance(report, DoctorView):
            self.report = report
            verdict = "PASSED" if report.ok else "FAILED"
            first = f" · {report.findings[0].code}: {report.findings[0].title}" if report.findings else ""
            status.update(f"{verdict}{first}. Press ctrl+n for the token and the diagnosis.")

    def result(self) -> DoctorView | None:
        if self.report is None:
            self.notify("The test has not finished yet.", severity="warning")
        return self.report
