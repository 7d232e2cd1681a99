"""The line at the top of every step: where you are in the wizard."""

from __future__ import annotations

from textual.widgets import Static

from screens.state import Step


class StepBar(Static):
    """`Step 3 of 7 · Credential`, plus a note (e.g. the sandbox tenant)."""

    DEFAULT_CSS = """
    StepBar { height: 1; padding: 0 1; background: $boost; color: $accent; text-style: bold; }
    """

    def __init__(self, step: Step, *, note: str = "") -> None:
        text = f"Step {step.value + 1} of {len(Step)} · {step.title}"
        super().__init__(f"{text}   {note}" if note else text, markup=False)
