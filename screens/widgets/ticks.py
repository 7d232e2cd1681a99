"""A checkbox and a selection list whose box is empty when unticked, not just dimmer.

Textual draws an "X" in every box and tells ticked from unticked by colour alone; in a 256-colour terminal
the two colours come out alike and every box looks ticked. Here an unticked box holds a space.
"""

from __future__ import annotations

from typing import TypeVar

from rich.segment import Segment
from textual.content import Content
from textual.strip import Strip
from textual.widgets import Checkbox, SelectionList

T = TypeVar("T")
TICK, EMPTY = "X", " "


class TickBox(Checkbox):
    """A checkbox showing X when ticked and an empty box when not."""

    @property
    def _button(self) -> Content:
        self.BUTTON_INNER = TICK if self.value else EMPTY
        return super()._button


class TickList(SelectionList[T]):
    """A selection list showing X in the selected options' boxes only."""

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        segments = list(strip)
        if len(segments) < 2 or segments[1].text != TICK or segments[1].style is None:
            return strip
        index = segments[1].style.meta.get("option")
        if not isinstance(index, int):
            return strip
        if self.get_option_at_index(index).value in self.selected:
            return strip
        segments[1] = Segment(EMPTY, segments[1].style)
        return Strip(segments, strip.cell_length)
