"""What the TUI's audit view shows, read without Textual: the tenant's credential rows (from wizard.audit's
reader and rules) and the credentials expiring per month; against the sandbox, with an app token holding
Application.Read.All, as `daemon-wizard audit --sandbox` reads it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from wizard.audit.model import AuditFinding, AuditPolicy, Credential, Tenant

#: The default scenario's app whose consented permissions include Application.Read.All.
AUDIT_APP = "graph-daemon"
COLUMNS = ("App", "Holder", "Kind", "Key", "Hint", "Ends", "Status", "Findings")


@dataclass(frozen=True)
class CredentialRow:
    """One secret or certificate of an app registration or a service principal, as the table shows it."""

    app: str
    holder: str
    kind: str
    key: str
    hint: str
    ends: str
    status: str
    findings: str

    def cells(self) -> tuple[str, ...]:
        return (self.app, self.holder, self.kind, self.key, self.hint, self.ends, self.status, self.findings)

    def matches(self, text: str) -> bool:
        """Whether every word of `text` is in one of the cells (case-insensitive)."""
        haystack = " ".join(self.cells()).lower()
        return all(word in haystack for word in text.lower().split())


@dataclass(frozen=True)
class AuditView:
    """The rows, the per-month chart rows and a one-line summary."""

    rows: tuple[CredentialRow, ...]
    months: tuple[tuple[str, int], ...]
    summary: str


def _status(c: Credential, policy: AuditPolicy) -> str:
    if c.end is None:
        return "no end"
    if c.end <= policy.now:
        return "expired"
    if c.end <= policy.now + dt.timedelta(days=policy.expiring_within):
        return "expiring"
    return "valid"


def build_view(tenant: Tenant, findings: list[AuditFinding], policy: AuditPolicy) -> AuditView:
    """Rows sorted by end date (soonest first), each with the codes of its findings."""
    from wizard.audit.render import months_ahead

    by_key: dict[tuple[str, str], list[str]] = {}
    for f in findings:
        by_key.setdefault((f.app_id, f.key_id or ""), []).append(f.code)
    credentials = tenant.credentials()
    far = dt.datetime.max.replace(tzinfo=dt.timezone.utc)
    rows = tuple(
        CredentialRow(
            app=c.display_name,
            holder=c.holder.value,
            kind=c.kind,
            key=c.key_id[:8],
            hint=c.hint,
            ends=f"{c.end:%Y-%m-%d}" if c.end else "",
            status=_status(c, policy),
            findings=", ".join(sorted(set(by_key.get((c.app_id, c.key_id), [])))),
        )
        for c in sorted(credentials, key=lambda c: c.end or far)
    )
    expired = sum(1 for r in rows if r.status == "expired")
    expiring = sum(1 for r in rows if r.status == "expiring")
    summary = (
        f"{len(tenant.apps)} apps, {len(tenant.principals)} service principals, {len(rows)} credentials: "
        f"{expired} expired, {expiring} expiring ({policy.expiring_within} days)"
    )
    return AuditView(rows, tuple(months_ahead(credentials, policy.now)), summary)


def read_sandbox_audit(scenario: str | None = None, *, expiring_within: int = 30) -> AuditView:
    """Start a sandbox, read its tenant with an app token (Application.Read.All) and audit it; blocking."""
    from wizard.audit import GraphPages, ReadOptions, read_tenant
    from wizard.audit.rules import audit
    from wizard.live.http import HttpSettings
    from wizard.live.msal_token import acquire_token
    from wizard.live.sandbox_profile import running_sandbox
    from wizard.live.trace import Trace

    with running_sandbox(scenario, AUDIT_APP) as sp:
        settings = HttpSettings.bounded(60.0, ca_file=sp.ca_file, use_env_proxies=False)
        trace = Trace([sp.secret.reveal()] if sp.secret else [])
        token = acquire_token(sp.profile, secret=sp.secret, settings=settings, trace=trace)
        pages = GraphPages(token.access_token, settings=settings, trace=trace)
        try:
            tenant = read_tenant(pages, ReadOptions(graph_url=sp.sandbox.graph_base_url))
        finally:
            pages.close()
    policy = AuditPolicy(expiring_within=expiring_within)
    return build_view(tenant, audit(tenant, policy), policy)
