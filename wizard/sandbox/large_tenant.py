"""Generated large tenants for the sandbox: N app registrations with credentials at many expiry dates.

A scenario tenant may carry a `[tenants.generate]` table (`apps`, `seed`, and the shares that are
disabled, have no owner, or keep credentials on the service principal) and a `[tenants.throttle]` table
(`rate` Graph requests per second, `retry_after` seconds). Generated objects are metadata only, as
Graph shows them: no secret values or private keys exist for them, so no token can be had for them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import threading
import time
import uuid
from collections import deque
from functools import lru_cache
from typing import Any

from wizard.errors import ConfigFileError
from wizard.sandbox.records import Record

_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


class GenerateSpec(Record, frozen=True):
    """How many generated apps a tenant has, and in which shares they are untidy."""

    apps: int = 0
    seed: int = 1
    disabled_share: float = 0.05
    no_owner_share: float = 0.2
    sp_credential_share: float = 0.1
    certificate_share: float = 0.4


class ThrottleSpec(Record, frozen=True):
    """Graph answers 429 with Retry-After past `rate` requests per second in one tenant (0: never)."""

    rate: int = 0
    retry_after: int = 1


def _number(d: dict[str, Any], key: str, where: str, default: float, *, share: bool = False) -> float:
    value = d.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0 or (share and value > 1):
        bound = "between 0 and 1" if share else "a number, 0 or more"
        raise ConfigFileError(f"{where}: '{key}' must be {bound}")
    return float(value)


def generate_spec(d: dict[str, Any], where: str) -> GenerateSpec:
    """The `generate` table of a scenario tenant (absent: nothing generated)."""
    table = d.get("generate", {})
    if not isinstance(table, dict):
        raise ConfigFileError(f"{where}: 'generate' must be a table")
    where = f"{where} generate"
    apps = int(_number(table, "apps", where, 0))
    if apps > 100_000:
        raise ConfigFileError(f"{where}: 'apps' is at most 100000")
    return GenerateSpec(
        apps=apps,
        seed=int(_number(table, "seed", where, 1)),
        disabled_share=_number(table, "disabled_share", where, 0.05, share=True),
        no_owner_share=_number(table, "no_owner_share", where, 0.2, share=True),
        sp_credential_share=_number(table, "sp_credential_share", where, 0.1, share=True),
        certificate_share=_number(table, "certificate_share", where, 0.4, share=True),
    )


def throttle_spec(d: dict[str, Any], where: str) -> ThrottleSpec:
    """The `throttle` table of a scenario tenant (absent: no throttling)."""
    table = d.get("throttle", {})
    if not isinstance(table, dict):
        raise ConfigFileError(f"{where}: 'throttle' must be a table")
    where = f"{where} throttle"
    return ThrottleSpec(
        rate=int(_number(table, "rate", where, 0)),
        retry_after=max(1, int(_number(table, "retry_after", where, 1))),
    )


class GeneratedTenant(Record, frozen=True):
    """Graph JSON of the generated objects, and each application's owners (user object IDs)."""

    applications: tuple[dict[str, Any], ...]
    service_principals: tuple[dict[str, Any], ...]
    owners: dict[str, tuple[str, ...]]


def _guid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _iso(t: dt.datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def _secret(rng: random.Random, start: dt.datetime, end: dt.datetime, n: int) -> dict[str, Any]:
    return {
        "customKeyIdentifier": None,
        "displayName": f"secret {n}",
        "endDateTime": _iso(end),
        "hint": "".join(rng.choice(_ALPHABET) for _ in range(3)),
        "keyId": _guid(rng),
        "secretText": None,
        "startDateTime": _iso(start),
    }


def _certificate(rng: random.Random, start: dt.datetime, end: dt.datetime, name: str) -> dict[str, Any]:
    thumb = hashlib.sha1(rng.getrandbits(64).to_bytes(8, "big")).hexdigest().upper()  # noqa: S324 - a label
    return {
        "customKeyIdentifier": thumb,
        "displayName": f"CN={name}",
        "endDateTime": _iso(end),
        "key": None,
        "keyId": _guid(rng),
        "startDateTime": _iso(start),
        "type": "AsymmetricX509Cert",
        "usage": "Verify",
    }


def _credentials(
    rng: random.Random, now: dt.datetime, spec: GenerateSpec, name: str
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Secrets and certificates whose end dates spread from a year ago to two and a half years ahead."""
    passwords: list[dict[str, Any]] = []
    keys: list[dict[str, Any]] = []
    for n in range(rng.choice((0, 1, 1, 1, 2, 3))):
        end = now + dt.timedelta(days=rng.randint(-365, 900), hours=rng.randint(0, 23))
        start = end - dt.timedelta(days=rng.choice((90, 180, 365, 730)))
        passwords.append(_secret(rng, start, end, n + 1))
    if rng.random() < spec.certificate_share:
        end = now + dt.timedelta(days=rng.randint(-200, 900))
        keys.append(_certificate(rng, end - dt.timedelta(days=365), end, name))
    return passwords, keys


@lru_cache(maxsize=8)
def _generate(spec: GenerateSpec, owner_ids: tuple[str, ...], day: str) -> GeneratedTenant:
    rng = random.Random(spec.seed)  # noqa: S311 - test data, not security
    now = dt.datetime.fromisoformat(day).replace(tzinfo=dt.timezone.utc)
    apps: list[dict[str, Any]] = []
    sps: list[dict[str, Any]] = []
    owners: dict[str, tuple[str, ...]] = {}
    for i in range(1, spec.apps + 1):
        name = f"generated-app-{i:05d}"
        object_id, app_id, sp_id = _guid(rng), _guid(rng), _guid(rng)
        passwords, keys = _credentials(rng, now, spec, name)
        apps.append(
            {
                "id": object_id,
                "appId": app_id,
                "displayName": f"Generated App {i:05d}",
                "createdDateTime": "2024-01-15T09:30:00Z",
                "signInAudience": "AzureADMyOrg",
                "identifierUris": [],
                "appRoles": [],
                "requiredResourceAccess": [],
                "passwordCredentials": passwords,
                "keyCredentials": keys,
            }
        )
        no_owner = rng.random() < spec.no_owner_share or not owner_ids
        owners[object_id] = () if no_owner else (rng.choice(owner_ids),)
        sp_passwords: list[dict[str, Any]] = []
        if rng.random() < spec.sp_credential_share:
            sp_passwords, _ = _credentials(rng, now, GenerateSpec(certificate_share=0.0), name)
        sps.append(
            {
                "id": sp_id,
                "appId": app_id,
                "displayName": f"Generated App {i:05d}",
                "accountEnabled": rng.random() >= spec.disabled_share,
                "appRoleAssignmentRequired": False,
                "servicePrincipalType": "Application",
                "appRoles": [],
                "passwordCredentials": sp_passwords,
                "keyCredentials": [],
            }
        )
    return GeneratedTenant(tuple(apps), tuple(sps), owners)


def generated(spec: GenerateSpec, owner_ids: tuple[str, ...]) -> GeneratedTenant:
    """The tenant's generated objects, built once per day (expiry dates are relative to today)."""
    if spec.apps == 0:
        return GeneratedTenant((), (), {})
    return _generate(spec, owner_ids, dt.datetime.now(dt.timezone.utc).date().isoformat())


class Throttle:
    """A sliding one-second window per tenant; `admit` says how long to wait, or None when admitted."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seen: dict[str, deque[float]] = {}

    def admit(self, tenant_id: str, spec: ThrottleSpec) -> int | None:
        if spec.rate <= 0:
            return None
        now = time.monotonic()
        with self._lock:
            window = self._seen.setdefault(tenant_id, deque())
            while window and now - window[0] >= 1.0:
                window.popleft()
            if len(window) >= spec.rate:
                return spec.retry_after
            window.append(now)
            return None
