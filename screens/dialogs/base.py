"""What the wizard's small dialogs share: Escape closes with None; a form submits on its button or Enter."""

from __future__ import annotations

from typing import ClassVar, TypeVar

from textual.binding import Binding, BindingType
from textual.screen import ModalScreen
from textual.widgets import Button, Input

T = TypeVar("T")


class Dialog(ModalScreen[T | None]):
    """A modal that Escape closes, returning None."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", "Close", id="dialog.close")]

    def action_close(self) -> None:
        self.dismiss(None)


class FormDialog(Dialog[T]):
    """A dialog with fields: its button, or Enter in a field, submits."""

    def submit(self) -> None:
        """Dismiss with the value, or show what is wrong and stay."""
        raise NotImplementedError

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.submit()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.submit()
