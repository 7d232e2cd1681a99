"""A labelled input with a one-line hint that turns into the problem and its fix when the value is wrong."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Label, Static

from wizard.validation import Problem


class SecretInput(Input):
    """A masked input whose value never reaches the clipboard: copy and cut are refused while masked."""

    def _refuse(self) -> None:
        self.notify("A secret is not copied to the clipboard.", severity="warning")

    def action_copy(self) -> None:
        if self.password:
            self._refuse()
            return
        super().action_copy()

    def action_cut(self) -> None:
        if self.password:
            self._refuse()
            return
        super().action_cut()


class Field(Vertical):
    """Label, input, and a message line: the portal hint, or the problem with its fix."""

    DEFAULT_CSS = """
    Field { height: auto; margin-bottom: 1; }
    Field > Label { color: $text-muted; }
    Field > .field--message { color: $text-muted; height: auto; }
    Field.-error > .field--message { color: $error; }
    Field.-warning > .field--message { color: $warning; }
    Field.-error > Input { border: tall $error; }
    """

    def __init__(
        self,
        label: str,
        *,
        name: str,
        hint: str = "",
        value: str = "",
        placeholder: str = "",
        password: bool = False,
    ) -> None:
        super().__init__(id=f"field-{name}")
        self.field_name = name
        self.label = label
        self.hint = hint
        kind = SecretInput if password else Input
        self._input = kind(value, placeholder=placeholder, password=password, id=name)

    def compose(self) -> ComposeResult:
        yield Label(self.label)
        yield self._input
        yield Static(self.hint, classes="field--message", markup=False)

    @property
    def input(self) -> Input:
        return self._input

    @property
    def value(self) -> str:
        return self._input.value

    def show(self, problems: list[Problem]) -> None:
        """Show the first problem (errors before warnings) or, without one, the hint."""
        message = self.query_one(".field--message", Static)
        self.remove_class("-error", "-warning")
        if not problems:
            message.update(self.hint)
            return
        first = problems[0]
        self.add_class("-error" if first.severity == "error" else "-warning")
        message.update(f"{first.message}. {first.fix}")
