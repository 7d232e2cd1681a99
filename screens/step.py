"""The base of every step screen: Back and Next bindings, the step bar, the footer."""

from __future__ import annotations

from typing import ClassVar, Generic, TypeVar, Union

from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input

from screens.state import BACK, Back, Step

T = TypeVar("T")


class StepScreen(Screen[Union[T, Back]], Generic[T]):
    """A wizard step returns its result (or BACK) through `dismiss()`."""

    STEP: Step = Step.START
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="wizard.back"),
        Binding("ctrl+n", "next", "Next", id="wizard.next"),
    ]

    class Shown(Message):
        """Posted once the step's first frame is on the screen (the app then loads what can wait)."""

    def on_mount(self) -> None:
        self.call_after_refresh(self.post_message, self.Shown())

    def on_screen_resume(self) -> None:
        # Snapshots and screenshots freeze the text cursor.
        if getattr(self.app, "still", False):
            for text_input in self.query(Input):
                text_input.cursor_blink = False

    def action_back(self) -> None:
        self.dismiss(BACK)

    def action_next(self) -> None:
        result = self.result()
        if result is not None:
            self.dismiss(result)

    def result(self) -> T | None:
        """The step's value, or None (after telling the user why) when it cannot go on."""
        raise NotImplementedError
