"""Step 5: the token test, run in a worker with a live trace of each HTTP exchange.

While it runs: a spinner, the time spent against the timeout, and the cancel key. Reached again by Back, it
shows the test that ran instead of running it again (r does).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Footer, Header, LoadingIndicator, Static
from textual.worker import Worker, WorkerState

from screens.locate import stylesheet
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

    CSS_PATH = stylesheet("wizard.tcss")

    STEP = Step.TEST
    INLINE_FAILURES = frozenset({"token-test"})
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "rerun", "Run test", id="wizard.run_test", tooltip="Run the token test again"),
        Binding("x", "cancel", "Cancel", id="wizard.cancel_test", tooltip="Stop the running token test"),
    ]
    SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"

    @dataclass
    class StepRecorded(Message):
        """One exchange finished (posted from the worker thread; post_message is thread-safe)."""

        step: TraceStep

    def __init__(
        self,
        runner: Runner,
        *,
        note: str = "",
        report: DoctorView | None = None,
        timeout: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self.runner = runner
        self.note = note
        #: The test that already ran (Back from the diagnosis): shown, not run again.
        self.report: DoctorView | None = report
        self.timeout = timeout
        self.clock = clock
        self._cancel = threading.Event()
        self._started = 0.0
        self._frame = 0
        self._current = "starting"
        self._ticker: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield StepBar(self.STEP, note=self.note)
        yield Static("", id="test-status", markup=False)
        yield LoadingIndicator(id="test-running")
        yield TraceTable(id="trace")
        yield Footer()

    def on_mount(self) -> None:
        if self.report is not None:
            self.query_one("#test-running").display = False
            for step in self.report.trace:
                self.query_one(TraceTable).add_step(step)
            self._show_verdict(self.report, again=True)
            return
        self.action_rerun()

    @property
    def running(self) -> bool:
        return any(w.group == "token-test" and w.is_running for w in self.workers)

    def allows(self, action: str) -> bool | None:
        if action == "cancel":
            return self.running or None
        return True

    def action_rerun(self) -> None:
        if self.running:
            return
        self._cancel = threading.Event()
        self.report = None
        self.query_one(TraceTable).clear()
        self.query_one("#test-running").display = True
        self._started, self._frame, self._current = self.clock(), 0, "token request"
        self._tick()
        if not getattr(self.app, "still", False):  # snapshots keep the first frame
            self._ticker = self.set_interval(0.2, self._tick)
        self._run()
        self.refresh_bindings()

    def _tick(self) -> None:
        if not self.running and self._frame:
            return
        self._frame += 1
        spin = self.SPINNER[self._frame % len(self.SPINNER)]
        # Snapshots freeze the clock too: what they show must not depend on the machine's speed.
        elapsed = 0.0 if getattr(self.app, "still", False) else max(0.0, self.clock() - self._started)
        status = self.query_one("#test-status", Static)
        status.set_classes("")
        status.update(f"{spin} Running: {self._current}… {elapsed:.0f} s of {self.timeout:.0f} s · x cancels")

    def action_cancel(self) -> None:
        if self.running:
            self._cancel.set()
            self.query_one("#test-status", Static).update("Cancelling…")

    @work(thread=True, exclusive=True, exit_on_error=False, group="token-test")
    def _run(self) -> DoctorView:
        def on_step(step: TraceStep) -> None:
            self.post_message(self.StepRecorded(step))

        return self.runner(on_step, self._cancel)

    def on_unmount(self) -> None:
        self._cancel.set()  # leaving the step stops a test still running

    def on_token_test_screen_step_recorded(self, message: StepRecorded) -> None:
        self.query_one(TraceTable).add_step(message.step)
        self._current = f"after {message.step.step}"
        if self.running:
            self._tick()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "token-test" or event.state not in (WorkerState.SUCCESS, WorkerState.ERROR):
            return
        self.query_one("#test-running").display = False
        if self._ticker is not None:
            self._ticker.stop()
        self.refresh_bindings()
        status = self.query_one("#test-status", Static)
        if self._cancel.is_set():
            status.set_classes("-failed")
            status.update("Cancelled. Press r to run the test again.")
            return
        if event.state is WorkerState.ERROR:
            error = event.worker.error
            title = error.title if isinstance(error, WizardError) else type(error).__name__
            status.set_classes("-failed")
            status.update(f"The test could not run: {title}. Press r to run it again.")
            return
        report = event.worker.result
        if isinstance(report, DoctorView):
            self.report = report
            self._show_verdict(report)

    def _show_verdict(self, report: DoctorView, *, again: bool = False) -> None:
        status = self.query_one("#test-status", Static)
        verdict = "PASSED" if report.ok else "FAILED"
        first = f" · {report.findings[0].code}: {report.findings[0].title}" if report.findings else ""
        status.set_classes("-passed" if report.ok else "-failed")
        rerun = " (the last run; r runs it again)" if again else ""
        status.update(f"{verdict}{first}{rerun}. Press ctrl+n for the token and the diagnosis.")

    def result(self) -> DoctorView | None:
        if self.report is None:
            self.notify("The test has not finished yet.", severity="warning")
        return self.report
