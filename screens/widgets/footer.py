"""The footer's key row as one widget: the same cells and colours as Textual's Footer, at a tenth of its cost.

Textual's Footer is a scrolling container with one FooterKey widget per binding (each with its own styles,
a `compact` reactive bound to the footer's) and rebuilds them all whenever the screen's bindings change:
on the start screen that was about 5% of the first paint for one row of text. This widget draws the same
row itself: ` key ` then `description ` for each shown action (the screen's `active_bindings`, so
screens.footer_fit's fitting applies), and the palette key docked at the right behind a `▏`. As Textual's:
a click on a key presses it (a disabled one rings the bell), the key under the mouse is highlighted and
shows its binding's tooltip, disabled keys are dim, and the colours are the theme's footer variables.
Binding groups (`Binding.Group`) are drawn as separate keys: no screen of the wizard uses them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, NamedTuple

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.strip import Strip
from textual.widget import Widget

if TYPE_CHECKING:
    from textual.screen import Screen

#: The palette key's border, as Textual's footer draws it (`border-left: vkey`).
_BORDER = "▏"


class FooterKey(NamedTuple):
    """One key of the row, where it is drawn (columns `x` to `x + width`)."""

    key: str
    display: str
    description: str
    action: str
    enabled: bool
    tooltip: str
    palette: bool = False
    x: int = 0

    @property
    def width(self) -> int:
        if self.palette:  # compact, as Textual's palette key: `▏key description ` with a padding of one
            return len(_BORDER) + len(self.display) + 1 + len(self.description) + 1
        if not self.description:
            return len(self.display)
        return 1 + len(self.display) + 1 + len(self.description) + 1


class Footer(Widget, can_focus=False):
    """The screen's keys in one row; `keys` is what it draws."""

    ALLOW_SELECT = False
    DEFAULT_CSS = """
    Footer {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
    }
    Footer > .footer--key {
        color: $footer-key-foreground;
        background: $footer-key-background;
        text-style: bold;
    }
    Footer > .footer--description {
        color: $footer-description-foreground;
        background: $footer-description-background;
    }
    Footer > .footer--border { color: $foreground 20%; }
    Footer > .footer--hover { color: $footer-key-foreground; background: $block-hover-background; }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "footer--key",
        "footer--description",
        "footer--border",
        "footer--hover",
    }

    def __init__(self, *, show_command_palette: bool = True) -> None:
        super().__init__()
        self.show_command_palette = show_command_palette
        self._keys: tuple[FooterKey, ...] | None = None
        self._hover: FooterKey | None = None

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        # Read again at the next frame only: the signal comes several times before one (each focus change
        # and screen change), and one read of the bindings is most of what this widget costs.
        if self.is_attached and screen is self.screen:
            self._keys = None
            self.refresh()

    def _read_keys(self) -> tuple[FooterKey, ...]:
        """The keys to show, not yet placed: one per action (its first binding), then the palette key."""
        app = self.app
        active = self.screen.active_bindings
        keys: dict[str, FooterKey] = {}
        for _node, binding, enabled, tooltip in active.values():
            if binding.show and binding.action not in keys:
                keys[binding.action] = FooterKey(
                    binding.key,
                    app.get_key_display(binding),
                    binding.description,
                    binding.action,
                    enabled,
                    tooltip,
                )
        shown = list(keys.values())
        palette = active.get(app.COMMAND_PALETTE_BINDING)
        if self.show_command_palette and app.ENABLE_COMMAND_PALETTE and palette is not None:
            binding = palette.binding
            shown.append(
                FooterKey(
                    binding.key,
                    app.get_key_display(binding),
                    binding.description,
                    binding.action,
                    palette.enabled,
                    binding.tooltip or binding.description,
                    palette=True,
                )
            )
        return tuple(shown)

    @property
    def keys(self) -> tuple[FooterKey, ...]:
        """The keys as drawn: each with its column; the palette key's is the right edge minus its width."""
        if self._keys is None:
            x, placed = 0, []
            for key in self._read_keys():
                if key.palette:
                    placed.append(key._replace(x=max(self.size.width - key.width, 0)))
                else:
                    placed.append(key._replace(x=x))
                    x += key.width
            self._keys = tuple(placed)
        return self._keys

    def on_resize(self) -> None:
        self._keys = None

    def key_at(self, x: int) -> FooterKey | None:
        """The key drawn at column `x` (the palette key covers any key running under it)."""
        found = None
        for key in self.keys:
            if key.x <= x < key.x + key.width:
                found = key  # the palette key comes last: it wins, as it is docked over the row
        return found

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.rich_style
        key_style = self.get_component_rich_style("footer--key")
        description_style = self.get_component_rich_style("footer--description")
        hover_bg = Style(bgcolor=self.get_component_rich_style("footer--hover").bgcolor)
        dim = Style(dim=True)
        segments: list[Segment] = []
        palette: list[Segment] = []
        used = 0
        for index, key in enumerate(self.keys):
            # As Textual's FooterKey: its own style (dim when disabled) under the key's and description's.
            # The meta (invisible) keeps each key's cells apart from the next ones', as they are when each
            # key is a widget: an export (SVG snapshots) would otherwise merge cells that look alike.
            own = (base + dim if not key.enabled else base) + Style(meta={"footer-key": index})
            k, d = own + key_style, own + description_style
            if key == self._hover:
                k, d = k + hover_bg, d + hover_bg
            if key.palette:
                palette = [
                    Segment(_BORDER, own + self.get_component_rich_style("footer--border")),
                    Segment(key.display, k),
                    Segment(f" {key.description}", d),
                    Segment(" ", own + Style(meta={"footer-key": index, "padding": True})),
                ]
            elif key.description:
                segments += [Segment(f" {key.display} ", k), Segment(f"{key.description} ", d)]
            else:
                segments.append(Segment(key.display, k))
            if not key.palette:
                used += key.width
        room = width - sum(s.cell_length for s in palette)
        row = Strip(segments, used).crop(0, room) if used > room else Strip(segments, used)
        filler = [Segment(" " * (room - row.cell_length), base)] if row.cell_length < room else []
        return Strip([*row, *filler, *palette], width).crop(0, width) if y == 0 else Strip.blank(width, base)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        self._hovering(self.key_at(event.x))

    def on_leave(self) -> None:
        self._hovering(None)

    def _hovering(self, key: FooterKey | None) -> None:
        if key != self._hover:
            self._hover = key
            self.tooltip = key.tooltip if key is not None and key.tooltip else None
            self.refresh()

    def on_mouse_down(self, event: events.MouseDown) -> None:
        key = self.key_at(event.x)
        if key is None:
            return
        if not key.enabled:
            self.app.bell()
        else:
            self.app.simulate_key(key.key)
