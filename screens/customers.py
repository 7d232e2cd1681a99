"""The customers view of a multi-tenant (ISV) daemon: one row per customer tenant, its consent URL to copy,
and a check of every tenant in a worker (`daemon-wizard customers` in the CLI)."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Label, Select, Static
from textual.worker import Worker, WorkerState

from screens.footer_fit import fit_footer
from screens.locate import stylesheet

if TYPE_CHECKING:
    from textual.binding import ActiveBinding

from wizard.customers import CheckResult, CustomerBook, CustomerRow, check_customers, consent_url, load_book
from wizard.errors import WizardError
from wizard.profile import CredentialKind, Profile
from wizard.secret import Secret
from wizard.secret_sources import ENV_CLIENT_SECRET

#: Runs the check (the real one: tokens and API calls in every tenant); tests pass the sandbox's CA.
Checker = Callable[[Profile, CustomerBook, Secret | None], CheckResult]
_COLUMNS = ("Tenant", "Consent", "Token", "Roles", "API", "Result", "Finding")


def real_checker(ca_file: str | None) -> Checker:
    def run(profile: Profile, book: CustomerBook, secret: Secret | None) -> CheckResult:
        return check_customers(profile, book, secret=secret, ca_file=ca_file)

    return run


class CustomersScreen(Screen[None]):
    """Pick a saved profile; add customers; copy a customer's consent URL; check them all."""

    CSS_PATH = stylesheet("customers.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Back", id="customers.back"),
        Binding(
            "ctrl+r", "check", "Check all", id="customers.check", tooltip="Token and API in every tenant"
        ),
        Binding(
            "ctrl+y",
            "copy_url",
            "Copy URL",
            id="customers.copy",
            tooltip="Copy the selected customer's admin consent URL",
        ),
        Binding("ctrl+o", "add", "Add customer", id="customers.add"),
    ]

    def __init__(
        self, *, profiles: Callable[[], list[str]] | None = None, checker: Checker | None = None
    ) -> None:
        super().__init__()
        from wizard.profile_store import list_profiles

        self.profiles = profiles or list_profiles
        self.checker = checker or real_checker(None)
        self.profile: Profile | None = None
        self.book: CustomerBook | None = None
        self.result: CheckResult | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="customers-body"):
            yield Label("Customers of a multi-tenant daemon", classes="question")
            with Horizontal(id="customers-pick"):
                yield Select[str]([], prompt="Saved profile", id="profile")
                yield Input(placeholder="customer tenant ID or domain, Enter adds", id="add-tenant")
            yield Input(
                placeholder=f"client secret for the check (or ${ENV_CLIENT_SECRET})",
                password=True,
                id="secret",
            )
            yield DataTable(id="customers", cursor_type="row", zebra_stripes=True)
            yield Static("", id="customers-detail", markup=False)
        yield Footer()

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """The footer's keys: at 80 columns the theme key leaves it for the palette (screens.footer_fit)."""
        return fit_footer(self, super().active_bindings)

    def on_resize(self) -> None:
        self.refresh_bindings()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(*_COLUMNS)
        names = self.profiles()
        select = self.query_one("#profile", Select)
        select.set_options([(n, n) for n in names])
        if names:
            select.value = names[0]
            self._open(names[0])
        else:
            self._say(
                "No saved profile yet: finish the wizard once (Export saves a profile), then come back."
            )

    # -- state -------------------------------------------------------------------------------------------
    def _say(self, text: str) -> None:
        self.query_one("#customers-detail", Static).update(text)

    def _open(self, name: str) -> None:
        from wizard.profile_store import load_profile

        try:
            self.profile = load_profile(name)
            self.book = load_book(name, home_tenant=self.profile.tenant.lower())
        except WizardError as exc:
            self.profile, self.book = None, None
            self._say(f"{exc.title}" + (f" ({exc.hint})" if exc.hint else ""))
            return
        self.result = None
        self._fill()

    def _rows(self) -> list[CustomerRow] | None:
        return list(self.result.rows) if self.result is not None else None

    def _fill(self) -> None:
        table = self.query_one(DataTable)
        table.clear()
        if self.book is None:
            return
        checked = {r.tenant: r for r in self._rows() or []}
        for customer in self.book.customers:
            row = checked.get(customer.tenant)
            if row is None:
                table.add_row(
                    customer.tenant, customer.consent.value, "", "", "", "", "", key=customer.tenant
                )
                continue
            first = row.finding
            token = "ok" if row.token_ok else "fail"
            roles = ",".join(row.roles) or "-"
            table.add_row(
                row.tenant, row.consent.value, token, roles, row.api, row.status, first.code if first else "",
                key=row.tenant,
            )  # fmt: skip
        if not self.book.customers:
            self._say("No customers yet: type a customer's tenant ID or domain above and press Enter.")
        else:
            self._detail()

    def _selected(self) -> str | None:
        table = self.query_one(DataTable)
        if self.book is None or not self.book.customers or table.row_count == 0:
            return None
        index = min(max(table.cursor_row, 0), len(self.book.customers) - 1)
        return self.book.customers[index].tenant

    def _url(self, tenant: str) -> str | None:
        if self.profile is None or self.book is None:
            return None
        return consent_url(self.profile, self.book.get(tenant))

    def _detail(self) -> None:
        tenant = self._selected()
        if tenant is None:
            return
        lines = [f"{tenant}: admin-consent URL (ctrl+y copies it)", self._url(tenant) or ""]
        if self.result is not None:
            passed = sum(1 for r in self.result.rows if r.status == "pass")
            lines.insert(
                0,
                f"{passed} of {len(self.result.rows)} customers pass (home tenant: {self.result.home.status}).",
            )
        row = next((r for r in self._rows() or [] if r.tenant == tenant), None)
        if row is not None and row.finding is not None:
            lines += ["", f"{row.finding.code}: {row.finding.title}", f"fix: {row.finding.fix}"]
        self._say("\n".join(lines))

    # -- events ------------------------------------------------------------------------------------------
    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "profile" and isinstance(event.value, str):
            self._open(event.value)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._detail()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id != "add-tenant" or self.book is None:
            return
        from wizard.customers import save_book

        try:
            self.book = self.book.add(event.value)
            save_book(self.book)
        except WizardError as exc:
            self._say(f"{exc.title}" + (f". {exc.hint}" if exc.hint else ""))
            return
        event.input.value = ""
        self._fill()

    # -- actions -----------------------------------------------------------------------------------------
    def action_close(self) -> None:
        self.dismiss(None)

    def action_add(self) -> None:
        self.query_one("#add-tenant", Input).focus()

    def action_copy_url(self) -> None:
        tenant = self._selected()
        url = self._url(tenant) if tenant else None
        if url is None:
            self.notify("No customer selected.", severity="warning")
            return
        self.app.copy_to_clipboard(url)
        self.notify(f"Consent URL for {tenant} copied.")

    def action_check(self) -> None:
        if self.profile is None or self.book is None or not self.book.customers:
            self.notify("Add a customer first.", severity="warning")
            return
        if any(w.group == "customers-check" and w.is_running for w in self.workers):
            return
        typed = self.query_one("#secret", Input).value
        secret: Secret | None = None
        if self.profile.credential is CredentialKind.SECRET:
            raw = typed or os.environ.get(ENV_CLIENT_SECRET, "")
            secret = Secret(raw) if raw else None
        self._say(f"Checking {len(self.book.customers)} customers and the home tenant…")
        self._check(self.profile, self.book, secret)

    @work(thread=True, exclusive=True, exit_on_error=False, group="customers-check")
    def _check(self, profile: Profile, book: CustomerBook, secret: Secret | None) -> CheckResult:
        return self.checker(profile, book, secret)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "customers-check" or event.state not in (
            WorkerState.SUCCESS,
            WorkerState.ERROR,
        ):
            return
        if event.state is WorkerState.ERROR:
            error = event.worker.error
            title = error.title if isinstance(error, WizardError) else type(error).__name__
            self._say(f"The check could not run: {title}. Press ctrl+r to try again.")
            return
        result = event.worker.result
        if isinstance(result, CheckResult):
            self.result = result
            self._fill()
            self.query_one(DataTable).focus()
