"""A modal listing what the step can copy (URLs, commands, thumbprints, AADSTS codes, correlation IDs).

Enter copies the highlighted value to the clipboard through OSC 52 (`App.copy_to_clipboard`, which works
over SSH too) and closes; Escape closes. A secret is never offered.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from screens.dialogs.base import Dialog

#: (what it is, the value): "Consent URL", "https://login…".
CopyItem = tuple[str, str]


def _line(what: str, value: str) -> Text:
    """One line per item, cut at the edge rather than wrapped: the whole value is what gets copied."""
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(f"{what}: ", style="bold")
    text.append(value)
    return text


class CopyDialog(Dialog[str]):
    """Returns the value copied, or None."""

    DEFAULT_CSS = """
    CopyDialog { align: center middle; }
    CopyDialog > Vertical {
        width: 90%; max-width: 110; height: auto; max-height: 90%; padding: 1 2;
        border: thick $accent; background: $surface;
    }
    CopyDialog Label { text-style: bold; margin-bottom: 1; }
    CopyDialog OptionList { height: auto; max-height: 16; text-wrap: nowrap; text-overflow: ellipsis; }
    """

    def __init__(self, items: list[CopyItem]) -> None:
        super().__init__()
        self.items = items

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Copy to the clipboard (Enter copies, Esc closes)")
            yield OptionList(
                *(Option(_line(what, value), id=str(i)) for i, (what, value) in enumerate(self.items)),
                id="copy-items",
            )

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        what, value = self.items[int(event.option.id or 0)]
        self.app.copy_to_clipboard(value)
        self.app.notify(f"{what} copied to the clipboard.")
        self.dismiss(value)
