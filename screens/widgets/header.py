"""The header as one widget: the same cells and colours as Textual's Header (icon, title, clock's room).

Textual's Header composes three widgets (HeaderIcon, HeaderTitle, HeaderClockSpace), each styled, laid
out and rendered apart, and its title is set after its mount: about 3% of the start screen's first paint
for one row. This widget draws that row itself: the icon (a click opens the command palette, its tooltip
says so, it is highlighted under the mouse), the screen's or app's title and sub-title centred between the
icon and the clock's room, and a click elsewhere makes it three rows tall, as Textual's does.
"""

from __future__ import annotations

from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.strip import Strip
from textual.widget import Widget

#: Textual's header: the icon's cell in 8 columns at the left, 10 columns for a clock at the right.
_ICON, _ICON_WIDTH, _CLOCK_WIDTH = "⭘", 8, 10


class Header(Widget):
    """Title and sub-title (the screen's, else the app's) between the palette icon and the clock's room."""

    DEFAULT_CSS = """
    Header { dock: top; width: 100%; height: 1; background: $panel; color: $foreground; }
    Header.-tall { height: 3; }
    Header > .header--icon-hover { background: $foreground 10%; }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {"header--icon-hover"}

    def __init__(self) -> None:
        super().__init__()
        self._icon_hover = False

    def on_mount(self) -> None:
        for node in (self.app, self.screen):
            self.watch(node, "title", self._retitle, init=False)
            self.watch(node, "sub_title", self._retitle, init=False)

    def _retitle(self) -> None:
        self.refresh()

    def _title(self) -> list[Segment]:
        screen, app = self.screen, self.app
        title = screen.title if screen.title is not None else app.title
        sub_title = screen.sub_title if screen.sub_title is not None else app.sub_title
        room = max(self.size.width - _ICON_WIDTH - _CLOCK_WIDTH, 0)
        content = app.format_title(title, sub_title).truncate(room, ellipsis=True)
        return content.render_segments()

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.rich_style
        if y != self.size.height // 2:
            return Strip.blank(width, base)

        def part(name: str) -> Style:
            # Invisible: keeps each part's cells apart, as they are when each part is a widget (an export,
            # the SVG snapshots, would otherwise merge cells that look alike).
            return base + Style(meta={"header": name})

        icon = part("icon")
        if self._icon_hover:
            icon += Style(bgcolor=self.get_component_rich_style("header--icon-hover").bgcolor)
        title = self._title()
        room = max(width - _ICON_WIDTH - _CLOCK_WIDTH, 0)
        used = sum(s.cell_length for s in title)
        left = (room - used) // 2
        text = part("title")
        # Padding cells carry the background only, as Textual draws a widget's padding.
        padding = Style(bgcolor=icon.bgcolor) + Style(meta={"header": "icon-padding"})
        segments = [
            Segment(" ", padding),
            Segment(_ICON, icon + Style(meta={"header": "icon-cell"})),
            Segment(" " * (_ICON_WIDTH - 3), icon + Style(meta={"header": "icon-fill"})),
            Segment(" ", padding + Style(meta={"header": "icon-padding-right"})),
            Segment(" " * left, part("title-left")),
            *(Segment(s.text, text + s.style if s.style else text) for s in title),
            Segment(" " * (room - used - left), part("title-right")),
            Segment(" ", Style(bgcolor=base.bgcolor) + Style(meta={"header": "clock-padding"})),
            Segment("", part("clock")),
            Segment(" " * (_CLOCK_WIDTH - 1), part("clock-fill")),
        ]
        return Strip(segments).crop(0, width)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        over = event.x < _ICON_WIDTH
        if over != self._icon_hover:
            self._icon_hover = over
            self.tooltip = "Open the command palette" if over and self.app.ENABLE_COMMAND_PALETTE else None
            self.refresh()

    def on_leave(self) -> None:
        if self._icon_hover:
            self._icon_hover = False
            self.tooltip = None
            self.refresh()

    async def on_click(self, event: events.Click) -> None:
        event.stop()
        if event.x < _ICON_WIDTH:
            if self.app.ENABLE_COMMAND_PALETTE:
                await self.run_action("app.command_palette")
        else:
            self.toggle_class("-tall")
