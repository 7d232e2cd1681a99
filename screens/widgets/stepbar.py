"""Where you are in the wizard: the step list (done ✓, failed ✗, current ❯, still to do), on every step.

Wide terminals show it as a list down the left side; below the app's breakpoint (80 columns, say) it
collapses to one compact bar at the top. The outcome of each step comes from the app's `WizardState`
(`progress`), so a new screen only has to yield `StepBar(self.STEP)`.
"""

from __future__ import annotations

from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.app import RenderResult
from textual.widget import Widget

from screens.state import Step, StepStatus

#: Below this many columns the list becomes the compact bar (the app's breakpoint class `-narrow`).
NARROW_BELOW = 100
_MARK = {StepStatus.DONE: "✓", StepStatus.FAILED: "✗", StepStatus.TODO: "·"}


class StepBar(Widget):
    """The step list; the note (e.g. the sandbox tenant) goes into the header's subtitle."""

    DEFAULT_CSS = """
    StepBar { dock: left; width: 28; height: 1fr; margin-top: 1; padding: 1 1; background: $boost; }
    Screen.-narrow StepBar { dock: none; width: 1fr; height: 1; margin-top: 0; padding: 0 1; }
    StepBar > .stepbar--done { color: $text-success; }
    StepBar > .stepbar--failed { color: $text-error; }
    StepBar > .stepbar--current { color: $text-accent; text-style: bold; }
    StepBar > .stepbar--todo { color: $text-muted; }
    /* The light theme's green and amber text reach 3.3-3.8:1 on its grey: on white, a darker green passes
       4.5:1, and the current step takes the primary text colour (tests/tui/test_tui_contrast.py). */
    StepBar:light { background: $background-lighten-2; }
    StepBar:light > .stepbar--done { color: $success-darken-3; }
    StepBar:light > .stepbar--current { color: $text-primary; }
    """
    #: Unscoped, so the rule can name the screen's breakpoint class (scoped CSS starts at the widget).
    SCOPED_CSS = False
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "stepbar--done",
        "stepbar--failed",
        "stepbar--current",
        "stepbar--todo",
    }

    def __init__(self, step: Step, *, note: str = "") -> None:
        super().__init__()
        self.step = step
        self.note = note

    def on_mount(self) -> None:
        if self.note:
            self.screen.sub_title = self.note

    def status(self, step: Step) -> StepStatus:
        state = getattr(self.app, "state", None)
        status = getattr(state, "status", None)
        return status(step) if callable(status) else StepStatus.TODO

    def _style(self, step: Step) -> Style:
        name = "current" if step is self.step else self.status(step).value
        return self.get_component_rich_style(f"stepbar--{name}")

    def _mark(self, step: Step) -> str:
        status = self.status(step)
        if step is self.step and status is StepStatus.TODO:
            return "❯"
        return _MARK[status]

    @property
    def compact(self) -> bool:
        return self.screen.has_class("-narrow")

    def render(self) -> RenderResult:
        text = Text(no_wrap=True, overflow="ellipsis")
        if self.compact:
            for step in Step:
                if step.value:
                    text.append("  ")
                text.append(f"{self._mark(step)}{step.short}", style=self._style(step))
            return text
        text.append("Steps\n", style="bold")
        for step in Step:
            text.append(f"\n{self._mark(step)} {step.value + 1}. {step.short}", style=self._style(step))
        text.append(f"\n\nStep {self.step.value + 1} of {len(Step)}:\n{self.step.title}")
        return text
