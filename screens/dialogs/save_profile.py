"""Save the profile under a name (`<config>/profiles/<name>.toml`, as the CLI's --save): never the secret."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Button, Checkbox, Static

from screens.dialogs.base import FormDialog
from screens.widgets.field import Field
from screens.widgets.ticks import TickBox


class SaveProfileDialog(FormDialog[tuple[str, bool]]):
    """Returns (name, replace an existing one), or None (Escape)."""

    DEFAULT_CSS = """
    SaveProfileDialog { align: center middle; }
    SaveProfileDialog > Vertical {
        width: 80%; max-width: 80; height: auto; padding: 0 2; border: thick $accent; background: $surface;
    }
    SaveProfileDialog #save-message { color: $text-error; height: auto; }
    """

    def __init__(self, name: str) -> None:
        super().__init__()
        self.profile_name = name

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
        self.dismiss((name, self.query_one("#replace", Checkbox).value))
