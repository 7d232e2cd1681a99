"""The token test's settings, as the CLI's --timeout, --ca-file and --no-proxy give them, and a proxy URL: where
the diagnosis's network fixes (a corporate proxy, its TLS CA, a slow link) are applied in the TUI.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Button, Checkbox, Input, Static

from screens.dialogs.base import FormDialog
from screens.state import Settings
from screens.widgets.field import Field
from screens.widgets.ticks import TickBox

_TIMEOUT_RANGE = (1.0, 600.0)


def without_credentials(url: str) -> str:
    """The URL with any user name and password taken out (what the field shows after a refusal)."""
    text = url.strip()
    head, sep, rest = text.partition("://")
    if not sep:
        head, rest = "", text
    netloc, slash, path = rest.partition("/")
    if "@" not in netloc:
        return text
    return f"{head}{sep}{netloc.rsplit('@', 1)[-1]}{slash}{path}"


def parse_proxy(text: str) -> str | None:
    """The problem with a proxy URL (a sentence, credentials never repeated), or None when it is usable."""
    url = text.strip()
    if not url:
        return None
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "The proxy must be a URL such as http://proxy.example.com:8080 (its port is not a number)."
    if parts.username or parts.password or without_credentials(url) != url:
        return (
            "The proxy's user name and password were removed: they would be kept in plain text. Give "
            "http(s)://host:port here; for a proxy that needs a login, set HTTPS_PROXY in the environment and "
            "tick the box below."
        )
    if parts.scheme not in ("http", "https") or not parts.hostname or port is None:
        return (
            "The proxy must be http://host:port or https://host:port, such as http://proxy.example.com:8080."
        )
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        return "The proxy URL is host and port only (no path), such as http://proxy.example.com:8080."
    return None


def parse_settings(timeout: str, ca_file: str, use_env_proxies: bool, proxy: str = "") -> Settings | str:
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
    problem = parse_proxy(proxy)
    if problem is not None:
        return problem
    return Settings(
        timeout=seconds,
        ca_file=str(Path(path).expanduser()) if path else "",
        use_env_proxies=use_env_proxies,
        proxy=proxy.strip().rstrip("/"),
    )


class SettingsDialog(FormDialog[Settings]):
    """Returns the new settings (Save, or Enter in a field), or None (Escape)."""

    DEFAULT_CSS = """
    SettingsDialog { align: center middle; }
    SettingsDialog > VerticalScroll {
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
        with VerticalScroll():  # at 80x24 the last fields and Save scroll into view
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
            yield Field(
                "Proxy URL",
                name="proxy-url",
                value=s.proxy,
                hint="http(s)://host:port, used instead of HTTPS_PROXY. Empty: none.",
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
            self.query_one("#field-proxy-url", Field).value,
        )
        if isinstance(result, str):
            proxy = self.query_one("#proxy-url", Input)
            cleaned = without_credentials(proxy.value)
            if cleaned != proxy.value.strip():  # the credentials leave the screen at once
                proxy.value = cleaned
            self.query_one("#settings-message", Static).update(result)
            return
        self.dismiss(result)
