"""Tenant settings Graph writes obey: "Users can register applications", the app management policy on
password credentials (forbidden, or a maximum lifetime), and a replication lag for new objects.

A scenario tenant may carry a `[tenants.writes]` table::

    [tenants.writes]
    users_can_register_apps = true      # false: creating an app needs Application Developer or more
    password_credentials = true         # false: the tenant's app management policy forbids secrets
    max_password_lifetime_days = 0      # > 0: secrets may live at most this many days
    replication_lag = 0                 # new objects answer 404 for this many reads (counted, not timed)
    token_lag = 0                       # new secrets and app role assignments are not honoured by the
                                        # token endpoint for this many token requests

Each can be changed at run time: `SandboxState.writes.settings(tenant_id).update(...)`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from wizard.errors import ConfigFileError
from wizard.sandbox.records import Record, replace

#: The id Graph names in app management policy errors (the tenant default policy is `00000000-...`).
DEFAULT_POLICY_ID = "00000000-0000-0000-0000-000000000000"
#: Graph's default lifetime of a password credential when `endDateTime` is not given.
DEFAULT_PASSWORD_LIFETIME = dt.timedelta(days=730)


class WriteSpec(Record, frozen=True):
    """A tenant's write-side settings as the scenario gives them."""

    users_can_register_apps: bool = True
    password_credentials: bool = True
    max_password_lifetime_days: int = 0
    replication_lag: int = 0
    token_lag: int = 0


class WriteSettings:
    """The same settings, changeable while the sandbox runs (tests, the `--replication-lag` flag)."""

    def __init__(self, spec: WriteSpec) -> None:
        self.current = spec

    def update(self, **changes: Any) -> None:
        """Change some settings, e.g. `update(replication_lag=3, password_credentials=False)`."""
        self.current = replace(self.current, **changes)


class PolicyViolation(Exception):
    """A write the tenant's app management policy refuses: Graph's 400 code and message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def check_password(settings: WriteSettings, start: dt.datetime, end: dt.datetime) -> None:
    """Raise the PolicyViolation Graph answers for a new password credential, if any."""
    if not settings.current.password_credentials:
        raise PolicyViolation(
            "CredentialTypeNotAllowedAsPerAppPolicy",
            f"Password credentials are not allowed as per assigned policy '{DEFAULT_POLICY_ID}'.",
        )
    days = settings.current.max_password_lifetime_days
    if days > 0 and end - start > dt.timedelta(days=days):
        raise PolicyViolation(
            "CredentialInvalidLifetimeAsPerAppPolicy",
            f"Credential lifetime exceeds the max value allowed as per assigned policy '{DEFAULT_POLICY_ID}'.",
        )


def _flag(table: dict[str, Any], key: str, where: str, default: bool) -> bool:
    value = table.get(key, default)
    if not isinstance(value, bool):
        raise ConfigFileError(f"{where}: '{key}' must be true or false")
    return value


def _count(table: dict[str, Any], key: str, where: str) -> int:
    value = table.get(key, 0)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigFileError(f"{where}: '{key}' must be a whole number, 0 or more")
    return value


def write_spec(d: dict[str, Any], where: str) -> WriteSpec:
    """The `writes` table of a scenario tenant (absent: Entra's defaults, no lag)."""
    table = d.get("writes", {})
    if not isinstance(table, dict):
        raise ConfigFileError(f"{where}: 'writes' must be a table")
    where = f"{where} writes"
    unknown = sorted(set(table) - set(WriteSpec.__struct_fields__))
    if unknown:
        raise ConfigFileError(
            f"{where}: unknown setting {unknown[0]!r}",
            hint="Known: " + ", ".join(WriteSpec.__struct_fields__),
        )
    return replace(
        WriteSpec(),
        users_can_register_apps=_flag(table, "users_can_register_apps", where, True),
        password_credentials=_flag(table, "password_credentials", where, True),
        max_password_lifetime_days=_count(table, "max_password_lifetime_days", where),
        replication_lag=_count(table, "replication_lag", where),
        token_lag=_count(table, "token_lag", where),
    )
