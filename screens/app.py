"""The Textual application; composes the flow, the command palette, themes and error handling only."""

from __future__ import annotations

from typing import ClassVar

from textual import work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.worker import Worker, WorkerState

from screens import services
from screens.commands import WizardCommands
from screens.dialogs.error import error_dialog
from screens.flow import FLOW_GROUPS, Flow
from screens.locate import stylesheets
from screens.state import WizardState
from screens.step import StepScreen

DARK, LIGHT = "textual-dark", "textual-light"


class WizardApp(App[int]):
    """From nothing to a working, diagnosed daemon."""

    TITLE = "Entra daemon wizard"
    CSS_PATH = stylesheets()  # type: ignore[assignment]  # Textual accepts a list of paths
    COMMANDS = App.COMMANDS | {WizardCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+t", "toggle_theme", "Theme", id="app.toggle_theme")
    ]

    def __init__(
        self,
        *,
        sandbox: str | None = None,
        preload: bool = True,
        flow: bool = True,
        still: bool = False,
        theme: str = DARK,
    ) -> None:
        super().__init__()
        self.state = WizardState()
        self.flow = Flow(self, self.state, sandbox_scenario=sandbox)
        self._preload = preload
        self._run_flow = flow
        #: False freezes cursors and animations, so snapshots and screenshots do not depend on timing.
        self.still = still
        if still:
            self.animation_level = "none"
        self.theme = theme

    def on_mount(self) -> None:
        if self._run_flow:
            self._drive()

    def on_step_screen_shown(self, message: StepScreen.Shown) -> None:
        # After the first step is painted, the heavy libraries load while the user reads it: not before,
        # or the import thread would compete with the first paint for the interpreter.
        if self._preload:
            self._preload = False
            self._load_heavy()

    @work(exclusive=True, group="flow", exit_on_error=False)
    async def _drive(self) -> None:
        self.exit(await self.flow.run())

    @work(thread=True, exclusive=True, group="preload", exit_on_error=False)
    def _load_heavy(self) -> None:
        services.preload()

    def action_toggle_theme(self) -> None:
        self.theme = LIGHT if self.theme == DARK else DARK

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A failed worker becomes an error dialog (the flow awaits its own workers and shows theirs in turn)."""
        if event.state is not WorkerState.ERROR or event.worker.group in {"preload", *FLOW_GROUPS}:
            return
        self.push_screen(error_dialog(event.worker.error, scrub=self.state.scrub))

    def on_unmount(self) -> None:
        self.flow.close()


def build_app(
    *,
    sandbox: str | None = None,
    preload: bool = True,
    flow: bool = True,
    still: bool = False,
    theme: str = DARK,
) -> WizardApp:
    """The one factory the CLI, the tests, the benchmarks and the screenshot script use."""
    return WizardApp(sandbox=sandbox, preload=preload, flow=flow, still=still, theme=theme)


def run(*, sandbox: str | None = None) -> int:
    """Start the TUI; returns the process exit code."""
    result = build_app(sandbox=sandbox).run()
    return int(result or 0)
