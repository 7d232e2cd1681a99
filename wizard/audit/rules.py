"""The audit's findings: expired, expiring, old secrets, secrets where a certificate would do, no owner,
disabled service principals that still hold valid credentials."""

from __future__ import annotations

import datetime as dt

from wizard.audit.model import AppRecord, AuditFinding, AuditPolicy, Credential, Tenant

#: Every code the audit reports, its severity and what to do; `--json` and the table use these words.
CODES: dict[str, tuple[str, str]] = {
    "credential-expired": ("error", "Remove it; if something still uses it, that thing is failing now."),
    "credential-expiring": ("warning", "Add the next credential, roll it out, then remove this one."),
    "secret-too-old": ("warning", "Rotate it: a new secret, rolled out, then this one removed."),
    "secret-where-certificate-would-do": (
        "info",
        "Use a certificate (or a federated credential from a workload identity) instead of a secret.",
    ),
    "app-without-owner": ("warning", "Add an owner who answers for the app."),
    "disabled-principal-with-valid-credentials": (
        "error",
        "Remove the credentials, or delete the app if it is no longer used.",
    ),
}


def _finding(
    code: str, about: AppRecord | Credential, message: str, cred: Credential | None = None
) -> AuditFinding:
    severity, _ = CODES[code]
    return AuditFinding(
        code=code,
        severity=severity,
        app_id=about.app_id,
        display_name=about.display_name,
        message=message,
        key_id=cred.key_id if cred else None,
        holder=cred.holder.value if cred else "application",
        end=cred.end if cred else None,
    )


def _label(c: Credential) -> str:
    where = "on the service principal" if c.holder.value == "servicePrincipal" else ""
    hint = f" (hint {c.hint})" if c.hint else ""
    return " ".join(p for p in (f"{c.kind} {c.key_id}{hint}", where) if p)


def credential_findings(c: Credential, policy: AuditPolicy) -> list[AuditFinding]:
    """Expired, expiring within the policy's days, and secrets older than the policy allows."""
    now = policy.now
    out: list[AuditFinding] = []
    if c.end is not None and c.end <= now:
        out.append(_finding("credential-expired", c, f"{_label(c)} expired on {c.end:%Y-%m-%d}", c))
    elif c.end is not None and c.end <= now + dt.timedelta(days=policy.expiring_within):
        days = (c.end - now).days
        out.append(
            _finding(
                "credential-expiring", c, f"{_label(c)} expires in {days} day(s), on {c.end:%Y-%m-%d}", c
            )
        )
    if c.kind == "secret" and policy.max_secret_age is not None and c.start is not None:
        age = (now - c.start).days
        if age > policy.max_secret_age and (c.end is None or c.end > now):
            out.append(
                _finding(
                    "secret-too-old", c, f"{_label(c)} is {age} days old (policy: {policy.max_secret_age})", c
                )
            )
    return out


def audit(tenant: Tenant, policy: AuditPolicy) -> list[AuditFinding]:
    """Every finding of the tenant, errors first, then by app name."""
    now = policy.now
    out: list[AuditFinding] = [f for c in tenant.credentials() for f in credential_findings(c, policy)]
    for app in tenant.apps:
        secrets = [c for c in app.credentials if c.kind == "secret" and c.valid_at(now)]
        certificates = [c for c in app.credentials if c.kind == "certificate"]
        if secrets and not certificates and not app.federated:
            out.append(
                _finding(
                    "secret-where-certificate-would-do",
                    app,
                    f"signs in with {len(secrets)} secret(s) and has no certificate or federated credential",
                )
            )
        if app.owners is not None and not app.owners:
            out.append(_finding("app-without-owner", app, "the app registration has no owner"))
    by_app_id = {a.app_id: a for a in tenant.apps}
    for sp in tenant.principals:
        valid = [c for c in sp.credentials if c.valid_at(now)]
        if not sp.enabled:
            owned = by_app_id.get(sp.app_id)
            valid += [c for c in (owned.credentials if owned else ()) if c.valid_at(now)]
            if valid:
                first = valid[0]
                out.append(
                    AuditFinding(
                        code="disabled-principal-with-valid-credentials",
                        severity=CODES["disabled-principal-with-valid-credentials"][0],
                        app_id=sp.app_id,
                        display_name=sp.display_name,
                        message=f"the service principal is disabled but {len(valid)} credential(s) are still valid",
                        key_id=first.key_id,
                        holder="servicePrincipal",
                        end=max(c.end for c in valid if c.end is not None),
                    )
                )
    rank = {"error": 0, "warning": 1, "info": 2}
    out.sort(key=lambda f: (rank.get(f.severity, 3), f.display_name.lower(), f.code))
    return out
