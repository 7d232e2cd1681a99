"""The token test's settings, as the CLI's --timeout, --ca-file and --no-proxy give them: where the diagnosis's
network fixes (a corporate proxy, its TLS CA, a slow link) are applied in the TUI.
"""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Button, Checkbox, Static

from screens.dialogs.base import FormDialog
from screens.state import Settings
from screens.widgets.field import Field
from screens.widgets.ticks import TickBox

_TIMEOUT_RANGE = (1.0, 600.0)


def parse_settings(timeout: str, ca_file: str, use_env_proxies: bool) -> Settings | str:
    """The settings, or the problem with them (a sentence) when one is wrong."""
    try:
        seconds = float(timeout.strip())
    except ValueError:
        return "The timeout must be a number of seconds, such as 30."
    low, high = _TIMEOUT_RANGE
    if not low <= seconds <= high:
        return f"The timeout must be between {low:.0f} and {high:.0f} seconds."
    path = ca_file.strip()
    if path and not Path(path).expanduser().is_file():
        return f"There is no file at {path} (the CA bundle, PEM)."
    return Settings(
        timeout=seconds, ca_file=str(Path(path).expanduser()) if path else "", use_env_proxies=use_env_proxies
    )


class SettingsDialog(FormDialog[Settings]):
    """Returns the new settings (Save, or Enter in a field), or None (Escape)."""

    DEFAULT_CSS = """
    SettingsDialog { align: center middle; }
    SettingsDialog > Vertical {
        width: 80%; max-width: 90; height: auto; max-height: 95%; padding: 0 2;
        border: thick $accent; background: $surface;
    }
    SettingsDialog #settings-message { color: $text-error; height: auto; }
    """

    def __init__(self, settings: Settings) -> None:
        super().__init__()
        self.settings = settings

    def compose(self) -> ComposeResult:
        s = self.settings
        with Vertical():
            yield Static("Token test settings", classes="heading")
            yield Field(
                "Timeout (seconds)",
                name="timeout",
                value=f"{s.timeout:g}",
                hint="The whole test's bound (--timeout).",
            )
            yield Field(
                "Extra CA file (PEM)",
                name="ca-file",
                value=s.ca_file,
                hint="A corporate TLS proxy's root CA (--ca-file). Empty for none.",
            )
            yield TickBox("Use HTTPS_PROXY / HTTP_PROXY from the environment", s.use_env_proxies, id="proxy")
            yield Static("", id="settings-message", markup=False)
            yield Button("Save", variant="primary", id="save")

    def on_mount(self) -> None:
        self.query_one("#timeout").focus()

    def submit(self) -> None:
        result = parse_settings(
            self.query_one("#field-timeout", Field).value,
            self.query_one("#field-ca-file", Field).value,
            self.query_one("#proxy", Checkbox).value,
        )
        if isinstance(result, str):
            self.query_one("#settings-message", Static).update(result)
            return
        self.dismiss(result)
