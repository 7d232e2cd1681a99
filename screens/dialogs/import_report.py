"""After an import: what was read from the file, and every remark on it, until the user goes on.

A toast would vanish after a few seconds and hold six lines at most; this stays, scrolls, and lists all.
The secret is never shown: only whether the file held one.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Button, Static

from screens.dialogs.base import Dialog
from screens.services import ImportView
from wizard.profile import CredentialKind


def read_lines(view: ImportView) -> list[str]:
    """The values read, one a line, as the registration step will show them."""
    p = view.profile
    cert = p.certificate
    credential = {
        CredentialKind.SECRET: "client secret"
        + (" (in the file; kept in memory only)" if view.secret else ""),
        CredentialKind.CERTIFICATE: f"certificate ({cert.cert_path or cert.pfx_path or cert.key_path or '?'})",
    }.get(p.credential, p.credential.value)
    lines = [
        f"Tenant: {p.tenant or '(not in the file)'}  ({p.tenant_type.value})",
        f"Client ID: {p.client_id or '(not in the file)'}",
        f"Credential: {credential}",
    ]
    if p.api.resource or p.api.base_url or p.api.relative_path:
        lines.append(f"API: {p.api.base_url or p.api.resource or ''}{p.api.relative_path or ''}")
    return lines


class ImportReportDialog(Dialog[None]):
    """Enter (or Escape) goes on to the registration step."""

    DEFAULT_CSS = """
    ImportReportDialog { align: center middle; }
    ImportReportDialog > Vertical {
        width: 90%; max-width: 100; height: auto; max-height: 90%; padding: 0 2;
        border: thick $accent; background: $surface;
    }
    ImportReportDialog VerticalScroll { height: auto; max-height: 16; }
    ImportReportDialog .import--title { text-style: bold; color: $text-accent; }
    ImportReportDialog #import-remarks { color: $text-warning; }
    """

    def __init__(self, view: ImportView) -> None:
        super().__init__()
        self.view = view

    def compose(self) -> ComposeResult:
        v = self.view
        with Vertical():
            yield Static(f"Read {v.path} as {v.format}", classes="import--title", markup=False)
            with VerticalScroll():
                yield Static("\n".join(read_lines(v)), id="import-read", markup=False)
                if v.notes:
                    remarks = "\n".join(f"! {note}" for note in v.notes)
                    yield Static(f"\n{len(v.notes)} remark(s):\n{remarks}", id="import-remarks", markup=False)
                else:
                    yield Static("\nNo remark: every value the format needs was found.", markup=False)
            yield Button("Go on", variant="primary", id="ok")

    def on_mount(self) -> None:
        self.query_one(Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(None)
