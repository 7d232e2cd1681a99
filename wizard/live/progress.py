"""The steps of a live run (checks, discovery, token, decode, API call) and each one's state as it changes.

`doctor` marks the steps it runs itself (the configuration checks, the decode, the API call); the trace's
"request about to be sent" hook marks the ones a client library runs inside one call (msal's discovery,
then its token request). An observer (the TUI's token test) is told of every change, from the run's thread.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum


class StepState(str, Enum):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class StepProgress:
    """One step's state; `duration_s` once it has ended, `detail` says why it failed or was skipped."""

    step: str
    label: str
    state: StepState
    duration_s: float | None = None
    detail: str = ""

    @property
    def finished(self) -> bool:
        return self.state in (StepState.DONE, StepState.FAILED)


ProgressObserver = Callable[[StepProgress], None]

#: Every step a run may have, in order, with what it does.
LABELS = {
    "checks": "Check the configuration",
    "issuer": "Check the external token's issuer",
    "discovery": "Discover the authority",
    "token": "Request a token",
    "decode": "Decode and check the token",
    "api": "Call the API",
}
#: The trace's step names (wizard.live.trace.step_for_url, the clients' own) -> the run's step.
TRACE_STEPS = {
    "discovery": "discovery",
    "instance": "discovery",
    "token": "token",
    "issuer": "issuer",
    "keys": "issuer",
    "api": "api",
}


def plan(*, federated_issuer_check: bool) -> tuple[str, ...]:
    """The steps of one run, in order."""
    issuer = ("issuer",) if federated_issuer_check else ()
    return ("checks", *issuer, "discovery", "token", "decode", "api")


class Progress:
    """The steps' states; thread-safe. Once `close`d (the run ended, timed out or was cancelled), late calls
    from a worker still winding down change nothing."""

    def __init__(
        self,
        steps: Sequence[str],
        observer: ProgressObserver | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._lock = threading.Lock()
        self._order = tuple(steps)
        self._observer = observer
        self._clock = clock
        self._states = {s: StepProgress(s, LABELS.get(s, s), StepState.PENDING) for s in self._order}
        self._started: dict[str, float] = {}
        self._closed = False
        for step in self._order:
            self._tell(self._states[step])

    def _tell(self, update: StepProgress) -> None:
        if self._observer is not None:
            self._observer(update)

    def _set(self, step: str, state: StepState, detail: str = "") -> list[StepProgress]:
        """Change one step (lock held); returns what to tell the observer."""
        current = self._states.get(step)
        if current is None or current.state is state or current.finished:
            return []
        if state is StepState.RUNNING:
            self._started[step] = self._clock()
            duration = None
        elif state is StepState.SKIPPED:
            duration = None
        else:
            duration = max(0.0, self._clock() - self._started.get(step, self._clock()))
        update = StepProgress(step, current.label, state, duration, detail)
        self._states[step] = update
        return [update]

    def _apply(self, changes: Callable[[], list[StepProgress]]) -> None:
        with self._lock:
            if self._closed:
                return
            updates = changes()
        for update in updates:
            self._tell(update)

    def start(self, step: str) -> None:
        """`step` begins; a step still running before it in the order has finished (done)."""

        def changes() -> list[StepProgress]:
            if step not in self._states or self._states[step].state is not StepState.PENDING:
                return []
            out: list[StepProgress] = []
            for earlier in self._order[: self._order.index(step)]:
                if self._states[earlier].state is StepState.RUNNING:
                    out += self._set(earlier, StepState.DONE)
            return out + self._set(step, StepState.RUNNING)

        self._apply(changes)

    def finish(self, step: str, *, ok: bool = True, detail: str = "") -> None:
        """`step` ended (a step that never started ends with no duration of its own: zero)."""

        def changes() -> list[StepProgress]:
            out: list[StepProgress] = []
            if step in self._states and self._states[step].state is StepState.PENDING:
                out += self._set(step, StepState.RUNNING)
            return out + self._set(step, StepState.DONE if ok else StepState.FAILED, detail)

        self._apply(changes)

    def started_request(self, trace_step: str) -> None:
        """The trace's hook: a request of `trace_step` is about to be sent."""
        step = TRACE_STEPS.get(trace_step)
        if step is not None:
            self.start(step)

    def close(self, *, failure: str = "") -> None:
        """The run ended: a step still running ends (failed, with `failure`, when the run failed there);
        the steps never reached are skipped. Nothing changes afterwards."""

        def changes() -> list[StepProgress]:
            out: list[StepProgress] = []
            failed = any(s.state is StepState.FAILED for s in self._states.values())
            for step in self._order:
                state = self._states[step].state
                if state is StepState.RUNNING:
                    out += self._set(step, StepState.FAILED if failure else StepState.DONE, failure)
                    failed = failed or bool(failure)
                elif state is StepState.PENDING:
                    out += self._set(step, StepState.SKIPPED, "not reached" if failed or failure else "")
            self._closed = True
            return out

        self._apply(changes)

    @property
    def steps(self) -> tuple[StepProgress, ...]:
        with self._lock:
            return tuple(self._states[s] for s in self._order)
