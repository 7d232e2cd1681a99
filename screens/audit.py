"""The audit view: every credential of the tenant's app registrations and service principals in a sortable,
filterable table, and the credentials expiring per month (`daemon-wizard audit` in the TUI)."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Static, TabbedContent, TabPane
from textual.worker import Worker, WorkerState

from screens.audit_data import COLUMNS, AuditView, CredentialRow, read_sandbox_audit
from screens.locate import stylesheet

Reader = Callable[[], AuditView]
#: Fixed column widths (the table scrolls sideways on a narrow terminal; long app names are cut).
WIDTHS = (24, 16, 11, 8, 4, 10, 8, 48)


def chart_text(view: AuditView, *, width: int = 40) -> str:
    from wizard.audit.render import chart

    return "\n".join(chart(list(view.months), width=width))


class AuditScreen(Screen[None]):
    """Reads the tenant in a worker; the table sorts on a header click and filters as you type."""

    CSS_PATH = stylesheet("audit.tcss")

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Back", id="audit.close"),
        Binding("ctrl+r", "reload", "Read again", id="audit.reload"),
        Binding("ctrl+f", "filter", "Filter", id="audit.filter"),
    ]

    def __init__(self, *, reader: Reader | None = None, scenario: str | None = None) -> None:
        super().__init__()
        self.reader: Reader = reader or (lambda: read_sandbox_audit(scenario))
        self.view: AuditView | None = None
        self._sort: tuple[str, bool] = ("", False)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Reading the sandbox tenant's credentials…", id="audit-summary", markup=False)
        with TabbedContent(id="audit-tabs"):
            with TabPane("Credentials", id="audit-credentials"):
                yield Input(placeholder="Filter: app, kind, status, finding…", id="audit-filter")
                yield DataTable(id="audit-table", zebra_stripes=True, cursor_type="row")
            with TabPane("Expiring per month", id="audit-months"):
                yield Static("", id="audit-chart", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#audit-table", DataTable)
        for name, width in zip(COLUMNS, WIDTHS, strict=True):
            table.add_column(name, key=name, width=width)
        self._read()

    @work(thread=True, exclusive=True, exit_on_error=False, group="audit")
    def _read(self) -> AuditView:
        return self.reader()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "audit":
            return
        summary = self.query_one("#audit-summary", Static)
        if event.state is WorkerState.SUCCESS and isinstance(event.worker.result, AuditView):
            self.view = event.worker.result
            summary.update(self.view.summary)
            self.query_one("#audit-chart", Static).update(chart_text(self.view))
            self._fill()
        elif event.state is WorkerState.ERROR:
            error = event.worker.error
            title = getattr(error, "title", None) or type(error).__name__
            hint = getattr(error, "hint", None)
            summary.update(f"The audit could not read the tenant: {title}" + (f" ({hint})" if hint else ""))

    def _rows(self) -> list[CredentialRow]:
        if self.view is None:
            return []
        text = self.query_one("#audit-filter", Input).value
        rows = [r for r in self.view.rows if r.matches(text)]
        column, reverse = self._sort
        if column:
            index = COLUMNS.index(column)
            rows.sort(key=lambda r: r.cells()[index].lower(), reverse=reverse)
        return rows

    def _fill(self) -> None:
        table = self.query_one("#audit-table", DataTable)
        table.clear()
        for row in self._rows():
            table.add_row(*row.cells())

    @on(Input.Changed, "#audit-filter")
    def _filtered(self) -> None:
        self._fill()

    @on(DataTable.HeaderSelected, "#audit-table")
    def _sorted(self, event: DataTable.HeaderSelected) -> None:
        column = str(event.column_key.value)
        same = self._sort[0] == column
        self._sort = (column, not self._sort[1] if same else False)
        self._fill()

    def action_filter(self) -> None:
        self.query_one(TabbedContent).active = "audit-credentials"
        self.query_one("#audit-filter", Input).focus()

    def action_reload(self) -> None:
        self.query_one("#audit-summary", Static).update("Reading the sandbox tenant's credentials…")
        self._read()

    def action_close(self) -> None:
        self.dismiss(None)
