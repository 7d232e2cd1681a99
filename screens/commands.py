"""The command palette provider: the wizard's own actions on the current screen and the app, "Wizard: <action>".

Only bindings with an id are listed: every binding the wizard declares has one (`wizard.*`, `app.*`,
`start.*`, …), and Textual's widgets declare theirs without: a focused widget's bindings (an Input's
"Delete right", a list's "Page Down") are keys of that widget, not things the wizard does.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.dom import DOMNode


class WizardCommands(Provider):
    """Commands come from the active bindings, so the palette and the footer never disagree."""

    def _commands(self) -> list[tuple[str, str, DOMNode, str]]:
        seen: set[str] = set()
        commands: list[tuple[str, str, DOMNode, str]] = []
        for active in self.screen.active_bindings.values():
            binding = active.binding
            if not binding.description or binding.action in seen or not active.enabled:
                continue
            if not binding.id:
                continue
            seen.add(binding.action)
            title = f"Wizard: {binding.description}"
            commands.append((title, binding.tooltip or f"Key: {binding.key}", active.node, binding.action))
        return commands

    async def discover(self) -> Hits:
        for title, help_text, node, action in self._commands():
            yield DiscoveryHit(title, partial(self.app.run_action, action, node), help=help_text)

    async def search(self, query: str) -> AsyncIterator[Hit]:
        matcher = self.matcher(query)
        for title, help_text, node, action in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(title),
                    partial(self.app.run_action, action, node),
                    help=help_text,
                )
