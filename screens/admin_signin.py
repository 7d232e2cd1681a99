"""Admin sign-in: where (cloud, tenant, public client), then the browser (the URL shown, copyable, for SSH) or a
device code, waited for in a worker."""

from __future__ import annotations

import threading
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Footer, Header, Input, Label, LoadingIndicator, Select, Static

from screens.admin_services import AdminSession, AdminTarget, Opener, sign_in
from screens.locate import stylesheet
from screens.state import Step
from screens.step import StepScreen
from screens.widgets.stepbar import StepBar
from wizard.admin.signin import DeviceCodePrompt
from wizard.errors import ValidationError, WizardError


class AdminSignInScreen(StepScreen[AdminSession]):
    """Sign in as an administrator or app owner; returns the session (its token stays in memory)."""

    CSS_PATH = stylesheet("admin.tcss")

    STEP = Step.REGISTRATION
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("b", "browser", "Browser", id="admin.signin_browser"),
        Binding("d", "device_code", "Device code", id="admin.signin_device_code"),
        Binding("c", "copy", "Copy", id="admin.signin_copy", tooltip="Copy the sign-in URL or code"),
    ]

    def __init__(self, target: AdminTarget, *, opener: Opener | None = None, note: str = "") -> None:
        super().__init__()
        self.target = target
        self.opener = opener
        self.note = note
        self.session: AdminSession | None = None
        self.copyable = ""
        self._cancel = threading.Event()

    def compose(self) -> ComposeResult:
        yield Header()
        yield StepBar(self.STEP, note=self.note)
        with VerticalScroll(id="admin-signin-body"):
            yield Label("Sign in as an administrator (or the app's owner)", classes="heading")
            with Horizontal(id="signin-fields"):
                with Vertical():
                    yield Label("Cloud")
                    yield Select(
                        [(p.label, p.name) for p in self.target.places],
                        value=self.target.place.name,
                        allow_blank=False,
                        id="signin-cloud",
                    )
                with Vertical():
                    yield Label("Tenant (ID or domain)")
                    yield Input(self.target.tenant, placeholder="organizations", id="signin-tenant")
                with Vertical():
                    yield Label("Client ID (optional)")
                    yield Input(
                        self.target.client_given,
                        placeholder="yours, or `login bootstrap`'s",
                        id="signin-client-id",
                    )
            yield Static(self._about(self.target), id="signin-about", markup=False)
            with Horizontal(id="signin-buttons"):
                yield Button("Sign in with the browser", id="signin-browser", variant="primary")
                yield Button("Use a device code", id="signin-device")
            yield Static("", id="signin-prompt", classes="url", markup=False)
            yield LoadingIndicator(id="signin-waiting")
            yield Static("", id="signin-status", markup=False)
        yield Footer()

    @staticmethod
    def _about(target: AdminTarget) -> str:
        client = target.client
        lines = [
            f"Where: {target.label or target.authority} ({target.authority})",
            f"Public client: {client.client_id}" + ("" if client.own else " (Microsoft's, first contact)"),
            "The token stays in memory: it is gone when the wizard closes.",
        ]
        if client.notice:
            lines.append(client.notice.removeprefix("notice: "))
        return "\n".join(lines)

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#signin-waiting").display = False
        self.query_one("#signin-browser", Button).focus()  # b and d work at once; the fields are a tab away

    def chosen(self) -> AdminTarget:
        """The target the fields name (ValidationError with the field and its fix when one is wrong)."""
        name = self.query_one("#signin-cloud", Select).value
        place = next((p for p in self.target.places if p.name == name), self.target.place)
        return AdminTarget.choose(
            place,
            tenant=self.query_one("#signin-tenant", Input).value,
            client_id=self.query_one("#signin-client-id", Input).value,
            places=self.target.places,
        )

    def _check_fields(self) -> AdminTarget | None:
        try:
            target = self.chosen()
        except ValidationError as exc:
            text = f"Check the fields: {exc.title}" + (f"\n{exc.hint}" if exc.hint else "")
            self.query_one("#signin-about", Static).update(text)
            return None
        self.query_one("#signin-about", Static).update(self._about(target))
        return target

    def on_input_changed(self, event: Input.Changed) -> None:
        self._check_fields()

    def on_select_changed(self, event: Select.Changed) -> None:
        self._check_fields()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "signin-browser":
            self.action_browser()
        elif event.button.id == "signin-device":
            self.action_device_code()

    def action_browser(self) -> None:
        self._start(device_code=False)

    def action_device_code(self) -> None:
        self._start(device_code=True)

    def action_copy(self) -> None:
        if self.copyable:
            self.app.copy_to_clipboard(self.copyable)
            self.notify("Copied to the clipboard.")

    def _start(self, *, device_code: bool) -> None:
        target = self._check_fields()
        if target is None:
            self.query_one("#signin-status", Static).update("Fix the field named above, then sign in.")
            return
        self.target = target
        self._cancel.set()  # a sign-in already waiting gives way to this one
        self._cancel = threading.Event()
        self.query_one("#signin-prompt", Static).update("")
        self.query_one("#signin-status", Static).update("Starting the sign-in…")
        self.query_one("#signin-waiting").display = True
        self._sign_in(device_code, self._cancel)

    @work(thread=True, exclusive=True, exit_on_error=False, group="admin-signin")
    def _sign_in(self, device_code: bool, cancel: threading.Event) -> None:
        try:
            session = sign_in(
                self.target,
                device_code=device_code,
                on_url=lambda url: self.app.call_from_thread(self._show_url, url),
                on_code=lambda prompt: self.app.call_from_thread(self._show_code, prompt),
                cancel=cancel,
                opener=self.opener,
            )
        except WizardError as exc:
            if not cancel.is_set():
                self.app.call_from_thread(self._failed, exc)
            return
        if not cancel.is_set():
            self.app.call_from_thread(self._signed_in, session)

    def _show_url(self, url: str) -> None:
        if not self.is_mounted:
            return
        self.copyable = url
        self.query_one("#signin-prompt", Static).update(
            f"Your browser should open. If it does not (over SSH), open this URL (c copies it):\n{url}"
        )
        self.query_one("#signin-status", Static).update("Waiting for the sign-in in the browser…")

    def _show_code(self, prompt: DeviceCodePrompt) -> None:
        if not self.is_mounted:
            return
        self.copyable = prompt.user_code
        self.query_one("#signin-prompt", Static).update(
            f"On any device, open {prompt.verification_uri}\nand enter the code  {prompt.user_code}"
        )
        self.query_one("#signin-status", Static).update("Waiting for the sign-in on the other device…")

    def _failed(self, exc: WizardError) -> None:
        if not self.is_mounted:
            return
        self.query_one("#signin-waiting").display = False
        text = f"Sign-in failed: {exc.title}"
        if exc.hint:
            text += f"\n{exc.hint}"
        self.query_one("#signin-status", Static).update(text)

    def _signed_in(self, session: AdminSession) -> None:
        if not self.is_mounted:
            return
        self.session = session
        self.query_one("#signin-waiting").display = False
        self.query_one("#signin-status", Static).update(f"Signed in: {session.who}. ctrl+n for the plan.")
        self.notify(f"Signed in as {session.token.identity.user}.")

    def action_back(self) -> None:
        self._cancel.set()
        super().action_back()

    def on_unmount(self) -> None:
        # Quitting while a sign-in waits (the app closing, or the screen replaced) ends that wait at once:
        # the worker's thread would otherwise hold the wizard's exit until the sign-in times out.
        self._cancel.set()

    def result(self) -> AdminSession | None:
        if self.session is None:
            self.notify("Sign in first (b: browser, d: device code).", severity="warning")
        return self.session
