"""Step 5: the token test, run in a worker: its steps as the core reports them, and a trace of each exchange.

While it runs: each step's state (a spinner on the running one, ✓ or ✗ and the duration once it ends), the
time spent against the timeout, and the cancel key. Reached again by Back, it shows the test that ran
instead of running it again (r does).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar
from urllib.parse import urlsplit

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Footer, Header, Static
from textual.worker import Worker, WorkerState

from screens.locate import stylesheet
from screens.services import DoctorView, TraceStep
from screens.state import Step
from screens.step import StepScreen
from screens.widgets.run_steps import SPINNER, RunSteps
from screens.widgets.stepbar import StepBar
from screens.widgets.trace import TraceTable
from wizard.errors import WizardError
from wizard.live.progress import StepProgress, StepState

#: What the run reports as it goes: an HTTP exchange, or a step's new state (core progress callbacks).
TestEvent = TraceStep | StepProgress
#: Runs the whole test, calling back for each exchange and each step's change (from the worker's threads);
#: stops early when the event is set (the user cancelled, went back or ran it again).
Runner = Callable[[Callable[[TestEvent], None], threading.Event], DoctorView]


class TokenTestScreen(StepScreen[DoctorView]):
    """Starts the test on mount; Next shows the diagnosis once it has finished."""

    CSS_PATH = stylesheet("wizard.tcss")

    STEP = Step.TEST
    INLINE_FAILURES = frozenset({"token-test"})
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "rerun", "Run test", id="wizard.run_test", tooltip="Run the token test again"),
        Binding("x", "cancel", "Cancel", id="wizard.cancel_test", tooltip="Stop the running token test"),
    ]

    @dataclass
    class Reported(Message):
        """An exchange finished or a step changed (posted from the worker's threads; thread-safe)."""

        event: TestEvent
        #: Which run it belongs to: a cancelled run winding down never writes into the next one.
        run: int

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
        self._run_id = 0
        self._ticker: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield StepBar(self.STEP, note=self.note)
        yield Static("", id="test-status", markup=False)
        yield RunSteps(id="test-steps")
        yield TraceTable(id="trace")
        yield Footer()

    def on_mount(self) -> None:
        if self.report is not None:
            steps = self.query_one(RunSteps)
            for done in self.report.steps:
                steps.show(done)
            for step in self.report.trace:
                self.query_one(TraceTable).add_step(step)
            self._show_verdict(self.report, again=True)
            return
        self.action_rerun()

    @property
    def _still(self) -> bool:
        """Snapshots freeze the clock and the spinner: what they show must not depend on the machine's speed."""
        return bool(getattr(self.app, "still", False))

    def _now(self) -> float:
        return 0.0 if self._still else max(0.0, self.clock() - self._started)

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
        self._run_id += 1
        self.report = None
        self.query_one(TraceTable).clear()
        self.query_one(RunSteps).clear()
        self._started, self._frame = self.clock(), 0
        self._tick()
        if not self._still:  # snapshots keep the first frame
            self._ticker = self.set_interval(0.2, self._tick)
        self._run(self._run_id, self._cancel)
        self.refresh_bindings()

    def _current(self) -> str:
        steps = self.query_one(RunSteps).steps
        running = next((s for s in steps if s.state is StepState.RUNNING), None)
        return f": {running.label}" if running is not None else ""

    def _tick(self) -> None:
        if not self.running and self._frame:
            return
        if not self._still:
            self._frame += 1
        spin = SPINNER[self._frame % len(SPINNER)]
        now = self._now()
        self.query_one(RunSteps).tick(self._frame, now)
        status = self.query_one("#test-status", Static)
        status.set_classes("")
        status.update(f"{spin} Running{self._current()} · {now:.0f} s of {self.timeout:.0f} s · x cancels")

    def action_cancel(self) -> None:
        if self.running:
            self._cancel.set()
            self.query_one("#test-status", Static).update("Cancelling…")

    @work(thread=True, exclusive=True, exit_on_error=False, group="token-test")
    def _run(self, run: int, cancel: threading.Event) -> DoctorView:
        def report(event: TestEvent) -> None:
            self.post_message(self.Reported(event, run))

        return self.runner(report, cancel)

    def on_unmount(self) -> None:
        self._cancel.set()  # leaving the step stops a test still running

    def on_token_test_screen_reported(self, message: Reported) -> None:
        if message.run != self._run_id:
            return
        event = message.event
        if isinstance(event, StepProgress):
            self.query_one(RunSteps).show(event, now=self._now())
        else:
            self.query_one(TraceTable).add_step(event)
        if self.running:
            self._tick()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "token-test" or event.state not in (WorkerState.SUCCESS, WorkerState.ERROR):
            return
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

    def copy_items(self) -> list[tuple[str, str]]:
        """The last run's AADSTS code and correlation ID, and each URL it called (redacted), then the
        admin center's link."""
        items: list[tuple[str, str]] = []
        report = self.report
        if report is not None:
            if report.aadsts:
                items.append(("AADSTS code", f"AADSTS{report.aadsts}"))
            if report.correlation_id:
                items.append(("Correlation ID", report.correlation_id))
            for url in dict.fromkeys(step.url for step in report.trace if step.url):
                items.append((f"URL ({urlsplit(url).path.rsplit('/', 1)[-1] or url})", url))
        return items + super().copy_items()

    def result(self) -> DoctorView | None:
        if self.report is None:
            self.notify("The test has not finished yet.", severity="warning")
        return self.report
