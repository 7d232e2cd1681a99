"""Footers that fit the terminal: when a screen's keys would run past the footer's edge, its spare ones leave
the footer (least needed first) and stay in the command palette, so no key is ever cut off.

Textual's footer draws every binding shown in `Screen.active_bindings` in one row and cuts what does not fit
(at 80 columns, the credential step lost Upload, Quit and Theme). A screen names its spare actions; this
drops them from the footer only when the row is too long for the terminal. Keys keep working (dispatch does
not go through `active_bindings`), and the palette lists them still (it ignores `show`).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any

    from textual.binding import ActiveBinding, Binding
    from textual.screen import Screen

#: The palette key docked at the footer's right ("▏^p palette ").
PALETTE_WIDTH = 12
#: Spare on every screen: the theme toggle (ctrl+t still works, and the palette has it).
DEFAULT_SPARE = ("toggle_theme",)


def key_width(screen: Screen[Any], binding: Binding) -> int:
    """Columns a footer key takes: ` key ` then `description ` (Textual's FooterKey padding)."""
    return len(screen.app.get_key_display(binding)) + 2 + len(binding.description) + 1


def footer_width(screen: Screen[Any], bindings: dict[str, ActiveBinding]) -> int:
    """Columns the shown keys need (one key per action, as the footer draws them)."""
    seen: dict[str, int] = {}
    for active in bindings.values():
        binding = active.binding
        if binding.show and binding.action not in seen:
            seen[binding.action] = key_width(screen, binding)
    return sum(seen.values())


def fit_footer(
    screen: Screen[Any], bindings: dict[str, ActiveBinding], spare: tuple[str, ...] = DEFAULT_SPARE
) -> dict[str, ActiveBinding]:
    """`bindings` with the spare actions hidden from the footer, in order, until the rest fits."""
    room = screen.app.size.width - PALETTE_WIDTH
    fitted = dict(bindings)
    for action in spare:
        if footer_width(screen, fitted) <= room:
            break
        for key, active in fitted.items():
            if active.binding.action == action and active.binding.show:
                fitted[key] = active._replace(binding=replace(active.binding, show=False))
    return fitted
