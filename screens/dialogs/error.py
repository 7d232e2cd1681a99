"""A modal that shows a failure as its title and its fix; Escape or Enter closes it."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from screens.crash import redact, write_crash_log
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


def error_dialog(
    error: BaseException | None, *, scrub: Callable[[str], str], closing: bool = False
) -> ErrorDialog:
    """The dialog for a failure: our errors show their title and fix; any other is a bug, logged to a file.

    `closing` says the wizard closes after the dialog (the error broke the app itself, not one task).
    """
    if isinstance(error, WizardError):
        return ErrorDialog(redact(error.title, scrub), redact(error.hint or "", scrub))
    log = write_crash_log(error, scrub=scrub) if error is not None else None
    detail = redact(f"{type(error).__name__}: {error}" if error is not None else "unknown", scrub)
    where = f"The details are in {log}" if log else "The details could not be written to a log file"
    then = "The wizard will close." if closing else "You can go on, or report it with the log."
    return ErrorDialog("Unexpected error", f"{detail}\n{where} (no secrets in it). {then}")
