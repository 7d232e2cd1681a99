"""A modal that shows a failure as its title and its fix; Escape or Enter closes it."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from wizard.errors import WizardError


class ErrorDialog(ModalScreen[None]):
    """Title, hint (the fix) and an OK button."""

    DEFAULT_CSS = """
    ErrorDialog { align: center middle; }
    ErrorDialog > Vertical {
        width: 70; max-width: 95%; height: auto; padding: 1 2;
        border: thick $error; background: $surface;
    }
    ErrorDialog .error--title { color: $error; text-style: bold; margin-bottom: 1; }
    ErrorDialog Button { margin-top: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "close", "Close", id="dialog.close")]

    def __init__(self, title: str, hint: str = "") -> None:
        super().__init__()
        self.error_title = title
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.error_title, classes="error--title", markup=False)
            if self.hint:
                yield Static(self.hint, markup=False)
            yield Button("OK", variant="error", id="ok")

    def on_mount(self) -> None:
        self.query_one(Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)


def error_dialog(error: BaseException | None, *, scrub: Callable[[str], str]) -> ErrorDialog:
    """The dialog for a failed worker: our errors show their title and fix, others their type and text."""
    if isinstance(error, WizardError):
        title, hint = error.title, error.hint or ""
    else:
        title, hint = f"Unexpected error ({type(error).__name__})", str(error or "")
    return ErrorDialog(scrub(title), scrub(hint))
