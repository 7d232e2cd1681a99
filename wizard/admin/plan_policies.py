"""The tenant policies `register plan` reads to predict a refusal before any write: "Users can register
applications" (`/policies/authorizationPolicy`) and the default app management policy on client secrets
(`/policies/defaultAppManagementPolicy`: secrets forbidden, or their lifetime capped).

Both reads need Policy.Read.All, a scope the wizard does not request (the app management policy also a role
such as Application Administrator). Without it, or when Graph refuses, the setting is *unknown* and the plan
says so rather than guessing; apply then meets Graph's own answer, which becomes a finding.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from wizard.errors import ApiError

if TYPE_CHECKING:
    from wizard.admin.identity import AdminIdentity
    from wizard.admin.plan import Step
    from wizard.admin.tenant_reads import GraphReader

AUTHORIZATION_POLICY = "/policies/authorizationPolicy"
APP_MANAGEMENT_POLICY = "/policies/defaultAppManagementPolicy"
#: Delegated scopes that read each policy (Graph's permission tables).
READ_AUTHORIZATION = ("Policy.Read.All", "Policy.ReadWrite.Authorization")
READ_APP_MANAGEMENT = ("Policy.Read.All", "Policy.ReadWrite.ApplicationConfiguration")
_DURATION = re.compile(
    r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$"
)


@dataclass(frozen=True)
class PolicyReadings:
    """What the policies say; None where unknown, with the reason in the matching `*_unknown`."""

    users_can_register: bool | None = None
    secrets_blocked: bool | None = None
    secret_max_days: int | None = None  # None: no cap (or unknown)
    register_unknown: str = ""
    secrets_unknown: str = ""


def duration_days(iso: str) -> int | None:
    """Whole days of an ISO 8601 duration such as `P90D` or `P1Y` (rounded down, at least 1); None if unreadable."""
    match = _DURATION.match((iso or "").strip().upper())
    if not match or not any(match.groups()):
        return None
    y, mo, w, d, h, mi, s = (int(g or 0) for g in match.groups())
    seconds = ((y * 365 + mo * 30 + w * 7 + d) * 24 + h) * 3600 + mi * 60 + s
    return max(1, seconds // 86400)


def _has(identity: AdminIdentity, scopes: tuple[str, ...]) -> bool:
    held = {s.lower() for s in identity.scopes}
    return any(s.lower() in held for s in scopes)


def _read(reader: GraphReader, path: str) -> tuple[dict[str, Any] | None, str]:
    """(the policy, "") or (None, why it could not be read)."""
    try:
        body = reader.get(path)
    except ApiError as exc:
        why = f"Graph refused reading it (HTTP {exc.status})" if exc.status else "it could not be read"
        return None, why
    if body is None:
        return None, "Graph has no such policy here"
    values = body.get("value")
    if isinstance(values, list):  # the beta shape: a collection of one
        body = values[0] if values and isinstance(values[0], dict) else {}
    return body, ""


def _applies(restriction: dict[str, Any], app: dict[str, Any] | None) -> bool:
    """An enabled restriction applies to a new app always, to an existing one created on or after its date."""
    if str(restriction.get("state") or "enabled").lower() != "enabled":
        return False
    after = restriction.get("restrictForAppsCreatedAfterDateTime")
    created = (app or {}).get("createdDateTime")
    if not after or app is None or not created:
        return True
    try:
        since = dt.datetime.fromisoformat(str(after).replace("Z", "+00:00"))
        made = dt.datetime.fromisoformat(str(created).replace("Z", "+00:00"))
    except ValueError:
        return True
    return made >= since


def secret_rules(policy: dict[str, Any], app: dict[str, Any] | None) -> tuple[bool, int | None]:
    """(secrets forbidden, their maximum lifetime in days) for `app` (None: a new one) under this policy."""
    if not policy.get("isEnabled", True):
        return False, None
    blocked, max_days = False, None
    for r in (policy.get("applicationRestrictions") or {}).get("passwordCredentials") or []:
        if not isinstance(r, dict) or not _applies(r, app):
            continue
        kind = str(r.get("restrictionType") or "")
        if kind == "passwordAddition":
            blocked = True
        elif kind == "passwordLifetime":
            days = duration_days(str(r.get("maxLifetime") or ""))
            if days is not None:
                max_days = days if max_days is None else min(max_days, days)
    return blocked, max_days


def read_policies(reader: GraphReader, identity: AdminIdentity, app: dict[str, Any] | None) -> PolicyReadings:
    """Read both policies when the token can; otherwise say why each setting is unknown."""
    readings = PolicyReadings()
    if _has(identity, READ_AUTHORIZATION):
        auth, why = _read(reader, AUTHORIZATION_POLICY)
        value = ((auth or {}).get("defaultUserRolePermissions") or {}).get("allowedToCreateApps")
        if isinstance(value, bool):
            readings = replace(readings, users_can_register=value)
        else:
            readings = replace(readings, register_unknown=why or "the policy does not say")
    else:
        readings = replace(readings, register_unknown=_missing_scope(READ_AUTHORIZATION))
    if _has(identity, READ_APP_MANAGEMENT):
        policy, why = _read(reader, APP_MANAGEMENT_POLICY)
        if policy is not None:
            blocked, max_days = secret_rules(policy, app)
            readings = replace(readings, secrets_blocked=blocked, secret_max_days=max_days)
        else:
            readings = replace(
                readings,
                secrets_unknown=f"{why}: it needs {READ_APP_MANAGEMENT[0]} and Application Administrator, "
                "Cloud Application Administrator or Global Administrator",
            )
    else:
        readings = replace(readings, secrets_unknown=_missing_scope(READ_APP_MANAGEMENT))
    return readings


def _missing_scope(scopes: tuple[str, ...]) -> str:
    return f"reading it needs {scopes[0]}, which the wizard does not request"


def policy_step(
    step: Step,
    readings: PolicyReadings,
    *,
    may_register: bool,
    secret_days: int,
    passwords: int,
    rotate: bool,
) -> Step:
    """The plan's step after what the policies say: creating the app and adding a client secret."""
    if step.action in ("create application", "create API registration") and step.status == "todo":
        return _create_step(step, readings, may_register=may_register)
    if step.action == "add client secret":
        return _secret_step(step, readings, secret_days=secret_days, passwords=passwords, rotate=rotate)
    return step


def _create_step(step: Step, readings: PolicyReadings, *, may_register: bool) -> Step:
    from wizard.admin.plan import APP_DEV

    if may_register:
        return step
    if readings.users_can_register is False:
        return replace(
            step,
            status="blocked",
            role=APP_DEV,
            reason="'Users can register applications' is off in this tenant: creating an app needs "
            f"{APP_DEV} or more; you hold no such role",
        )
    if readings.users_can_register is True:
        return replace(step, reason="will be created: 'Users can register applications' is on in this tenant")
    return replace(
        step,
        reason="'Users can register applications' is unknown "
        f"({readings.register_unknown}): if it is off, creating an app needs {APP_DEV} or more",
    )


def _secret_step(
    step: Step, readings: PolicyReadings, *, secret_days: int, passwords: int, rotate: bool
) -> Step:
    if passwords and not rotate:
        return replace(
            step,
            status="done",
            reason=f"{passwords} secret(s) exist; --rotate adds one and removes the old after a token proves it",
        )
    if readings.secrets_blocked:
        return replace(
            step,
            status="blocked",
            reason="a tenant app management policy forbids client secrets (passwordAddition): "
            "use --credential certificate or --credential federated",
        )
    days = min(secret_days, readings.secret_max_days or secret_days)
    capped = f", capped by tenant policy at {readings.secret_max_days} days" if days < secret_days else ""
    unknown = (
        f"; the tenant's secret policy is unknown ({readings.secrets_unknown})"
        if readings.secrets_blocked is None
        else ""
    )
    then = "; then the old secrets are removed" if rotate and passwords else ""
    return replace(
        step,
        reason=f"added ({days} days{capped}), written once to a 0600 file, shown masked{then}{unknown}",
    )
