"""The Textual application; composes the flow, the command palette, themes, signals and error handling only."""

from __future__ import annotations

from typing import Any, ClassVar

# First: no collection while the imports below (Textual's among them) load (screens/import_gc.py).
from screens import import_gc  # isort: skip

from textual import work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from screens.commands import WizardCommands
from screens.flow import FLOW_GROUPS, Flow
from screens.locate import stylesheet
from screens.state import WizardState
from screens.step import StepScreen
from screens.terminal_signals import handle_signals

DARK, LIGHT = "textual-dark", "textual-light"
#: Seconds between the first step on the screen and loading the heavy libraries in the background.
PRELOAD_AFTER = 0.3

import_gc.resume()


class WizardApp(App[int]):
    """From nothing to a working, diagnosed daemon."""

    TITLE = "Entra daemon wizard"
    #: The start screen's rules only; every other screen loads its own file when first shown.
    CSS_PATH = stylesheet("start.tcss")
    COMMANDS = App.COMMANDS | {WizardCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True),
        Binding("ctrl+t", "toggle_theme", "Theme", id="app.toggle_theme"),
    ]
    #: Below 100 columns the step list collapses to a bar (`Screen.-narrow` in the step bar's CSS).
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]  # noqa: RUF012  # Textual's own type

    def __init__(
        self,
        *,
        sandbox: str | None = None,
        sandbox_app: str | None = None,
        preload: bool = True,
        flow: bool = True,
        still: bool = False,
        theme: str = DARK,
        signals: bool = False,
    ) -> None:
        super().__init__()
        self.state = WizardState()
        self.flow = Flow(self, self.state, sandbox_scenario=sandbox, sandbox_app=sandbox_app)
        #: True when the program runs for real: SIGINT, SIGTERM and SIGHUP end it cleanly (tests leave them).
        self._signals = signals
        self._crashed = False
        self._preload = preload
        self._run_flow = flow
        #: False freezes cursors and animations, so snapshots and screenshots do not depend on timing.
        self.still = still
        if still:
            self.animation_level = "none"
        self.theme = theme

    def get_default_screen(self) -> Screen[Any]:
        """The start step itself when the flow begins there, else Textual's blank screen.

        Textual composes, styles and lays out its default screen before the first pushed screen, which
        then goes through all of that again: with the start step as the app's first screen, the first
        frame is the start step's at once (about 4% of the instructions to it). The flow awaits that
        screen's result instead of pushing one (Flow.first_screen).
        """
        first = self.flow.first_screen() if self._run_flow else None
        return first if first is not None else super().get_default_screen()

    def on_mount(self) -> None:
        if self._signals:
            handle_signals(self._on_signal)
        if self._run_flow:
            self._drive()

    # --- signals: the sandbox's temporary folder holds private keys; it goes whatever ends the program --
    # (screens/terminal_signals.py also keeps a terminal's hang-up from wedging the exit)

    def _on_signal(self, signum: int) -> None:
        self.flow.close()
        # 130 for an interrupt (the documented code); 128 + N for the others, as a shell reports them.
        self.exit(return_code=128 + int(signum))

    def on_step_screen_shown(self, message: StepScreen.Shown) -> None:
        # After the first step is painted, the heavy libraries load while the user reads it: not before,
        # or the import thread would compete with the first paint for the interpreter. "Painted" is when
        # Textual has rendered the frame; a real terminal gets it from the driver's writer thread, which an
        # import thread holding the interpreter (extension modules load with it held) can keep from writing
        # for a tenth of a second: measured in tmux, the question showed up 0.31 s or 0.45 s after start,
        # at random. The load waits PRELOAD_AFTER more, far less than anyone takes to read the step.
        if self._preload:
            self._preload = False
            self.set_timer(PRELOAD_AFTER, self._load_heavy)

    @work(exclusive=True, group="flow", exit_on_error=False)
    async def _drive(self) -> None:
        self.exit(await self.flow.run())

    # --- failures --------------------------------------------------------------------------------------

    def report_failure(self, error: BaseException | None) -> None:
        """A task failed (a worker): the dialog, with the fix or, for a bug, the log's path; the app goes on."""
        from screens.dialogs.error import error_dialog  # not before the first paint, as nothing failed yet

        self.push_screen(error_dialog(error, scrub=self.state.scrub))

    def _handle_exception(self, error: Exception) -> None:
        """An exception that broke the app itself (Textual's hook for it).

        Textual's own handling prints a traceback with local variables, which may hold the secret, and
        exits with status 1 only if the caller asks for `return_code`. Here: the error dialog, the redacted
        log, and status 1 once the dialog is closed. A second failure while showing it ends at once.
        """
        if self._exception is None:  # as Textual does: `run_test` re-raises it, so a test sees the bug
            self._exception = error
        if self.return_code is not None and not self._crashed:
            # The exit was already asked for (a signal, ctrl+q): a widget that fails while the app closes
            # (Textual skips composing what mounts then) is logged, and the exit keeps its code.
            from screens.crash import write_crash_log

            write_crash_log(error, scrub=self.state.scrub)
            return
        self._return_code = 1
        if self._crashed:
            self._close_messages_no_wait()
            return
        self._crashed = True
        try:
            from screens.dialogs.error import error_dialog

            dialog = error_dialog(error, scrub=self.state.scrub, closing=True)
            self.push_screen(dialog, callback=lambda _: self.exit(return_code=1))
        except Exception:  # the app cannot show anything any more: end without a traceback
            self._close_messages_no_wait()

    @work(thread=True, exclusive=True, group="preload", exit_on_error=False)
    def _load_heavy(self) -> None:
        from screens import services

        services.preload()

    def action_toggle_theme(self) -> None:
        self.theme = LIGHT if self.theme == DARK else DARK

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The App's own workers (the steps report theirs); the flow shows its tasks' failures itself."""
        if event.state is not WorkerState.ERROR or event.worker.group in {"preload", *FLOW_GROUPS}:
            return
        if event.worker.group == "flow":  # the flow itself broke: nothing can go on
            error = event.worker.error
            self._handle_exception(
                error if isinstance(error, Exception) else RuntimeError("the flow stopped")
            )
            return
        self.report_failure(event.worker.error)

    def on_unmount(self) -> None:
        self.flow.close()


def build_app(
    *,
    sandbox: str | None = None,
    sandbox_app: str | None = None,
    preload: bool = True,
    flow: bool = True,
    still: bool = False,
    theme: str = DARK,
    signals: bool = False,
) -> WizardApp:
    """The one factory the CLI, the tests, the benchmarks and the screenshot script use."""
    return WizardApp(
        sandbox=sandbox,
        sandbox_app=sandbox_app,
        preload=preload,
        flow=flow,
        still=still,
        theme=theme,
        signals=signals,
    )


def run(*, sandbox: str | None = None, sandbox_app: str | None = None) -> int:
    """Start the TUI; returns the process exit code (1 after an unexpected error, 130 when interrupted).

    `sandbox` is "default", a scenario file, or the name of a default-scenario app (`--sandbox cert-daemon`).
    Raises WizardError (a bad scenario, an unknown app) before anything is drawn, for the CLI to report.
    """
    if sandbox is not None:
        from screens import services

        sandbox, sandbox_app = services.sandbox_choice(sandbox, sandbox_app)
    app = build_app(sandbox=sandbox, sandbox_app=sandbox_app, signals=True)
    try:
        result = app.run()
    except KeyboardInterrupt:  # a SIGINT before the loop's own handler was installed
        return 130
    finally:
        app.flow.close()
    if app.return_code:
        return app.return_code
    return int(result or 0)
