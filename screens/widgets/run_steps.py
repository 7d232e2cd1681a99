"""The token test's steps (checks, discovery, token, decode, API call): pending, running, done ✓, failed ✗.

The states come from the core's progress callbacks (wizard.live.progress); this widget only draws them,
with a spinner on the running step and each finished step's duration.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import RenderResult
from textual.geometry import Size
from textual.widget import Widget

from wizard.live.progress import StepProgress, StepState

SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
_MARK = {StepState.PENDING: "·", StepState.DONE: "✓", StepState.FAILED: "✗", StepState.SKIPPED: "–"}
LABEL_WIDTH = 34


def duration_text(seconds: float) -> str:
    """`12 ms` under a second, `1.2 s` above."""
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.1f} s"


class RunSteps(Widget):
    """One row per step of the run; the parent sets the steps and the spinner's frame."""

    DEFAULT_CSS = """
    RunSteps { height: auto; padding: 0 1; }
    RunSteps > .run-steps--done { color: $text-success; }
    RunSteps > .run-steps--failed { color: $text-error; }
    RunSteps > .run-steps--running { color: $text-accent; text-style: bold; }
    RunSteps > .run-steps--pending { color: $text-muted; }
    RunSteps > .run-steps--skipped { color: $text-muted; }
    /* As the step bar: the light theme's green and amber text need white behind them (4.5:1). */
    RunSteps:light { background: $background-lighten-2; }
    RunSteps:light > .run-steps--done { color: $success-darken-3; }
    RunSteps:light > .run-steps--running { color: $text-primary; }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {f"run-steps--{s.value}" for s in StepState}

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._steps: dict[str, StepProgress] = {}
        #: When each running step began, on the screen's clock (its elapsed time is shown while it runs).
        self._since: dict[str, float] = {}
        self._frame = 0
        self._now = 0.0

    @property
    def steps(self) -> tuple[StepProgress, ...]:
        return tuple(self._steps.values())

    def clear(self) -> None:
        self._steps.clear()
        self._since.clear()
        self.refresh(layout=True)

    def show(self, update: StepProgress, *, now: float = 0.0) -> None:
        """A step's new state (steps appear in the order the core first reports them)."""
        new = update.step not in self._steps
        self._steps[update.step] = update
        if update.state is StepState.RUNNING:
            self._since[update.step] = now
        self._now = max(self._now, now)
        self.refresh(layout=new)

    def tick(self, frame: int, now: float) -> None:
        """The spinner's next frame and the clock, while a step runs."""
        self._frame, self._now = frame, now
        self.refresh()

    def state_of(self, step: str) -> StepState | None:
        found = self._steps.get(step)
        return found.state if found is not None else None

    def _row(self, step: StepProgress) -> tuple[str, str]:
        if step.state is StepState.RUNNING:
            elapsed = max(0.0, self._now - self._since.get(step.step, self._now))
            return SPINNER[self._frame % len(SPINNER)], f"running {elapsed:.0f} s"
        mark = _MARK[step.state]
        if step.state is StepState.PENDING:
            return mark, "waiting"
        if step.state is StepState.SKIPPED:
            return mark, f"skipped ({step.detail})" if step.detail else "skipped"
        took = duration_text(step.duration_s or 0.0)
        return mark, f"{took} · {step.detail}" if step.detail else took

    def render(self) -> RenderResult:
        text = Text(no_wrap=True, overflow="ellipsis")
        for index, step in enumerate(self._steps.values()):
            if index:
                text.append("\n")
            mark, after = self._row(step)
            style = self.get_component_rich_style(f"run-steps--{step.state.value}")
            text.append(f"{mark} {step.label:<{LABEL_WIDTH}}", style=style)
            text.append(after, style=style)
        return text

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._steps)
