"""Step 6: the decoded token with explained claims, the API probe's result, and the findings with fixes."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, Label, Static

from screens.admin_fix import FIXABLE
from screens.locate import stylesheet
from screens.services import DoctorView
from screens.state import FixNow, GoTo, Step
from screens.step import StepScreen
from screens.widgets.fic_diff import fic_diff_table
from screens.widgets.stepbar import StepBar

if TYPE_CHECKING:
    from wizard.diagnosis.model import Finding

#: Where a finding is fixed: the step and, where there is one, the field to focus (UI navigation only).
_FIX_AT: dict[str, GoTo] = {
    "client-id-is-tenant-id": GoTo(Step.REGISTRATION, "client_id"),
    "app-not-in-tenant": GoTo(Step.REGISTRATION, "client_id"),
    "app-disabled": GoTo(Step.REGISTRATION, "client_id"),
    "service-principal-missing": GoTo(Step.CONSENT),
    "tenant-not-found": GoTo(Step.REGISTRATION, "tenant"),
    "tenant-invalid": GoTo(Step.REGISTRATION, "tenant"),
    "tenant-common": GoTo(Step.REGISTRATION, "tenant"),
    "tenant-not-allowed": GoTo(Step.REGISTRATION, "tenant"),
    "authority-unknown-host": GoTo(Step.REGISTRATION, "tenant"),
    "ciam-issuer-mismatch": GoTo(Step.REGISTRATION, "tenant"),
    "secret-invalid": GoTo(Step.CREDENTIAL),
    "secret-expired": GoTo(Step.CREDENTIAL),
    "credential-missing": GoTo(Step.CREDENTIAL),
    "certificate-not-registered": GoTo(Step.CREDENTIAL),
    "certificate-thumbprint-hash": GoTo(Step.CREDENTIAL),
    "roles-missing": GoTo(Step.CONSENT),
    "permission-delegated": GoTo(Step.CONSENT),
    "permission-wrong": GoTo(Step.CONSENT),
    "assignment-required": GoTo(Step.CONSENT),
    "resource-not-in-tenant": GoTo(Step.REGISTRATION, "resource"),
    "audience-mismatch": GoTo(Step.REGISTRATION, "resource"),
    "me-endpoint-app-token": GoTo(Step.REGISTRATION, "relative_path"),
    "api-error-not-auth": GoTo(Step.REGISTRATION, "relative_path"),
    "sharepoint-certificate-required": GoTo(Step.CREDENTIAL),
    "b2c-client-credentials-limit": GoTo(Step.REGISTRATION, "tenant"),
    "directory-role-required": GoTo(Step.CONSENT),
}


def fix_target(finding: Finding) -> GoTo:
    """The step where this finding's fix is made; scope problems live on the registration step."""
    if finding.code in _FIX_AT:
        return _FIX_AT[finding.code]
    if finding.code.startswith(("scope", "v1-")):
        return GoTo(Step.REGISTRATION, "resource")
    return GoTo(Step.REGISTRATION)


_INLINE = re.compile(r"\*\*(.+?)\*\*|`([^`]+)`")


def inline_rich(part: str) -> Text:
    """The rules' inline Markdown (**bold**, `code`) rendered, not shown as asterisks and backticks."""
    text = Text()
    pos = 0
    for match in _INLINE.finditer(part):
        text.append(part[pos : match.start()])
        bold, code = match.groups()
        text.append(bold if bold is not None else code, style="bold" if bold is not None else "italic")
        pos = match.end()
    text.append(part[pos:])
    return text


def link(url: str) -> Text:
    """A URL as a terminal hyperlink (OSC 8: clickable where the terminal supports it)."""
    return Text(url, style=f"underline link {url}")


def finding_rich(finding: Finding) -> Text:
    """The finding as the CLI prints it: code and title, why, the fix, and its Learn links."""
    text = Text()
    text.append(f"[{finding.severity}] {finding.code}: ", style="bold")
    text.append(f"{finding.title}\n", style="bold")
    text.append(inline_rich(finding.explanation))
    text.append("\nFix: ", style="bold")
    text.append(inline_rich(finding.fix))
    return text


def link_line(url: str) -> Text:
    """`See: <url>` on one line that is never wrapped (a folded URL no longer works when copied)."""
    text = Text("See: ", style="bold", no_wrap=True, overflow="ellipsis", end="")
    text.append_text(link(url))
    return text


def refusal_rich(report: DoctorView) -> Text | None:
    """The Entra error code and the correlation ID, which Microsoft support asks for."""
    if not report.aadsts and not report.correlation_id:
        return None
    text = Text()
    if report.aadsts:
        text.append("Entra error: ", style="bold")
        text.append(f"AADSTS{report.aadsts}")
        text.append("  ")
        text.append_text(link(f"https://login.microsoftonline.com/error?code={report.aadsts}"))
    if report.correlation_id:
        text.append("\nCorrelation ID: " if report.aadsts else "Correlation ID: ", style="bold")
        text.append(report.correlation_id)
    return text


#: The claims table's value column: a GUID whole.
VALUE_WIDTH = 36


def claims_rich(report: DoctorView) -> Table:
    """The claims as a table whose meaning column wraps, so it fits 80 columns."""
    table = Table(box=None, expand=True, show_edge=False, pad_edge=False)
    table.add_column("claim", no_wrap=True, style="bold")
    # A value (a GUID) is kept whole up to 36 cells, a longer one (a URL) folds there; the meaning takes the
    # rest and wraps. Without the cap a long value took the whole width and squeezed the meaning to "…".
    widest = max((len(c.value) for c in report.claims), default=5)
    table.add_column("value", overflow="fold", min_width=min(VALUE_WIDTH, widest), max_width=VALUE_WIDTH)
    table.add_column("meaning", ratio=1, min_width=16, overflow="fold")
    for claim in report.claims:
        table.add_row(claim.name, claim.value, inline_rich(claim.meaning))
    return table


class DiagnosisScreen(StepScreen[GoTo | FixNow]):
    """The verdict first; each action takes the user to where the fix is made."""

    CSS_PATH = stylesheet("wizard.tcss")

    STEP = Step.DIAGNOSIS
    #: At 80 columns: Consent is in the palette (Fix it goes there when consent is the fix).
    FOOTER_SPARE = ("toggle_theme", "consent")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "f", "fix", "Fix it", id="wizard.fix", tooltip="Go to the step where the first finding is fixed"
        ),
        Binding(
            "n", "fix_now", "Fix it now", id="wizard.fix_now", tooltip="Let the signed-in admin apply the fix"
        ),
        Binding("c", "consent", "Consent", id="wizard.consent"),
        Binding("r", "rerun", "Run test", id="wizard.rerun", tooltip="Run the token test again"),
    ]

    def __init__(self, report: DoctorView, *, note: str = "", fix_now: bool = False) -> None:
        super().__init__()
        self.report = report
        self.note = note
        #: An admin is signed in (the admin path): findings the wizard can fix get "Fix it now".
        self.fix_now = fix_now

    def compose(self) -> ComposeResult:
        r = self.report
        yield Header()
        yield StepBar(self.STEP, note=self.note)
        with VerticalScroll(id="diagnosis-body"):
            verdict = "The daemon works." if r.ok else "The daemon does not work yet."
            yield Static(verdict, id="verdict", classes="ok" if r.ok else "fail", markup=False)
            refusal = refusal_rich(r)
            if refusal is not None:
                yield Static(refusal, id="refusal")
            for finding in r.findings:
                yield Static(finding_rich(finding), classes=f"finding {finding.severity}")
                for url in finding.links:
                    yield Static(link_line(url), classes=f"finding link {finding.severity}")
                if self.fix_now and finding.code in FIXABLE and finding is self.fixable:
                    yield Static(f"n: Fix it now ({FIXABLE[finding.code]})", id="fix-now", markup=False)
            if r.fic_diff:
                yield Label("Federated credentials, claim by claim", classes="heading")
                yield fic_diff_table(r.fic_diff)
            yield Label("API probe", classes="heading")
            yield Static(r.api_result or "Not called.", id="api-result", markup=False)
            yield Label("Token", classes="heading")
            yield Static(r.token_summary or "No token was issued.", id="token-summary", markup=False)
            if r.claims:
                yield Static(claims_rich(r), id="claims")
        yield Footer()

    def copy_items(self) -> list[tuple[str, str]]:
        r = self.report
        items: list[tuple[str, str]] = []
        if r.aadsts:
            items.append(("AADSTS code", f"AADSTS{r.aadsts}"))
        if r.correlation_id:
            items.append(("Correlation ID", r.correlation_id))
        for finding in r.findings:
            items += [(f"{finding.code} link", url) for url in finding.links]
        return items + super().copy_items()

    @property
    def fixable(self) -> Finding | None:
        """The first finding the signed-in admin can have fixed, if any."""
        if not self.fix_now:
            return None
        return next((f for f in self.report.findings if f.code in FIXABLE), None)

    def allows(self, action: str) -> bool | None:
        if action == "fix_now":
            return self.fixable is not None
        if action == "fix":
            return bool(self.report.findings) and not self.report.ok
        return True

    def action_fix(self) -> None:
        if self.report.findings:
            self.dismiss(fix_target(self.report.findings[0]))

    def action_fix_now(self) -> None:
        finding = self.fixable
        if finding is not None:
            self.dismiss(FixNow(finding.code))

    def action_consent(self) -> None:
        self.dismiss(GoTo(Step.CONSENT))

    def action_rerun(self) -> None:
        self.dismiss(GoTo(Step.TEST))

    def result(self) -> GoTo | None:
        return GoTo(Step.EXPORT)
