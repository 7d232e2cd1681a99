"""Step 4: the app roles the API call needs, what is already granted (read in a worker), the admin-consent
URL, who can approve; one key on the sandbox."""

from __future__ import annotations

import webbrowser
from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, Label, Static
from textual.worker import Worker, WorkerState

from screens.locate import stylesheet
from screens.services import required_roles
from screens.state import Step
from screens.step import StepScreen
from screens.widgets.stepbar import StepBar
from wizard.consent import consent_links
from wizard.profile import Profile

if TYPE_CHECKING:
    from wizard.grants import GrantReport

#: Reads what the app already holds on the resource (blocking: the screen runs it in a thread worker).
GrantsReader = Callable[[], "GrantReport"]
READING = "Reading what is already granted…"
ASK = (
    "Press g to read what is already granted: with the app's own credential (it asks Entra for a token "
    "and reads Graph if the app may), or the admin's sign-in on the admin path."
)


class ConsentScreen(StepScreen[Profile]):
    """Shows what to consent to and how; Next goes on to the token test."""

    CSS_PATH = stylesheet("wizard.tcss")

    STEP = Step.CONSENT
    #: At 80 columns: the theme, then Open (c copies the URL) leave the footer first; both stay bound.
    FOOTER_SPARE = ("toggle_theme", "open_url", "read_grants")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "copy_url", "Copy URL", id="wizard.copy_consent"),
        Binding(
            "o", "open_url", "Open", id="wizard.open_consent", tooltip="Open the consent URL in a browser"
        ),
        Binding("a", "approve", "Approve", id="wizard.approve", tooltip="Grant admin consent on the sandbox"),
        Binding(
            "g",
            "read_grants",
            "Granted?",
            id="wizard.read_grants",
            tooltip="Read what the app is already granted (admin sign-in, or the app's own credential)",
        ),
    ]

    INLINE_FAILURES: ClassVar[frozenset[str]] = frozenset({"grants"})

    def __init__(
        self,
        profile: Profile,
        *,
        approve: Callable[[str], None] | None = None,
        note: str = "",
        grants: GrantsReader | None = None,
        read_now: bool = False,
    ) -> None:
        super().__init__()
        self.profile = profile
        #: Set on the sandbox: grants admin consent for a client ID.
        self.approve = approve
        self.note = note
        self.links = consent_links(profile)
        #: Set by the flow: what is already granted, from the admin's sign-in or the app's own credential.
        self.grants = grants
        #: Read at once (the sandbox, an admin signed in); otherwise on g, so nothing leaves unasked.
        self.read_now = read_now
        self.grant_report: GrantReport | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield StepBar(self.STEP, note=self.note)
        with VerticalScroll(id="consent-body"):
            yield Label("Application permissions (app roles) needed", classes="heading")
            yield Static(self._roles_text(), id="roles", markup=False)
            if self.grants is not None:
                yield Label("Already granted", classes="heading")
                yield Static(READING if self.read_now else ASK, id="granted", markup=False)
            yield Static("", id="consent-status", markup=False)
            yield Label("Admin-consent URL (v2.0)", classes="heading")
            yield Static(self.links.v2, id="consent-url", classes="url", markup=False)
            yield Label("Classic form", classes="heading")
            yield Static(self.links.classic, id="consent-classic", classes="url", markup=False)
            yield Label("Who can approve", classes="heading")
            yield Static(self.links.who_can_consent, markup=False)
            yield Static(self.links.what_they_see, markup=False)
        yield Footer()

    def _roles_text(self) -> str:
        needs = required_roles(self.profile)
        if not needs:
            return "No known app role for this call; check the API's documentation."
        lines = []
        for need in needs:
            others = f" (also accepted: {', '.join(need.roles[1:3])})" if len(need.roles) > 1 else ""
            lines.append(f"{need.call}: {need.roles[0]}{others}")
            lines.append(
                "  Add it under API permissions > Add a permission > Application permissions, "
                "then grant admin consent."
            )
        return "\n".join(lines)

    def on_mount(self) -> None:
        super().on_mount()
        if self.grants is not None and self.read_now:
            self._read_grants(self.grants)

    def action_read_grants(self) -> None:
        if self.grants is None:
            return
        self.query_one("#granted", Static).update(READING)
        self._read_grants(self.grants)

    @work(thread=True, exclusive=True, exit_on_error=False, group="grants")
    def _read_grants(self, reader: GrantsReader) -> None:
        report = reader()
        self.app.call_from_thread(self._show_grants, report)

    def _show_grants(self, report: GrantReport) -> None:
        if not self.is_mounted:  # the user moved on while Graph was read
            return
        self.grant_report = report
        shown = self.query_one("#granted", Static)
        shown.update("\n".join(report.lines()))
        shown.set_class(report.complete, "-complete")
        shown.set_class(report.readable and not report.complete, "-missing")
        shown.set_class(not report.readable, "-unread")

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # Textual calls StepScreen's handler too (handlers run along the MRO): other groups' failures go there.
        if event.state is WorkerState.ERROR and event.worker.group == "grants" and self.is_mounted:
            state = self.wizard_state
            text = f"What is already granted could not be read: {event.worker.error}"
            shown = self.query_one("#granted", Static)
            shown.update(state.scrub(text) if state else text)
            shown.set_class(True, "-unread")

    def current_profile(self) -> Profile:
        return self.profile

    def copy_items(self) -> list[tuple[str, str]]:
        return [
            ("Admin-consent URL", self.links.v2),
            ("Admin-consent URL (classic)", self.links.classic),
            *super().copy_items(),
        ]

    def allows(self, action: str) -> bool | None:
        if action == "approve":
            return self.approve is not None
        if action == "read_grants":
            return self.grants is not None
        return True

    def action_copy_url(self) -> None:
        self.app.copy_to_clipboard(self.links.v2)
        self.notify("Consent URL copied to the clipboard.")

    def action_open_url(self) -> None:
        self._open(self.links.v2)

    @work(thread=True, exclusive=True, exit_on_error=False, group="browser")
    def _open(self, url: str) -> None:
        if not webbrowser.open(url):  # no browser here (a server, SSH, a container): say so, show the URL
            self.app.call_from_thread(self._no_browser, url)

    def _no_browser(self, url: str) -> None:
        if not self.is_mounted:
            return
        self.query_one("#consent-status", Static).update(
            f"No browser could be opened here. Open this URL in a browser (c copies it):\n{url}"
        )
        self.notify("No browser could be opened; the URL is shown above.", severity="warning")

    def action_approve(self) -> None:
        if self.approve is None:
            return
        self._approve(self.approve, self.profile.client_id)

    @work(thread=True, exclusive=True, exit_on_error=False, group="consent")
    def _approve(self, approve: Callable[[str], None], client_id: str) -> None:
        approve(client_id)
        self.app.call_from_thread(self._approved)

    def _approved(self) -> None:
        if not self.is_mounted:  # the user moved on while the sandbox was granting it
            return
        self.query_one("#consent-status", Static).update("Admin consent granted on the sandbox tenant.")
        self.notify("Admin consent granted.")
        if self.grants is not None:  # read again: the grant is there now
            self.action_read_grants()

    def result(self) -> Profile | None:
        return self.profile
