"""The base of every step screen: Back and Next, the step bar, the footer, and the guards every step shares.

Two guards live here so that no key, however fast, can act on the wrong screen:
- a step acts (bindings, palette commands, `dismiss`) only while it is the app's current screen, from its
  mount until it has been dismissed once. Textual's `dismiss` pops whatever screen is on top, so a
  second Esc that arrives before the pop completes would otherwise pop the next step, half mounted;
- a failed worker started by the step is reported here, once: Textual sends `Worker.StateChanged` to the
  node that started the worker, so the App never sees a screen's workers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Generic, TypeVar, Union

from textual import events, work
from textual.await_complete import AwaitComplete
from textual.binding import Binding, BindingType
from textual.command import CommandPalette
from textual.geometry import Size
from textual.message import Message
from textual.screen import Screen
from textual.types import NoActiveAppError
from textual.widgets import Input
from textual.worker import Worker, WorkerState

from screens.footer_fit import DEFAULT_SPARE, fit_footer
from screens.state import BACK, Back, Settings, Step, WizardState
from wizard.admin_center import admin_center_url
from wizard.profile import Profile
from wizard.secret import Secret

if TYPE_CHECKING:
    from textual.binding import ActiveBinding

    from screens.dialogs.copy import CopyItem
    from screens.dialogs.save_profile import SaveRequest

T = TypeVar("T")


async def _nothing() -> None:
    """What a refused `dismiss` awaits."""


class StepScreen(Screen[Union[T, Back]], Generic[T]):
    """A wizard step returns its result (or BACK) through `dismiss()`."""

    STEP: Step = Step.START
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="wizard.back"),
        Binding("ctrl+n", "next", "Next", id="wizard.next"),
        # Keys no focused widget takes (an Input keeps ctrl+a/e/k/u/w/x/v); in the palette, not the footer,
        # which at 80 columns has room for the step's own keys only.
        Binding("ctrl+y", "copy", "Copy…", id="wizard.copy", show=False, tooltip="Copy a URL, ID or command"),
        Binding(
            "ctrl+b",
            "admin_center",
            "Open in the admin center",
            id="wizard.admin_center",
            show=False,
            tooltip="Open this step's blade of the app registration in a browser",
        ),
        Binding(
            "f2", "settings", "Settings", id="wizard.settings", show=False, tooltip="Timeout, CA file, proxy"
        ),
        Binding("f3", "save_profile", "Save profile", id="wizard.save_profile", show=False),
    ]
    #: Worker groups whose failure the step shows in its own widgets; any other failure opens the dialog.
    INLINE_FAILURES: ClassVar[frozenset[str]] = frozenset()
    #: Actions whose keys leave the footer (first to last) when the terminal is too narrow for every key;
    #: they stay bound and in the palette (screens.footer_fit).
    FOOTER_SPARE: ClassVar[tuple[str, ...]] = DEFAULT_SPARE

    class Shown(Message):
        """Posted once the step's first frame is on the screen (the app then loads what can wait)."""

    def __init__(self) -> None:
        super().__init__()
        self._leaving = False
        #: False until the first ScreenResume (see `_on_screen_resume`).
        self._resumed = False
        #: The size of the last Resize that went through (see `_on_resize`).
        self._resized_to: Size | None = None
        self._preset_breakpoint()

    def _preset_breakpoint(self) -> None:
        """The app's width class (`-narrow`, `-wide`) from the start, as Textual picks it.

        Textual adds it on the screen's first resize, which restyles the whole screen once more before its
        first frame; with the class already there, that resize changes nothing.
        """
        try:
            app = self.app
        except NoActiveAppError:  # built outside a running app (a unit test): Textual adds it later
            return
        breakpoints = self.HORIZONTAL_BREAKPOINTS or app.HORIZONTAL_BREAKPOINTS or []
        width = app.size.width
        for threshold, name in sorted(breakpoints, reverse=True):
            if width >= threshold:
                self.add_class(name, update=False)  # not mounted: nothing to restyle yet
                return

    def on_mount(self) -> None:
        self.call_after_refresh(self.post_message, self.Shown())

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """The screen's bindings as the footer shows them: the spare ones hidden when there is no room."""
        return fit_footer(self, super().active_bindings, self.FOOTER_SPARE)

    async def _on_resize(self, event: events.Resize) -> None:
        # Runs before Textual's own handler (Screen._on_resize), which lays the whole screen out again on
        # every Resize: three arrive with the same size before the first frame. One that repeats the size
        # the screen was last resized to changes nothing (widgets that mount or change size ask for their
        # own layout), so it stops here: `prevent_default` skips the base classes' handlers.
        if event.size == self._resized_to:
            event.stop()
            event.prevent_default()
            return
        self._resized_to = event.size
        self.refresh_bindings()  # the footer's room changed: fit its keys again

    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        # Runs before Textual's own handler (Screen._on_screen_resume: Textual calls each class's handler of
        # the MRO in turn), so it can tell that one not to restyle the whole screen on the first resume: a
        # step is pushed, composed and styled, then resumed at once, and nothing it is styled by changed
        # in between (focus restyles what it touches itself). Later resumes, after a dialog or the
        # palette, restyle as Textual does: the theme may have changed meanwhile. About 19 M of the
        # start screen's 1,230 M instructions to its first paint. (Subclasses use `on_screen_resume`.)
        if not self._resumed:
            self._resumed = True
            event.refresh_styles = False
        # Snapshots and screenshots freeze the text cursor.
        if getattr(self.app, "still", False):
            for text_input in self.query(Input):
                text_input.cursor_blink = False

    # --- the guards ----------------------------------------------------------------------------------

    @property
    def acting(self) -> bool:
        """True while the step may act: mounted (children composed), on top of the stack, not dismissed.

        The command palette over the step counts as the step: it lists and runs the step's actions.
        """
        if not self.is_mounted or self._leaving:
            return False
        stack = self.app.screen_stack
        if stack and isinstance(stack[-1], CommandPalette):
            stack = stack[:-1]
        return bool(stack) and stack[-1] is self

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Every binding and palette command of a step goes through here (Textual asks before running)."""
        if not self.acting:
            return False
        return self.allows(action)

    def allows(self, action: str) -> bool | None:
        """A step's own rule for one of its actions (True, False to refuse, None to show it disabled)."""
        return True

    def dismiss(self, result: T | Back | None = None) -> AwaitComplete:
        """Leave the step once; a second call (a key repeated before the pop) does nothing."""
        if self._leaving or self.app.screen is not self:
            return AwaitComplete(_nothing())
        self._leaving = True
        return super().dismiss(result)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """One handler for every worker a step starts: a failure the step does not show itself is a dialog."""
        if event.state is not WorkerState.ERROR or event.worker.group in self.INLINE_FAILURES:
            return
        report = getattr(self.app, "report_failure", None)
        if callable(report):
            report(event.worker.error)

    # --- copy, admin center, settings, save: the same on every step -----------------------------------

    @property
    def wizard_state(self) -> WizardState | None:
        state = getattr(self.app, "state", None)
        return state if isinstance(state, WizardState) else None

    def current_profile(self) -> Profile:
        """The profile as this step shows it now (a step with inputs overrides it)."""
        state = self.wizard_state
        return state.profile if state is not None else Profile()

    def admin_center(self) -> str:
        return admin_center_url(self.current_profile(), self.STEP.name.lower())

    def copy_items(self) -> list[CopyItem]:
        """What this step offers to copy (never a secret); steps add theirs before the admin center's."""
        return [("Admin center", self.admin_center())]

    def action_copy(self) -> None:
        from screens.dialogs.copy import CopyDialog

        self.app.push_screen(CopyDialog(self.copy_items()))

    def action_admin_center(self) -> None:
        url = self.admin_center()
        self.notify(f"Opening {url}", title="Admin center")
        self.open_in_browser(url)

    @work(thread=True, exclusive=True, exit_on_error=False, group="browser")
    def open_in_browser(self, url: str) -> None:
        import webbrowser  # not before the first paint: it loads subprocess and shlex

        if not webbrowser.open(url):  # no browser (SSH, a container): the URL stays one copy away
            self.app.call_from_thread(
                self.notify, f"No browser could be opened here; ctrl+y copies it.\n{url}", severity="warning"
            )

    def action_settings(self) -> None:
        state = self.wizard_state
        if state is None:
            return
        from screens.dialogs.settings import SettingsDialog

        def saved(settings: Settings | None) -> None:
            if settings is not None:
                state.settings = settings
                self.notify(f"Settings saved: timeout {settings.timeout:g} s.")

        self.app.push_screen(SettingsDialog(state.settings), callback=saved)

    def action_save_profile(self) -> None:
        from screens.dialogs.save_profile import SaveProfileDialog

        profile = self.current_profile()
        state = self.wizard_state
        secret = state.secret if state is not None else None

        def named(request: SaveRequest | None) -> None:
            if request is not None:
                self._save_profile(profile, request, secret if request.keyring else None)

        dialog = SaveProfileDialog(profile.name or "daemon", has_secret=secret is not None)
        self.app.push_screen(dialog, callback=named)

    @work(thread=True, exclusive=True, exit_on_error=False, group="save-profile")
    def _save_profile(self, profile: Profile, request: SaveRequest, secret: Secret | None) -> None:
        from wizard.profile_store import save_profile

        written = save_profile(profile, name=request.name, force=request.replace)
        self.app.call_from_thread(
            self.notify, f"Profile {request.name} saved to {written.path} (no secret in it)."
        )
        if secret is not None:
            from wizard.secret_keyring import remember_secret

            backend = remember_secret(request.name, secret, allow_plaintext=request.plaintext)
            self.app.call_from_thread(self.notify, f"The secret is in the OS keyring ({backend}).")

    # --- Back and Next -------------------------------------------------------------------------------

    def action_back(self) -> None:
        self.dismiss(BACK)

    def action_next(self) -> None:
        if not self.acting:
            return
        result = self.result()
        if result is not None:
            self.dismiss(result)

    def result(self) -> T | None:
        """The step's value, or None (after telling the user why) when it cannot go on."""
        raise NotImplementedError
