"""The Textual application; composes screens only."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Static


class WizardApp(App[int]):
    """Placeholder until the wizard screens land."""

    TITLE = "Entra daemon wizard"

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("The wizard is being built. Use the CLI meanwhile: daemon-wizard --help")
        yield Footer()


def run(*, sandbox: str | None = None) -> int:
    """Start the TUI; returns the process exit code."""
    result = WizardApp().run()
    return int(result or 0)


def build_app(*, sandbox: str | None = None) -> WizardApp:
    """The same app the program runs (tests and benchmarks build it through here)."""
    return WizardApp()
