"""Textual's Footer, rebuilt only when the keys it shows have changed.

Textual's Footer rebuilds all its keys after every change of focus and of the screen stack, and a focus
change asks twice (at once and after the next refresh). On the start screen that was three rebuilds of the
same seven keys before the first step counted as shown, about a tenth of the wizard's start-up. Here a
rebuild whose keys (what each shows, whether it is enabled, its tooltip) are those already on the screen
is skipped; any other goes through as before.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer as TextualFooter


class Footer(TextualFooter):
    """The same footer; `recompose` does nothing when the keys are those it shows already."""

    _shown: tuple[object, ...] | None = None

    def _keys(self) -> tuple[object, ...]:
        """Everything the keys are built from: the screen's active bindings as the footer shows them."""
        app = self.app
        shown = tuple(
            (
                key,
                app.get_key_display(b.binding),
                b.binding.description,
                b.binding.group,
                b.enabled,
                b.tooltip,
            )
            for key, b in self.screen.active_bindings.items()
            if b.binding.show or key == app.COMMAND_PALETTE_BINDING
        )
        return (self.show_command_palette, app.ENABLE_COMMAND_PALETTE, shown)

    def compose(self) -> ComposeResult:
        widgets = list(super().compose())
        # Nothing yet (Textual builds the keys once the screen's bindings are ready): the next one counts.
        self._shown = self._keys() if widgets else None
        yield from widgets

    async def recompose(self) -> None:
        if self._shown is not None and self.is_attached and self._keys() == self._shown:
            return
        await super().recompose()
