"""The registration plan: each step in place, to do, or not allowed for your role; Apply after confirmation."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Checkbox, DataTable, Footer, Header, Input, Label, Select, Static

from screens.admin_federated import CREDENTIALS, TokenSource, federated_request, token_source
from screens.admin_services import STATUS_WORDS, AdminSession, make_plan
from screens.dialogs.confirm import ConfirmDialog
from screens.federated_tab import FederatedPane
from screens.locate import stylesheet
from screens.state import Step
from screens.step import StepScreen
from screens.widgets.stepbar import StepBar
from screens.widgets.ticks import TickBox
from wizard.errors import WizardError
from wizard.profile import CredentialKind, Profile

if TYPE_CHECKING:
    from wizard.admin.plan_federated import FederatedRequest
    from wizard.admin.registration import RegistrationPlan, RegistrationRequest

DEFAULT_ROLES = "User.Read.All"


class AdminPlanScreen(StepScreen["RegistrationPlan"]):
    """Read the tenant (p), show the plan, and Apply (a) once the person confirmed it."""

    CSS_PATH = stylesheet("admin.tcss")

    STEP = Step.CREDENTIAL
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+r", "plan", "Plan", id="admin.plan"),
        Binding("ctrl+g", "apply", "Apply", id="admin.apply"),
    ]

    def __init__(
        self,
        session: AdminSession,
        *,
        name: str = "",
        roles: str = DEFAULT_ROLES,
        note: str = "",
        request: RegistrationRequest | None = None,
        federated: Profile | None = None,
        planner: Callable[[RegistrationRequest], RegistrationPlan] | None = None,
    ) -> None:
        super().__init__()
        #: The credential step's Federated choice (issuer, subject, token source), if it made one.
        self.federated = federated if federated and federated.credential is CredentialKind.FEDERATED else None
        #: Where the proof's external token comes from (read with the plan; the progress screen passes it on).
        self.token_source = TokenSource()
        #: "Fix it now": the request is given (the app adopted by appId); the plan is read at once.
        self.fixed = request
        self.session = session
        self.initial_name = name
        self.initial_roles = roles
        self.note = note
        self.plan: RegistrationPlan | None = None
        #: What reads the plan of a given request; the tenant through Graph unless a test passes another.
        self.planner: Callable[[RegistrationRequest], RegistrationPlan] = planner or (
            lambda wanted: make_plan(self.session, request=wanted)
        )
        self._summary: list[str] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield StepBar(self.STEP, note=self.note)
        with VerticalScroll(id="admin-plan-body"):
            yield Static(f"Signed in: {self.session.who}", id="plan-who", markup=False)
            with Horizontal(classes="plan-fields"):
                with Vertical():
                    yield Label("The app's unique name")
                    yield Input(self.initial_name, placeholder="edw-orders-daemon", id="plan-name")
                with Vertical():
                    yield Label("Application permissions (comma-separated)")
                    yield Input(self.initial_roles, id="plan-roles")
            with Horizontal(classes="plan-fields"):
                yield Label("Credential ", classes="plan-label")
                yield Select(
                    [(label, value) for value, label in CREDENTIALS],
                    value="federated" if self.federated else "secret",
                    allow_blank=False,
                    id="plan-credential",
                )
            yield FederatedPane(self.federated or Profile())
            if self.fixed is not None and self.fixed.credential in ("secret", "certificate"):
                # Add-only unless asked: rotation adds, proves a token with the new one, then removes the old.
                yield TickBox(
                    "Rotate: remove the old credentials once a token proves the new one",
                    self.fixed.rotate,
                    id="plan-rotate",
                )
            with Horizontal(id="plan-buttons"):
                yield Button("Plan", id="plan-read")
                yield Button("Apply", id="plan-apply", variant="primary", disabled=True)
            yield DataTable(id="plan-steps", cursor_type="row", zebra_stripes=True)
            yield Static(
                "Give a unique name, then Plan (ctrl+r): nothing changes until you Apply.",
                id="plan-status",
                markup=False,
            )
        yield Footer()

    def on_mount(self) -> None:
        super().on_mount()
        table = self.query_one("#plan-steps", DataTable)
        table.add_columns("Status", "Step", "Target", "Needs", "Why")
        self.query_one(FederatedPane).display = self.federated is not None
        if self.fixed is not None:
            name, roles = self.query_one("#plan-name", Input), self.query_one("#plan-roles", Input)
            name.value, roles.value = self.fixed.app_id or self.fixed.name or "", ", ".join(self.fixed.roles)
            name.disabled = roles.disabled = True
            self.query_one("#plan-credential", Select).disabled = True
            self.query_one("#plan-status", Static).update("Reading the tenant…")
            self._read_request(self.fixed)
            return
        self.query_one("#plan-name", Input).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "plan-read":
            self.action_plan()
        elif event.button.id == "plan-apply":
            self.action_apply()

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        if event.checkbox.id != "plan-rotate" or self.fixed is None or event.value == self.fixed.rotate:
            return
        self.fixed = replace(self.fixed, rotate=event.value)
        self.plan = None
        self.query_one("#plan-apply", Button).disabled = True
        self.query_one("#plan-status", Static).update("Reading the tenant…")
        self._read_request(self.fixed)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.action_plan()

    def on_input_changed(self, event: Input.Changed) -> None:
        # A plan is for the name, roles and credential it was read with: editing them asks for a new one.
        self._stale()

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "plan-credential":
            self.query_one(FederatedPane).display = self.credential == "federated"
        self._stale()

    def _stale(self) -> None:
        if self.plan is not None and self.fixed is None:
            self.plan = None
            self.query_one("#plan-apply", Button).disabled = True
            self.query_one("#plan-status", Static).update("Changed: Plan again before applying.")

    @property
    def credential(self) -> str:
        value = self.query_one("#plan-credential", Select).value
        return value if isinstance(value, str) else "secret"

    def federated_choice(self) -> FederatedRequest | None:
        """The Federated tab's credential (and its token source), or None with the reason shown."""
        profile, why = self.query_one(FederatedPane).result()
        wanted = (
            federated_request(profile, graph_url=self.session.target.graph_url)
            if profile is not None
            else why
        )
        if isinstance(wanted, str):
            self.query_one("#plan-status", Static).update(f"Federated credential: {wanted}")
            return None
        assert profile is not None
        self.token_source = token_source(profile)
        return wanted

    def action_plan(self) -> None:
        name = self.query_one("#plan-name", Input).value.strip()
        roles = tuple(r.strip() for r in self.query_one("#plan-roles", Input).value.split(",") if r.strip())
        if not name:
            self.query_one("#plan-status", Static).update("Give the app's unique name first.")
            self.query_one("#plan-name", Input).focus()
            return
        federated = None
        if self.credential == "federated":
            federated = self.federated_choice()
            if federated is None:
                return
        self.query_one("#plan-status", Static).update("Reading the tenant…")
        self._read(name, roles, federated)

    @work(thread=True, exclusive=True, exit_on_error=False, group="admin-plan")
    def _read_request(self, request: RegistrationRequest) -> None:
        try:
            plan = self.planner(request)
        except WizardError as exc:
            self.app.call_from_thread(self._failed, exc)
            return
        self.app.call_from_thread(self._show_for, request, plan)

    def _show_for(self, request: RegistrationRequest, plan: RegistrationPlan) -> None:
        if request == self.fixed:  # a plan read before the rotation box changed is not shown
            self._show(plan)

    @work(thread=True, exclusive=True, exit_on_error=False, group="admin-plan")
    def _read(self, name: str, roles: tuple[str, ...], federated: FederatedRequest | None) -> None:
        try:
            plan = make_plan(self.session, name=name, roles=roles, federated=federated)
        except WizardError as exc:
            self.app.call_from_thread(self._failed, exc)
            return
        self.app.call_from_thread(self._show, plan)

    def _failed(self, exc: WizardError) -> None:
        if self.is_mounted:
            self.query_one("#plan-status", Static).update(
                f"The plan could not be read: {exc.title}\n{exc.hint or ''}"
            )

    def _show(self, plan: RegistrationPlan) -> None:
        if not self.is_mounted:
            return
        self.plan = plan
        table = self.query_one("#plan-steps", DataTable)
        table.clear()
        for step in plan.steps:
            table.add_row(
                STATUS_WORDS.get(step.status, step.status),
                step.action,
                step.target,
                step.role or "-",
                step.reason,
            )
        todo = sum(1 for s in plan.steps if s.status == "todo")
        blocked = len(plan.blocked)
        summary = f"{todo} to do, {sum(1 for s in plan.steps if s.status == 'done')} in place"
        lines = [summary + ". Apply (ctrl+g) asks before it changes anything."]
        if self.fixed is not None:  # a fix is one or two steps: what each does, whole
            lines += [f"to do: {s.action}: {s.reason}" for s in plan.steps if s.status == "todo"]
        for step in plan.blocked:  # the table cuts long reasons: the refusals are spelled out here
            lines.append(f"not allowed for your role: {step.action} {step.target}: {step.reason}")
        if blocked:
            lines.append(
                "Sign in as someone who holds the role named for those steps, or apply the rest now."
            )
        self._summary = lines
        self._status_with_request(table.cursor_row)
        self.query_one("#plan-apply", Button).disabled = todo == 0

    def _status_with_request(self, row: int) -> None:
        """The plan's summary, and the Graph request the highlighted step sends (ctrl+y copies it)."""
        lines = list(self._summary)
        if self.plan is not None and 0 <= row < len(self.plan.steps):
            step = self.plan.steps[row]
            if step.request:
                sends = "sent" if step.status == "done" else "sends"
                lines.append(f"{step.action} {sends}: {step.request}")
        self.query_one("#plan-status", Static).update("\n".join(lines))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "plan-steps" and self.plan is not None:
            self._status_with_request(event.cursor_row)

    def copy_items(self) -> list[tuple[str, str]]:
        """Each step's Graph request still to send, then the admin center's link."""
        steps = self.plan.steps if self.plan is not None else []
        mine = [(f"{s.action} ({s.target})", s.request) for s in steps if s.request and s.status != "done"]
        return [*mine, *super().copy_items()]

    def allows(self, action: str) -> bool | None:
        if action == "apply":
            return True if self.plan is not None else None
        return True

    def action_apply(self) -> None:
        if self.plan is None:
            return
        self._confirm(self.plan)

    @work(exclusive=True, exit_on_error=False, group="admin-confirm")
    async def _confirm(self, plan: RegistrationPlan) -> None:
        todo = [s for s in plan.steps if s.status == "todo"]
        question = (
            f"Apply {len(todo)} change(s) to tenant {plan.tenant_id} as {self.session.token.identity.user}?\n"
            + "\n".join(f"  {s.action}: {s.target}" for s in todo[:8])
        )
        if plan.blocked:
            question += f"\n{len(plan.blocked)} step(s) will be refused: not allowed for your role."
        if await self.app.push_screen_wait(ConfirmDialog(question, yes="Apply")):
            self.dismiss(plan)

    def result(self) -> RegistrationPlan | None:
        if self.plan is None:
            self.notify("Plan first (ctrl+r), then Apply (ctrl+g).", severity="warning")
            return None
        self.action_apply()
        return None
