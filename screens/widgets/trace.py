"""The live step trace: one row per HTTP exchange, with its timing; bodies stay redacted by the live package."""

from __future__ import annotations

from textual.widgets import DataTable

from screens.services import TraceStep


class TraceTable(DataTable[str]):
    """Rows are appended as exchanges arrive; the newest stays in view."""

    DEFAULT_CSS = """
    TraceTable { height: 1fr; }
    """

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.add_columns("step", "status", "ms", "request")

    def add_step(self, step: TraceStep) -> None:
        if not step.method:  # a note: a step without an HTTP exchange
            status = "·"
        else:
            status = str(step.status) if step.status is not None else (step.error or "failed")
        self.add_row(step.step, status, f"{step.duration_ms:.0f}", f"{step.method} {step.url}")
        self.move_cursor(row=self.row_count - 1)
