""" "Fix it now" for a federated mismatch: the plan (the one credential to create or update, read from Graph at
once), Apply after confirmation, the write and the diff read back; then Next runs the token test again."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, DataTable, Footer, Header, Static

from screens.admin_fic_services import fic_fix_apply, fic_fix_plan
from screens.admin_services import AdminSession
from screens.dialogs.confirm import ConfirmDialog
from screens.locate import stylesheet
from screens.state import Step
from screens.step import StepScreen
from screens.widgets.stepbar import StepBar
from wizard.errors import WizardError
from wizard.profile import Profile

if TYPE_CHECKING:
    from wizard.admin.fic_fix import FicFixPlan, FicFixResult


class FicFixScreen(StepScreen["FicFixResult"]):
    """Reads the plan as it opens; Apply (ctrl+g) asks, then writes; Next (once written) goes to the test."""

    STEP = Step.DIAGNOSIS
    CSS_PATH = stylesheet("admin.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+g", "apply", "Apply", id="admin.fic_apply"),
    ]

    def __init__(
        self,
        session: AdminSession,
        profile: Profile,
        *,
        note: str = "",
        planner: Callable[[], FicFixPlan] | None = None,
    ) -> None:
        super().__init__()
        self.session = session
        self.profile = profile
        self.note = note
        #: What reads the plan; Graph with the admin's token unless a test passes another.
        self.planner: Callable[[], FicFixPlan] = planner or (lambda: fic_fix_plan(self.session, self.profile))
        self.plan: FicFixPlan | None = None
        self.outcome: FicFixResult | None = None
        self.running = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield StepBar(self.STEP, note=self.note)
        with VerticalScroll(id="fic-fix-body"):
            yield Static(f"Signed in: {self.session.who}", id="fic-fix-who", markup=False)
            with Horizontal(id="fic-fix-buttons"):
                yield Button("Apply", id="fic-fix-apply", variant="primary", disabled=True)
            yield DataTable(id="fic-fix-steps", cursor_type="none", zebra_stripes=True)
            yield Static("Reading the app's federated credentials…", id="fic-fix-status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#fic-fix-steps", DataTable).add_columns("Status", "Step", "Target", "Needs", "Why")
        self._read()

    def _status(self, text: str) -> None:
        if self.is_mounted:
            self.query_one("#fic-fix-status", Static).update(text)

    @work(thread=True, exclusive=True, exit_on_error=False, group="admin-fic-plan")
    def _read(self) -> None:
        try:
            plan = self.planner()
        except WizardError as exc:
            self.app.call_from_thread(
                self._status, f"The plan could not be read: {exc.title}\n{exc.hint or ''}"
            )
            return
        self.app.call_from_thread(self._show, plan)

    def _show(self, plan: FicFixPlan) -> None:
        if not self.is_mounted:
            return
        self.plan = plan
        wanted = plan.wanted
        self.query_one("#fic-fix-steps", DataTable).add_row(
            "to do",
            f"{plan.verb} federated credential",
            wanted.name,
            "Application.ReadWrite.All; owner or Application Administrator",
            f"issuer {wanted.issuer}, subject {wanted.subject}, audience {', '.join(wanted.audiences)}",
        )
        closest = plan.result.closest
        lines = [
            f"App: {plan.app.display_name or plan.app.app_id} ({len(plan.app.credentials)} federated "
            "credential(s), at most 20).",
            f"Closest credential: {closest.credential.name}." if closest is not None else "It has none.",
            f"{plan.request}",
            f"  issuer:   {wanted.issuer}",
            f"  subject:  {wanted.subject}",
            f"  audience: {', '.join(wanted.audiences)}",
            "Needs Application.ReadWrite.All, and ownership of the app or Application Administrator.",
            "1 to do. Apply (ctrl+g) asks before it changes anything.",
        ]
        self._status("\n".join(lines))
        self.query_one("#fic-fix-apply", Button).disabled = False

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "fic-fix-apply":
            self.action_apply()

    def action_apply(self) -> None:
        if self.plan is not None and self.outcome is None and not self.running:
            self._confirm(self.plan)

    @work(exclusive=True, exit_on_error=False, group="admin-confirm")
    async def _confirm(self, plan: FicFixPlan) -> None:
        question = (
            f"Apply 1 change to tenant {self.session.token.identity.tenant_id} as "
            f"{self.session.token.identity.user}?\n  {plan.verb} federated credential: {plan.wanted.name}"
        )
        if await self.app.push_screen_wait(ConfirmDialog(question, yes="Apply")):
            self.running = True
            self.query_one("#fic-fix-apply", Button).disabled = True
            self._status(f"Writing the federated credential {plan.wanted.name}…")
            self._write(plan)

    @work(thread=True, exclusive=True, exit_on_error=False, group="admin-fic-apply")
    def _write(self, plan: FicFixPlan) -> None:
        try:
            result = fic_fix_apply(self.session, plan)
        except WizardError as exc:
            self.app.call_from_thread(self._write_failed, exc)
            return
        self.app.call_from_thread(self._written, result)

    def _write_failed(self, exc: WizardError) -> None:
        self.running = False
        self._status(f"Nothing written: {exc.title}\n{exc.hint or ''}")
        if self.is_mounted:
            self.query_one("#fic-fix-apply", Button).disabled = False

    def _written(self, result: FicFixResult) -> None:
        self.running = False
        self.outcome = result
        action = "created" if result.written.created else "updated"
        matched = (
            "the token now matches it"
            if result.matched
            else "the token still matches no credential (read the diff again)"
        )
        self._status(
            f"{action} {result.written.credential.name!r}; {matched}.\n"
            "Done: ctrl+n runs the token test again (a new credential can take a minute to be live)."
        )

    def allows(self, action: str) -> bool | None:
        if action == "back":
            return not self.running
        if action == "next":
            return True if self.outcome is not None else None
        if action == "apply":
            return True if self.plan is not None and self.outcome is None else None
        return True

    def result(self) -> FicFixResult | None:
        return self.outcome
