"""Save the profile under a name (`<config>/profiles/<name>.toml`, as the CLI's --save): never the secret."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Button, Checkbox, Static

from screens.dialogs.base import FormDialog
from screens.widgets.field import Field
from screens.widgets.ticks import TickBox


@dataclass(frozen=True)
class SaveRequest:
    """What to save: the name, whether to replace a saved one, and whether the keyring keeps the secret."""

    name: str
    replace: bool = False
    keyring: bool = False
    #: The user accepts a keyring backend that is a plain file on disk.
    plaintext: bool = False


class SaveProfileDialog(FormDialog[SaveRequest]):
    """Returns what to save, or None (Escape). The keyring boxes show only when there is a secret."""

    DEFAULT_CSS = """
    SaveProfileDialog { align: center middle; }
    SaveProfileDialog > Vertical {
        width: 80%; max-width: 80; height: auto; padding: 0 2; border: thick $accent; background: $surface;
    }
    SaveProfileDialog #save-message { color: $text-error; height: auto; }
    """

    def __init__(self, name: str, *, has_secret: bool = False) -> None:
        super().__init__()
        self.profile_name = name
        self.has_secret = has_secret

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Save the profile (the secret is never saved)", classes="heading")
            yield Field(
                "Profile name",
                name="profile-name",
                value=self.profile_name,
                hint="Letters, digits, '.', '_' or '-'. The start screen offers it next time.",
            )
            yield TickBox("Replace a saved profile of that name", id="replace")
            if self.has_secret:
                yield TickBox(
                    "Remember the client secret in the OS keyring (never in the file)", id="keyring"
                )
                yield TickBox("… even when the keyring is a plain file on disk", id="plaintext")
            yield Static("", id="save-message", markup=False)
            yield Button("Save", variant="primary", id="save")

    def on_mount(self) -> None:
        self.query_one("#profile-name").focus()

    def submit(self) -> None:
        from wizard.errors import UsageError
        from wizard.profile_store import check_name

        name = self.query_one("#field-profile-name", Field).value.strip()
        try:
            check_name(name)
        except UsageError as exc:
            self.query_one("#save-message", Static).update(f"{exc.title}. {exc.hint or ''}".strip())
            return
        ticked = {box.id: box.value for box in self.query(Checkbox)}
        self.dismiss(
            SaveRequest(
                name,
                replace=ticked.get("replace", False),
                keyring=ticked.get("keyring", False),
                plaintext=ticked.get("plaintext", False),
            )
        )
