"""The audit for people and machines: a table of findings, JSON, CSV, and a chart of expiries per month."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter
from typing import Any

from wizard.audit.model import AuditFinding, AuditPolicy, Credential, Tenant

CSV_FIELDS = ("severity", "code", "display_name", "app_id", "holder", "key_id", "end", "message")
BAR = "#"


def table(findings: list[AuditFinding]) -> list[str]:
    """One line per finding in aligned columns; long app names are cut, messages never."""
    if not findings:
        return ["no findings"]
    name_w = min(32, max(len(f.display_name) for f in findings))
    code_w = max(len(f.code) for f in findings)
    head = f"{'SEVERITY':<8} {'CODE':<{code_w}} {'APP':<{name_w}} MESSAGE"
    lines = [head, "-" * (len(head) + 20)]
    for f in findings:
        name = f.display_name if len(f.display_name) <= name_w else f.display_name[: name_w - 1] + "…"
        lines.append(f"{f.severity:<8} {f.code:<{code_w}} {name:<{name_w}} {f.message}")
    return lines


def months_ahead(credentials: list[Credential], now: dt.datetime, months: int = 12) -> list[tuple[str, int]]:
    """(YYYY-MM, how many credentials end that month) for this month and the next `months - 1`; earlier
    expiries are counted under "expired", later ones under "later"."""
    counts: Counter[str] = Counter()
    expired = 0
    for c in credentials:
        if c.end is None:
            continue
        if c.end <= now:
            expired += 1
        else:
            counts[f"{c.end:%Y-%m}"] += 1
    rows = [("expired", expired)]
    year, month = now.year, now.month
    for _ in range(months):
        key = f"{year:04d}-{month:02d}"
        rows.append((key, counts.pop(key, 0)))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    rows.append(("later", sum(counts.values())))
    return rows


def chart(rows: list[tuple[str, int]], *, width: int = 50) -> list[str]:
    """Plain-text horizontal bars, scaled to the largest month."""
    top = max((n for _, n in rows), default=0)
    label_w = max((len(k) for k, _ in rows), default=7)
    lines = ["credentials expiring per month"]
    for key, n in rows:
        bar = BAR * (0 if top == 0 else max(1 if n else 0, round(n * width / top)))
        lines.append(f"{key:<{label_w}} {bar} {n}")
    return lines


def summary(tenant: Tenant, findings: list[AuditFinding]) -> dict[str, Any]:
    by_severity = Counter(f.severity for f in findings)
    return {
        "applications": len(tenant.apps),
        "service_principals": len(tenant.principals),
        "credentials": len(tenant.credentials()),
        "errors": by_severity.get("error", 0),
        "warnings": by_severity.get("warning", 0),
        "info": by_severity.get("info", 0),
        "requests": tenant.requests,
        "throttled": tenant.throttled,
        "federated_credentials": sum(len(a.federated_credentials) for a in tenant.apps),
    }


def federated_rows(tenant: Tenant) -> list[dict[str, Any]]:
    """Every federated identity credential, with its app: what external tokens the tenant trusts."""
    return [
        {"app_id": a.app_id, "display_name": a.display_name, **f.to_dict()}
        for a in sorted(tenant.apps, key=lambda a: a.display_name.lower())
        for f in a.federated_credentials
    ]


def federated_table(tenant: Tenant) -> list[str]:
    rows = federated_rows(tenant)
    if not rows:
        return ["no federated identity credentials"]
    lines = ["federated identity credentials (issuer, subject, audiences):"]
    for r in rows:
        lines.append(
            f"  {r['display_name']} / {r['name']}: {r['issuer']}  {r['subject']}  {', '.join(r['audiences'])}"
        )
    return lines


def to_json(tenant: Tenant, findings: list[AuditFinding], policy: AuditPolicy) -> dict[str, Any]:
    """The stable JSON document of `audit --json`."""
    return {
        "ok": not any(f.severity == "error" for f in findings),
        "policy": {
            "expiring_within_days": policy.expiring_within,
            "max_secret_age_days": policy.max_secret_age,
        },
        "summary": summary(tenant, findings),
        "findings": [f.to_dict() for f in findings],
        "federated_credentials": federated_rows(tenant),
        "expiring_per_month": [
            {"month": k, "count": n} for k, n in months_ahead(tenant.credentials(), policy.now)
        ],
    }


def to_csv(findings: list[AuditFinding]) -> str:
    """One row per finding, with a header row."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for f in findings:
        row = f.to_dict()
        writer.writerow({k: _cell(row.get(k)) for k in CSV_FIELDS})
    return buffer.getvalue()


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    # A cell that a spreadsheet would run as a formula is quoted as text (display names come from the tenant).
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
