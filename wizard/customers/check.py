"""`customers check`: a token and the API call in every customer's tenant, concurrently, one row each.

First the home tenant (it tells whether the app works at all and, when the token may read it, the
registration: signInAudience and the permissions asked for), then every customer with that tenant as the
authority, at most `jobs` at once; each run honours 429 Retry-After through the clock it is given. Once all
are back, each customer's evidence gets the fleet's view (how many answered AADSTS700016) and is diagnosed.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from wizard.customers.consent import consent_url, customer_profile
from wizard.customers.model import ConsentState, Customer, CustomerBook
from wizard.diagnosis.evidence_customer import MULTI_ORG_AUDIENCES, CustomerEvidence
from wizard.diagnosis.model import Finding
from wizard.exitcodes import ExitCode
from wizard.live.doctor import DoctorOptions, DoctorReport, run_doctor
from wizard.live.http import SYSTEM_CLOCK, Clock
from wizard.live.results import Registration
from wizard.profile import ApiKind, Profile
from wizard.secret import Secret

GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000"
Status = Literal["pass", "warn", "fail"]


@dataclass(frozen=True)
class CheckOptions:
    """How the check runs: parallel runs, each run's time bound, the library, and the clock waits go by."""

    jobs: int = 8
    timeout: float = 30.0
    via: Literal["msal", "azure-identity"] = "msal"
    redirect_uri: str | None = None
    clock: Clock = SYSTEM_CLOCK
    cancel: threading.Event | None = None


@dataclass(frozen=True)
class CustomerRow:
    """One tenant's outcome: consent recorded, token, roles, the API's answer, and the findings."""

    tenant: str
    tenant_id: str | None
    consent: ConsentState
    token_ok: bool
    roles: tuple[str, ...]
    api: str
    status: Status
    findings: tuple[Finding, ...]
    consent_url: str
    network: bool = False

    @property
    def finding(self) -> Finding | None:
        """The most likely problem (None when the row passes)."""
        return next((f for f in self.findings if f.code != "ok"), None)

    def to_dict(self) -> dict[str, Any]:
        first = self.finding
        return {
            "tenant": self.tenant,
            "tenant_id": self.tenant_id,
            "consent": self.consent.value,
            "token": "ok" if self.token_ok else "failed",
            "roles": list(self.roles),
            "api": self.api,
            "status": self.status,
            "finding": first.code if first else None,
            "findings": [f.to_dict() for f in self.findings if f.code != "ok"],
            "consent_url": self.consent_url,
        }


@dataclass(frozen=True)
class CheckResult:
    """The home tenant's row, every customer's row (in the book's order) and what was learnt of the app."""

    home: CustomerRow
    rows: tuple[CustomerRow, ...]
    multi_tenant: bool | None
    sign_in_audience: str | None
    required_roles: tuple[str, ...] = field(default_factory=tuple)
    #: The most customer runs that were in flight at once (never more than `jobs`).
    peak_jobs: int = 0

    @property
    def exit_code(self) -> ExitCode:
        failing = [r for r in (self.home, *self.rows) if r.status != "pass"]
        if not failing:
            return ExitCode.OK
        if all(r.network for r in failing):
            return ExitCode.NETWORK
        return ExitCode.FAILURE

    def to_dict(self) -> dict[str, Any]:
        return {
            "verdict": "ok" if self.exit_code is ExitCode.OK else "fail",
            "exit_code": int(self.exit_code),
            "multi_tenant": self.multi_tenant,
            "sign_in_audience": self.sign_in_audience,
            "required_roles": list(self.required_roles),
            "home": self.home.to_dict(),
            "customers": [r.to_dict() for r in self.rows],
        }


class _Gauge:
    """Counts the runs in flight and remembers the most at once."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._now = 0
        self.peak = 0

    def __enter__(self) -> None:
        with self._lock:
            self._now += 1
            self.peak = max(self.peak, self._now)

    def __exit__(self, *exc: object) -> None:
        with self._lock:
            self._now -= 1


def _resource_app_id(profile: Profile, registration: dict[str, Any]) -> str | None:
    if profile.api.kind is ApiKind.GRAPH:
        return GRAPH_APP_ID
    entries = [e for e in registration.get("requiredResourceAccess") or [] if isinstance(e, dict)]
    resource = profile.resource.lower()
    for entry in entries:
        app_id = str(entry.get("resourceAppId", "")).lower()
        if app_id and app_id in resource:
            return app_id
    others = [
        str(e.get("resourceAppId", "")).lower() for e in entries if e.get("resourceAppId") != GRAPH_APP_ID
    ]
    return others[0] if len(others) == 1 else None


def required_role_count(profile: Profile, registration: dict[str, Any] | None) -> int | None:
    """How many Application permissions the registration asks for on the profile's API; None if unknown."""
    if not registration:
        return None
    app_id = _resource_app_id(profile, registration)
    for entry in registration.get("requiredResourceAccess") or []:
        if isinstance(entry, dict) and str(entry.get("resourceAppId", "")).lower() == app_id:
            access = entry.get("resourceAccess") or []
            return sum(1 for a in access if isinstance(a, dict) and a.get("type") == "Role")
    return 0 if app_id else None


def _roles(report: DoctorReport) -> tuple[str, ...]:
    value = (report.evidence.token_claims or {}).get("roles")
    return tuple(str(r) for r in value) if isinstance(value, list) else ()


def _api_line(report: DoctorReport) -> str:
    if not report.api:
        return "-"
    last = next((a for a in report.api if not a.ok), report.api[-1])
    from urllib.parse import urlsplit

    return f"{last.status} {last.method} {urlsplit(last.url).path}"


def _not_found(report: DoctorReport) -> bool:
    text = str(report.evidence.token_error or "")
    return "AADSTS700016" in text or "AADSTS7000229" in text


def _row(
    tenant: str,
    tenant_id: str | None,
    consent: ConsentState,
    report: DoctorReport,
    url: str,
    customer: CustomerEvidence,
) -> CustomerRow:
    from wizard.diagnosis import diagnose
    from wizard.errors import NetworkError

    result = diagnose(replace(report.evidence, customer=customer))
    findings = tuple(result.findings)
    failed = report.verdict == "fail" or not result.ok
    if failed:
        findings = tuple(f for f in findings if f.code != "ok") or tuple(report.findings)
    status: Status = "fail" if failed else ("warn" if any(f.code != "ok" for f in findings) else "pass")
    return CustomerRow(
        tenant=tenant,
        tenant_id=tenant_id,
        consent=consent,
        token_ok=report.evidence.token_claims is not None,
        roles=_roles(report),
        api=_api_line(report),
        status=status,
        findings=findings,
        consent_url=url,
        network=isinstance(report.error, NetworkError),
    )


def check_customers(
    profile: Profile,
    book: CustomerBook,
    *,
    secret: Secret | None,
    ca_file: str | None = None,
    options: CheckOptions | None = None,
    registration: Registration | None = None,
    use_env_proxies: bool = True,
) -> CheckResult:
    """Check the home tenant, then every customer of the book (at most `jobs` at once)."""
    opts = options or CheckOptions()
    doctor = DoctorOptions(via=opts.via, timeout=opts.timeout)

    def run(p: Profile, known: Registration | None) -> DoctorReport:
        return run_doctor(
            p, secret=secret, ca_file=ca_file, options=doctor, use_env_proxies=use_env_proxies,
            registration=known, clock=opts.clock, cancel=opts.cancel,
        )  # fmt: skip

    home_report = run(profile, registration)
    reg = home_report.registration or registration
    reg_data = reg.data if reg is not None else None
    audience = (reg_data or {}).get("signInAudience")
    audience = audience if isinstance(audience, str) else book.sign_in_audience
    multi = audience in MULTI_ORG_AUDIENCES if audience else book.multi_tenant
    home_roles = _roles(home_report)
    count = required_role_count(profile, reg_data)
    customers = list(book.customers)
    gauge = _Gauge()

    def run_customer(c: Customer) -> DoctorReport:
        with gauge:
            return run(customer_profile(profile, c), reg)

    with ThreadPoolExecutor(max_workers=max(1, opts.jobs), thread_name_prefix="customers-check") as pool:
        reports = list(pool.map(run_customer, customers))
    base = CustomerEvidence(
        home_tenant=profile.tenant.lower() or book.home_tenant or None,
        multi_tenant=multi,
        required_roles=home_roles,
        required_role_count=count,
        fleet_size=len(customers),
        fleet_not_found=sum(1 for r in reports if _not_found(r)),
        home_ok=home_report.evidence.token_claims is not None,
    )
    rows = tuple(_customer_row(profile, c, r, base, opts) for c, r in zip(customers, reports, strict=True))
    home_row = _row(
        profile.tenant, profile.tenant if profile.tenant else None, ConsentState.CONSENTED, home_report, "",
        replace(base, customer_tenant=base.home_tenant),
    )  # fmt: skip
    return CheckResult(home_row, rows, multi, audience, home_roles, peak_jobs=gauge.peak)


def _customer_row(
    profile: Profile, customer: Customer, report: DoctorReport, base: CustomerEvidence, opts: CheckOptions
) -> CustomerRow:
    url = consent_url(profile, customer, redirect_uri=opts.redirect_uri)
    evidence = replace(
        base, customer_tenant=customer.authority_tenant, consent=customer.consent.value, consent_url=url
    )
    return _row(customer.tenant, customer.tenant_id, customer.consent, report, url, evidence)
