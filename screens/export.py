"""Step 7: export the profile to the config formats the official samples read: preview, then write.

The preview says, per file, whether it is created, replaced (a backup is kept) or refused; a write is all
or nothing when a file would be refused, and lists exactly what it wrote when a disk error stops it midway.
Its keys are ones no focused widget takes (an Input keeps ctrl+w for "delete a word").
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Checkbox, Footer, Header, Label, SelectionList, Static
from textual.worker import Worker, WorkerState

from screens import services
from screens.dialogs.error import error_dialog
from screens.locate import stylesheet
from screens.state import Step
from screens.step import StepScreen
from screens.widgets.field import Field
from screens.widgets.stepbar import StepBar
from screens.widgets.ticks import TickBox, TickList
from wizard.errors import WizardError
from wizard.profile import Profile
from wizard.secret import Secret

SANDBOX_NOTE = (
    "Sandbox config: it points at 127.0.0.1 on a temporary port that closes with the wizard, so it goes to "
    "its own folder (daemon-config-sandbox) and never replaces a real config."
)


class ExportScreen(StepScreen[bool]):
    """Choose formats, preview the diff (dry run), write; Next finishes the wizard."""

    CSS_PATH = stylesheet("wizard.tcss")

    STEP = Step.EXPORT
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+r", "preview", "Preview", id="wizard.preview"),
        Binding("ctrl+s", "write", "Write", id="wizard.write"),
    ]
    INLINE_FAILURES = frozenset({"export"})

    def __init__(
        self,
        profile: Profile,
        *,
        secret: Secret | None,
        passphrase: Secret | None = None,
        scrub: Callable[[str], str],
        out_dir: Path | None = None,
        note: str = "",
        works: str = "",
    ) -> None:
        super().__init__()
        self.profile = profile
        self.secret = secret
        self.passphrase = passphrase
        self.scrub = scrub
        #: A sandbox profile points at 127.0.0.1 on a port that lives only while the wizard runs: its
        #: configs get their own folder, so they never replace a real one.
        self.sandbox = services.is_sandbox_profile(profile)
        self.out_dir = out_dir or Path.cwd() / ("daemon-config-sandbox" if self.sandbox else "daemon-config")
        self.note = note
        #: What the token test proved, for the summary after a write.
        self.works = works
        self.written = False
        self.next_steps: tuple[str, ...] = ()

    def compose(self) -> ComposeResult:
        yield Header()
        yield StepBar(self.STEP, note=self.note)
        with VerticalScroll(id="export-body"):
            yield Label("Formats", classes="heading")
            yield TickList[str](id="formats")
            yield Field("Folder", name="export-dir", value=str(self.out_dir))
            yield TickBox("Replace existing files (a backup is kept)", id="force")
            if self.sandbox:
                yield Static(SANDBOX_NOTE, id="sandbox-note", classes="advice", markup=False)
            yield Static("Press ctrl+r to preview, ctrl+s to write.", id="export-output", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        formats = self.query_one("#formats", SelectionList)
        choices = services.export_formats(self.profile)
        if not choices:
            self.query_one("#export-output", Static).update("No config format fits this profile.")
            return
        for index, choice in enumerate(choices):
            formats.add_option((f"{choice.name}: {choice.title}", choice.name, index == 0))
        formats.focus()

    def _selected(self) -> list[str]:
        return list(self.query_one("#formats", SelectionList).selected)

    def action_preview(self) -> None:
        self._start(dry_run=True)

    def action_write(self) -> None:
        self._start(dry_run=False)

    def _start(self, *, dry_run: bool) -> None:
        formats = self._selected()
        if not formats:
            self.notify("Choose at least one format.", severity="warning")
            return
        self.query_one("#export-output", Static).update("Previewing…" if dry_run else "Writing…")
        folder = Path(self.query_one("#field-export-dir", Field).value.strip()).expanduser()
        self._export(formats, folder, self.query_one("#force", Checkbox).value, dry_run)

    @work(thread=True, exclusive=True, exit_on_error=False, group="export")
    def _export(self, formats: list[str], folder: Path, force: bool, dry_run: bool) -> str:
        text = self._preview(formats, folder, force) if dry_run else self._write(formats, folder, force)
        # The exporters mask secrets in previews; scrub again so nothing unmasked can reach the screen.
        return self.scrub(text)

    def _preview(self, formats: list[str], folder: Path, force: bool) -> str:
        parts: list[str] = []
        for fmt in formats:
            plan = services.plan_export(
                self.profile, fmt, secret=self.secret, passphrase=self.passphrase, out_dir=folder, force=force
            )
            parts.append(f"== {fmt}")
            parts.extend(f.line for f in plan.files)
            if plan.diff:
                parts.append(plan.diff)
            parts.extend(f"! {w}" for w in plan.warnings)
        return "\n".join(parts)

    def _write(self, formats: list[str], folder: Path, force: bool) -> str:
        outcome = services.write_exports(
            self.profile, formats, secret=self.secret, passphrase=self.passphrase, out_dir=folder, force=force
        )
        self.written = self.written or bool(outcome.written)
        self.next_steps = outcome.next_steps
        parts = ["Summary"]
        if self.works:
            parts.append(f"What works: {self.works}")
        if outcome.error:
            parts.append(f"Export stopped. {outcome.error}")
        if outcome.written:
            parts += ["Files written:", *(f"  {w}" for w in outcome.written)]
        else:
            parts.append("Nothing was written.")
        if outcome.next_steps:
            parts += ["Next, for each sample (ctrl+y copies):", *(f"  {n}" for n in outcome.next_steps)]
        return "\n".join(parts)

    def current_profile(self) -> Profile:
        return self.profile

    def copy_items(self) -> list[tuple[str, str]]:
        commands = [
            (f"Command ({step.split(': ', 1)[0]})", step.split("run: ", 1)[1])
            for step in self.next_steps
            if "run: " in step
        ]
        return commands + super().copy_items()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "export":
            return
        output = self.query_one("#export-output", Static)
        if event.state is WorkerState.SUCCESS and isinstance(event.worker.result, str):
            output.update(event.worker.result)
            # The summary (or the preview) is what the user asked for: bring it into view.
            body = self.query_one("#export-body", VerticalScroll)
            self.call_after_refresh(body.scroll_end, animate=False)
        elif event.state is WorkerState.ERROR:
            error = event.worker.error
            if isinstance(error, WizardError):
                text = f"Export failed: {error.title}\n{services.tui_words(error.hint or '')}".rstrip()
            else:  # a bug: the dialog, with the log
                self.app.push_screen(error_dialog(error, scrub=self.scrub))
                text = "Export failed: an unexpected error."
            output.update(self.scrub(text))

    def result(self) -> bool | None:
        return self.written
