"""What the audit reads and finds: credentials of app registrations and service principals, findings."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import Enum
from typing import Any


class Holder(str, Enum):
    """Where a credential sits: on the application object or on its service principal."""

    APPLICATION = "application"
    SERVICE_PRINCIPAL = "servicePrincipal"


@dataclass(frozen=True)
class Credential:
    """One secret (passwordCredential) or certificate (keyCredential), metadata only."""

    holder: Holder
    object_id: str
    app_id: str
    display_name: str
    kind: str  # "secret" | "certificate"
    key_id: str
    name: str
    hint: str
    start: dt.datetime | None
    end: dt.datetime | None

    def valid_at(self, now: dt.datetime) -> bool:
        return self.end is not None and self.end > now and (self.start is None or self.start <= now)

    def to_dict(self) -> dict[str, Any]:
        return {
            "holder": self.holder.value,
            "object_id": self.object_id,
            "app_id": self.app_id,
            "display_name": self.display_name,
            "kind": self.kind,
            "key_id": self.key_id,
            "name": self.name,
            "hint": self.hint,
            "start": _iso(self.start),
            "end": _iso(self.end),
        }


@dataclass(frozen=True)
class FederatedRecord:
    """One federated identity credential of an app: what external token it trusts."""

    name: str
    issuer: str
    subject: str
    audiences: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "issuer": self.issuer,
            "subject": self.subject,
            "audiences": list(self.audiences),
        }


@dataclass(frozen=True)
class AppRecord:
    """An app registration with its credentials, owners (None: not read) and service principal state."""

    object_id: str
    app_id: str
    display_name: str
    credentials: tuple[Credential, ...] = ()
    owners: tuple[str, ...] | None = None
    federated: int = 0
    #: The app's federated identity credentials (read with `$expand=federatedIdentityCredentials`).
    federated_credentials: tuple[FederatedRecord, ...] = ()


@dataclass(frozen=True)
class PrincipalRecord:
    """A service principal with its own credentials and whether it may sign in."""

    object_id: str
    app_id: str
    display_name: str
    enabled: bool
    credentials: tuple[Credential, ...] = ()


@dataclass(frozen=True)
class Tenant:
    """Everything the audit read."""

    apps: tuple[AppRecord, ...]
    principals: tuple[PrincipalRecord, ...]
    requests: int = 0
    throttled: int = 0

    def credentials(self) -> list[Credential]:
        out = [c for a in self.apps for c in a.credentials]
        return out + [c for p in self.principals for c in p.credentials]


@dataclass(frozen=True)
class AuditFinding:
    """One thing to tidy: a code, its severity (error, warning, info), what it is about, and why."""

    code: str
    severity: str
    app_id: str
    display_name: str
    message: str
    key_id: str | None = None
    holder: str = Holder.APPLICATION.value
    end: dt.datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "app_id": self.app_id,
            "display_name": self.display_name,
            "holder": self.holder,
            "key_id": self.key_id,
            "end": _iso(self.end),
            "message": self.message,
        }


@dataclass(frozen=True)
class AuditPolicy:
    """The thresholds: warn this many days before expiry; secrets older than this many days (None: any)."""

    expiring_within: int = 30
    max_secret_age: int | None = None
    now: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.timezone.utc))


def _iso(value: dt.datetime | None) -> str | None:
    return None if value is None else value.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(value: object) -> dt.datetime | None:
    """Graph's DateTimeOffset (`2025-01-01T00:00:00Z`, with or without fractions), or None."""
    if not isinstance(value, str) or not value:
        return None
    text = value.strip().replace("Z", "+00:00")
    if "." in text:  # Python 3.10 reads at most 6 fraction digits; Graph sends 7
        head, _, rest = text.partition(".")
        digits = "".join(ch for ch in rest if ch.isdigit())
        text = f"{head}.{digits[:6]}{rest[len(digits) :]}"
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.timezone.utc)
