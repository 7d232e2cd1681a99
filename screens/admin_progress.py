"""Apply's progress, one row per step as apply reports it; then the result, and Next goes to the token test."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Footer, Header, LoadingIndicator, Static

from screens.admin_services import AdminSession, apply_plan
from screens.locate import stylesheet
from screens.state import Step
from screens.step import StepScreen
from screens.widgets.stepbar import StepBar
from wizard.errors import WizardError

if TYPE_CHECKING:
    from screens.admin_federated import TokenSource
    from wizard.admin.apply import ApplyResult, ProgressEvent
    from wizard.admin.registration import RegistrationPlan

Runner = Callable[[Callable[["ProgressEvent"], None]], "ApplyResult"]
#: How each progress status reads on the screen.
WORDS = {
    "start": "running…",
    "done": "done",
    "skipped": "in place",
    "waiting": "waiting",
    "failed": "FAILED",
    "unproven": "not proven",
}


class AdminProgressScreen(StepScreen["ApplyResult"]):
    """Runs apply in a thread worker as soon as it is shown; the table fills in from its progress events."""

    CSS_PATH = stylesheet("admin.tcss")

    STEP = Step.CONSENT

    def __init__(
        self,
        session: AdminSession,
        plan: RegistrationPlan,
        *,
        folder: Path,
        note: str = "",
        runner: Runner | None = None,
        token: TokenSource | None = None,
    ) -> None:
        super().__init__()
        self.session = session
        self.plan = plan
        self.folder = folder
        self.note = note
        #: What applies the plan (reporting progress); the real apply unless a test passes another.
        self.runner: Runner = runner or (
            lambda progress: apply_plan(
                self.session, self.plan, folder=self.folder, progress=progress, token=token
            )
        )
        self.outcome: ApplyResult | None = None
        self._rows: dict[tuple[str, str], object] = {}
        self.running = True

    def compose(self) -> ComposeResult:
        yield Header()
        yield StepBar(self.STEP, note=self.note)
        with Vertical(id="admin-progress-body"):
            yield Static(
                f"Applying the plan for {self.plan.request.name or self.plan.request.app_id} as {self.session.who}",
                markup=False,
            )
            yield DataTable(id="progress-steps", cursor_type="none", zebra_stripes=True)
            yield LoadingIndicator(id="progress-running")
            yield Static("", id="progress-status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        super().on_mount()
        table = self.query_one("#progress-steps", DataTable)
        self._columns = table.add_columns("Step", "Target", "Status", "Detail")
        self._apply()

    @work(thread=True, exclusive=True, exit_on_error=False, group="admin-apply")
    def _apply(self) -> None:
        try:
            result = self.runner(lambda event: self.app.call_from_thread(self._event, event))
        except WizardError as exc:
            self.app.call_from_thread(self._failed, exc)
            return
        finally:
            self.running = False  # any other failure is the step's error dialog; Back works again
        self.app.call_from_thread(self._finished, result)

    def _event(self, event: ProgressEvent) -> None:
        if not self.is_mounted:
            return
        table = self.query_one("#progress-steps", DataTable)
        key = (event.step, event.target)
        status = WORDS.get(event.status, event.status)
        if key in self._rows:
            row = self._rows[key]
            table.update_cell(row, self._columns[2], status)  # type: ignore[arg-type]
            table.update_cell(row, self._columns[3], event.detail)  # type: ignore[arg-type]
        else:
            self._rows[key] = table.add_row(event.step, event.target, status, event.detail)

    def _failed(self, exc: WizardError) -> None:
        self.running = False
        if not self.is_mounted:
            return
        self.query_one("#progress-running").display = False
        self.query_one("#progress-status", Static).update(f"Apply stopped: {exc.title}\n{exc.hint or ''}")

    def _finished(self, result: ApplyResult) -> None:
        self.running = False
        if not self.is_mounted:
            return
        self.outcome = result
        self.query_one("#progress-running").display = False
        lines = [f"App (client) ID: {result.client_id}", f"Tenant: {result.tenant_id}"]
        if result.secret_masked:
            lines.append(f"New secret: {result.secret_masked}, written once to {result.secret_file} (0600)")
        for finding in result.findings:
            lines.append(f"{finding.code}: {finding.title}")
            if finding.fix:
                lines.append(f"  fix: {finding.fix}")
        lines.append(
            "Done: ctrl+n runs the token test on the new app, already configured."
            if result.ok and result.client_id
            else "Not everything was applied: read the findings above."
        )
        self.query_one("#progress-status", Static).update("\n".join(lines))

    def allows(self, action: str) -> bool | None:
        if action == "back":  # apply cannot stop half way: leaving waits for its end
            return not self.running
        if action == "next":
            return True if self.outcome is not None and self.outcome.client_id else None
        return True

    def result(self) -> ApplyResult | None:
        return self.outcome if self.outcome is not None and self.outcome.client_id else None
