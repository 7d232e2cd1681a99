"""`SelectPreview`: a collapsed `Select` drawn by one widget, until the real one takes its place.

A `Select` is six widgets: the current value (a row of its label and two arrows) and the overlay with its
option list. Composing, styling and laying them out took about a third of the start screen's time from
`run()` to its first frame, for a field nobody has touched yet (issue 12). The start screen paints this
instead, the same cells as the collapsed Select with the same value, and swaps the Select in once that
frame is on the screen (tests/tui/test_tui_select_preview.py compares the two frames cell by cell).
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import RenderResult
from textual.widget import Widget


class SelectPreview(Widget):
    """What `Select(..., value=...)` shows while collapsed and not focused; it takes no input."""

    # Textual's SelectCurrent rules (textual/widgets/_select.py), for the row and its arrow.
    DEFAULT_CSS = """
    SelectPreview {
        border: tall $border-blurred;
        color: $foreground;
        background: $surface;
        width: 1fr;
        height: auto;
        padding: 0 2;
        &:ansi { color: ansi_default; background: ansi_default; }
    }
    SelectPreview > .select-preview--arrow { color: $foreground 50%; }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {"select-preview--arrow"}
    can_focus = False

    def __init__(self, label: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.label = label

    def render(self) -> RenderResult:
        # The Select's row: its label takes what the arrow (one cell, one of padding before it) leaves.
        width = max(self.content_size.width - 2, 0)
        text = Text(self.label[:width].ljust(width), no_wrap=True, end="")
        text.append(" ")
        text.append("▼", style=self.get_component_rich_style("select-preview--arrow"))
        return text
