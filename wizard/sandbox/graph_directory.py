"""The directory Graph writes change: new app registrations, deleted items, lookups by alternate key,
the APIs such apps expose, and the replication lag of new objects (counted in reads, never timed)."""

from __future__ import annotations

import datetime as dt
import re
import threading
import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Protocol

from wizard.sandbox.graph_policy import WriteSettings
from wizard.sandbox.records import Record
from wizard.sandbox.scenario import ApiSpec, AppRole, AppSpec, TenantSpec

if TYPE_CHECKING:
    from wizard.sandbox.state import AppState, TenantState

_GUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_NAME_SAFE = r"[^A-Za-z0-9._-]"  # compiled on first use (re caches it)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class DeletedApp(Record):
    """An application in the recycle bin (`/directory/deletedItems`): it keeps its uniqueName and URIs."""

    app: AppState
    deleted: dt.datetime


class Store(Protocol):
    """Where a standalone sandbox keeps what Graph writes created (wizard.sandbox.state_sqlite)."""

    def save(self, tenant: TenantState, writes: WriteDirectory) -> None: ...


class WriteDirectory:
    """Per tenant: write settings, deleted applications, the apps created through Graph; lag counters."""

    def __init__(self, tenants: Iterable[TenantSpec]) -> None:
        self._lock = threading.Lock()
        self._settings = {t.id: WriteSettings(t.writes) for t in tenants}
        self.deleted: dict[str, dict[str, DeletedApp]] = {t: {} for t in self._settings}
        #: Client ids of the apps created through Graph (what `--state` keeps).
        self.created: set[str] = set()
        self._lag: dict[str, int] = {}
        self.store: Store | None = None

    def settings(self, tenant_id: str) -> WriteSettings:
        return self._settings[tenant_id]

    # -- replication lag -------------------------------------------------------------------------------
    def start_lag(self, tenant_id: str, *idents: str, token: bool = False) -> None:
        """New objects stay invisible for the tenant's `replication_lag` reads (each identifier counts);
        with `token`, new credentials and assignments for its `token_lag` token requests."""
        current = self._settings[tenant_id].current
        reads = current.token_lag if token else current.replication_lag
        if reads <= 0:
            return
        with self._lock:
            for ident in idents:
                self._lag[ident.lower()] = reads

    def lagging(self, ident: str) -> bool:
        """Whether the object is not replicated yet; one read of it is consumed."""
        key = ident.lower()
        with self._lock:
            left = self._lag.get(key, 0)
            if left <= 0:
                return False
            if left == 1:
                del self._lag[key]
            else:
                self._lag[key] = left - 1
            return True

    def lagging_in(self, text: str) -> bool:
        """Whether any object named (by a GUID) in this path is not replicated yet."""
        with self._lock:
            if not self._lag:
                return False
        hits = [self.lagging(g) for g in _GUID.findall(text)]
        return any(hits)

    def saved(self, tenant: TenantState) -> None:
        """After a successful write: persist the tenant (one transaction) when `--state` asks for it."""
        if self.store is not None:
            self.store.save(tenant, self)


def new_app(
    tenant: TenantState, *, display_name: str, unique_name: str | None, owners: tuple[str, ...]
) -> AppState:
    """A new registration (no service principal yet, no credentials) with Graph-made ids."""
    from wizard.sandbox.state import AppState

    client_id = str(uuid.uuid4())
    base = re.sub(_NAME_SAFE, "-", unique_name or display_name or "app")[:40].strip("-.") or "app"
    name = base if not any(a.spec.name == base for a in tenant.apps.values()) else f"{base}-{client_id[:8]}"
    spec = AppSpec(
        name=name,
        client_id=client_id,
        object_id=str(uuid.uuid4()),
        sp_object_id=str(uuid.uuid4()),
        display_name=display_name,
        credentials=(),
        service_principal=False,
        owners=owners,
    )
    app = AppState(spec=spec, tenant_id=tenant.spec.id, has_service_principal=False)
    app.extra = {
        "displayName": display_name,
        "uniqueName": unique_name,
        "createdDateTime": utcnow().strftime("%Y-%m-%dT%H:%M:%SZ"),
        "requiredResourceAccess": [],
    }
    return app


def by_object_id(tenant: TenantState, object_id: str) -> AppState | None:
    key = object_id.lower()
    return next((a for a in list(tenant.apps.values()) if a.spec.object_id.lower() == key), None)


def by_unique_name(tenant: TenantState, unique_name: str) -> AppState | None:
    key = unique_name.lower()
    return next(
        (a for a in list(tenant.apps.values()) if str(a.extra.get("uniqueName") or "").lower() == key), None
    )


def by_sp_id(tenant: TenantState, sp_id: str) -> AppState | None:
    """The app whose (existing) service principal has this object id."""
    key = sp_id.lower()
    return next(
        (
            a
            for a in list(tenant.apps.values())
            if a.has_service_principal and a.spec.sp_object_id.lower() == key
        ),
        None,
    )


def held_by_deleted(writes: WriteDirectory, tenant: TenantState, prop: str, values: Iterable[str]) -> bool:
    """Whether a soft-deleted app keeps one of these values of `uniqueName` or `identifierUris`."""
    wanted = {v.lower() for v in values if v}
    for gone in writes.deleted[tenant.spec.id].values():
        held = gone.app.extra.get(prop)
        have = held if isinstance(held, list) else [held]
        if wanted & {str(h).lower() for h in have if h}:
            return True
    return False


def in_use(tenant: TenantState, prop: str, values: Iterable[str], *, besides: AppState | None = None) -> bool:
    """Whether another live app already has one of these values of `uniqueName` or `identifierUris`."""
    wanted = {v.lower() for v in values if v}
    for app in list(tenant.apps.values()):
        if app is besides:
            continue
        held = app.extra.get(prop)
        have = held if isinstance(held, list) else [held]
        if wanted & {str(h).lower() for h in have if h}:
            return True
    return False


def _app_roles(raw: Any) -> tuple[AppRole, ...]:
    roles = []
    for r in raw if isinstance(raw, list) else []:
        if not isinstance(r, dict) or not r.get("isEnabled", True) or not r.get("value") or not r.get("id"):
            continue
        if "Application" not in (r.get("allowedMemberTypes") or []):
            continue
        roles.append(
            AppRole(
                str(r["value"]),
                str(r["id"]).lower(),
                str(r.get("displayName") or ""),
                str(r.get("description") or ""),
            )
        )
    return tuple(roles)


def written_api(app: AppState) -> ApiSpec | None:
    """The API an app registered through Graph exposes (app roles or an App ID URI), once it has a service
    principal; tokens for it follow `api.requestedAccessTokenVersion` (null means v1, as in Entra)."""
    uris = app.extra.get("identifierUris") or []
    roles = _app_roles(app.extra.get("appRoles"))
    if not app.has_service_principal or not (uris or roles):
        return None
    api = app.extra.get("api") or {}
    version = api.get("requestedAccessTokenVersion") if isinstance(api, dict) else None
    return ApiSpec(
        name=app.spec.name,
        app_id=app.client_id.lower(),
        app_id_uri=str(uris[0]) if uris else app.client_id.lower(),
        display_name=str(app.extra.get("displayName") or app.spec.display_name),
        roles=roles,
        access_token_version=2 if version == 2 else 1,
        object_id=app.spec.object_id,
        sp_object_id=app.spec.sp_object_id,
    )


def written_apis(apps: list[AppState]) -> tuple[ApiSpec, ...]:
    return tuple(api for a in apps if a.extra and (api := written_api(a)) is not None)
