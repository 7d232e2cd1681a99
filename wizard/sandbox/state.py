"""The sandbox directory at run time: credentials, service principals, consent grants (mutable)."""

from __future__ import annotations

import base64
import datetime as dt
import functools
import secrets
import string
import threading
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wizard.errors import UsageError
from wizard.sandbox.graph_directory import WriteDirectory
from wizard.sandbox.oidc_issuers import new_issuers
from wizard.sandbox.records import Record, field
from wizard.sandbox.scenario import (
    APPLICATION,
    CERTIFICATE,
    GRAPH_API,
    SECRET,
    ApiSpec,
    AppSpec,
    Scenario,
    TenantSpec,
)
from wizard.sandbox.signing import SigningKey, kept_signing_key, new_signing_key
from wizard.sandbox.tls import AppCertificate, KeyStore, make_app_certificate, new_key, public_app_certificate

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric import rsa

    from wizard.sandbox.delegated_sessions import DelegatedSessions
    from wizard.sandbox.users import DelegatedDirectory

_SECRET_ALPHABET = string.ascii_letters + string.digits + "~._-"


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _draw(alphabet: str, k: int) -> str:
    """`k` characters, each uniform over `alphabet`: one read of the system's random source, rejection
    sampled (a start makes ~40 secrets; a `secrets.choice` per character was ~1,500 reads)."""
    n = len(alphabet)
    limit = 256 - 256 % n
    out: list[str] = []
    while len(out) < k:
        out.extend(alphabet[b % n] for b in secrets.token_bytes(2 * k) if b < limit)
    return "".join(out[:k])


def new_secret_value() -> str:
    """40 characters with a 3-character hint then `8Q~`, shaped like portal-generated secrets."""
    return f"{_draw(string.ascii_letters + string.digits, 3)}8Q~{_draw(_SECRET_ALPHABET, 34)}"


class PasswordCredential(Record):
    """A client secret: the value is only ever shown through describe()/app()."""

    key_id: str
    value: str
    display_name: str
    start: dt.datetime
    end: dt.datetime

    @property
    def hint(self) -> str:
        return self.value[:3]

    def expired(self, now: dt.datetime | None = None) -> bool:
        return (now or _utcnow()) >= self.end


class KeyCredential(Record):
    """An uploaded certificate (public part) and, for the sandbox's own use, its files."""

    key_id: str
    certificate: AppCertificate
    #: The name given when uploaded through Graph (keyCredentials[].displayName); else the subject.
    display_name: str = ""


class AppState(Record):
    """One app registration and its service principal."""

    spec: AppSpec
    tenant_id: str
    secrets: list[PasswordCredential] = field(default_factory=list)
    certificates: list[KeyCredential] = field(default_factory=list)
    disabled: bool = False
    has_service_principal: bool = True
    #: (resource app id, app role id, assignment id, created) — the consented application permissions.
    assignments: list[tuple[str, str, str, dt.datetime]] = field(default_factory=list)
    #: Application properties written through Graph (uniqueName, identifierUris, appRoles, ...), as JSON.
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def client_id(self) -> str:
        return self.spec.client_id


class TenantState(Record):
    """One tenant: its spec plus run-time app state."""

    spec: TenantSpec
    apps: dict[str, AppState] = field(default_factory=dict)  # by client id (lower case)
    #: Service principals of other tenants' multi-tenant apps, made by admin consent here (wizard.sandbox.customer_tenant).
    guests: dict[str, AppState] = field(default_factory=dict)  # by client id (lower case)

    @property
    def external(self) -> bool:
        return self.spec.type == "external"

    def apis(self) -> tuple[ApiSpec, ...]:
        """Microsoft Graph, the scenario's APIs, and apps registered through Graph that expose an API."""
        from wizard.sandbox.graph_directory import written_apis

        return (GRAPH_API, *self.spec.apis, *written_apis(list(self.apps.values())))

    def api_by_name(self, name: str) -> ApiSpec | None:
        return next((a for a in self.apis() if a.name == name), None)

    def api_by_resource(self, resource: str) -> ApiSpec | None:
        """Find an API by App ID URI or appId (case-insensitive, trailing slash ignored)."""
        r = resource.rstrip("/").lower()
        for api in self.apis():
            if r in (api.app_id.lower(), api.app_id_uri.rstrip("/").lower()):
                return api
        from wizard.sandbox.first_party import first_party_api

        return first_party_api(resource)  # ARM, Key Vault, Storage, ...: every tenant knows them


class SandboxState:
    """Thread-safe run-time directory built from a Scenario."""

    def __init__(self, scenario: Scenario, *, credentials_dir: Path, keys: KeyStore | None = None) -> None:
        self.scenario = scenario
        self.lock = threading.RLock()
        self.tenants: dict[str, TenantState] = {}
        #: Where the RSA keys come from: kept per user and reused (`keys`), with the certificates wrapping
        #: them (wizard.sandbox.signing.REUSE_FOR), else made for this run.
        self.keys = keys
        self._delegated: DelegatedDirectory | None = None
        self._sessions: DelegatedSessions | None = None
        self.signing_keys: list[SigningKey] = [self._signing_key(f"signing-{i}") for i in range(2)]
        #: The external OIDC issuers federated credentials trust (wizard.sandbox.oidc_issuers).
        self.oidc_issuers = new_issuers(self._signing_key)
        #: What Graph writes keep beside the apps: tenant settings, deleted items, replication lag.
        self.writes = WriteDirectory(scenario.tenants)
        for spec in scenario.tenants:
            tenant = TenantState(spec=spec)
            for app in spec.apps:
                tenant.apps[app.client_id.lower()] = self._build_app(spec, app, credentials_dir)
            self.tenants[spec.id] = tenant

    def _key(self, purpose: str) -> rsa.RSAPrivateKey:
        return self.keys.key(purpose) if self.keys is not None else new_key()

    def _signing_key(self, purpose: str) -> SigningKey:
        return kept_signing_key(self.keys, purpose) if self.keys is not None else new_signing_key(new_key())

    @property
    def signing_key(self) -> SigningKey:
        return self.signing_keys[0]

    @property
    def delegated(self) -> DelegatedDirectory:
        """Delegated sign-in: accounts, public clients and consent (made with the first request that signs
        someone in: a daemon's run never needs it; under the lock, so two threads never make two)."""
        if self._delegated is None:
            from wizard.sandbox.delegated_written import written_client
            from wizard.sandbox.users import DelegatedDirectory

            with self.lock:
                if self._delegated is None:
                    directory = DelegatedDirectory(self.scenario.tenants)
                    directory.written = functools.partial(written_client, self)  # `login bootstrap`'s clients
                    self._delegated = directory
        return self._delegated

    @property
    def sessions(self) -> DelegatedSessions:
        """Codes and refresh tokens in flight (made with the first delegated request, under the lock)."""
        if self._sessions is None:
            from wizard.sandbox.delegated_sessions import DelegatedSessions

            with self.lock:
                if self._sessions is None:
                    self._sessions = DelegatedSessions()
        return self._sessions

    def _build_app(self, tenant: TenantSpec, app: AppSpec, folder: Path) -> AppState:
        now = _utcnow()
        state = AppState(
            spec=app,
            tenant_id=tenant.id,
            disabled=app.disabled,
            has_service_principal=app.service_principal,
        )
        if SECRET in app.credentials:
            start = now - dt.timedelta(days=200 if app.secret_expired else 1)
            end = now - dt.timedelta(days=1) if app.secret_expired else now + dt.timedelta(days=180)
            state.secrets.append(
                PasswordCredential(str(uuid.uuid4()), new_secret_value(), "sandbox secret", start, end)
            )
        if CERTIFICATE in app.credentials:
            cert = make_app_certificate(
                f"CN={app.display_name}",
                folder / tenant.name,
                app.name,
                key=self._key(f"app:{tenant.name}/{app.name}"),
                store=self.keys,
            )
            state.certificates.append(KeyCredential(str(uuid.uuid4()), cert))
        if app.consented:
            self._assign(tenant, state, None)
        return state

    # -- lookups -------------------------------------------------------------------------------------
    def tenant(self, ident: str) -> TenantState | None:
        """By tenant id or by domain name (case-insensitive)."""
        key = ident.lower()
        if key in self.tenants:
            return self.tenants[key]
        return next((t for t in self.tenants.values() if t.spec.domain == key), None)

    def find_app(self, client_id: str) -> tuple[TenantState, AppState]:
        key = client_id.lower()
        for tenant in self.tenants.values():
            if key in tenant.apps:
                return tenant, tenant.apps[key]
        raise UsageError(f"No sandbox app with client id {client_id}")

    def app_by_name(self, name: str) -> tuple[TenantState, AppState]:
        for tenant in self.tenants.values():
            for app in tenant.apps.values():
                if app.spec.name == name:
                    return tenant, app
        raise UsageError(f"No sandbox app named {name!r}")

    def roles_for(self, app: AppState, api: ApiSpec) -> list[str]:
        """The app role values assigned to the app's service principal on this API."""
        with self.lock:
            rows = [(role_id, aid) for res, role_id, aid, _ in app.assignments if res == api.app_id]
        # An assignment just made through Graph may not have reached the token service yet (token_lag).
        ids = {role_id for role_id, aid in rows if not self.writes.lagging(aid)}
        return [r.value for r in api.roles if r.id in ids]

    def has_assignment(self, app: AppState, api: ApiSpec) -> bool:
        with self.lock:
            return any(res == api.app_id for res, _, _, _ in app.assignments)

    # -- run-time changes ---------------------------------------------------------------------------
    def _assign(self, tenant: TenantSpec, app: AppState, resource_app_id: str | None) -> int:
        added = 0
        apis = {a.name: a for a in (GRAPH_API, *tenant.apis)}
        for perm in app.spec.permissions:
            api = apis[perm.api]
            if perm.type != APPLICATION or (resource_app_id and api.app_id != resource_app_id.lower()):
                continue
            role = api.role(perm.value)
            if role is None:
                continue
            if any(res == api.app_id and rid == role.id for res, rid, _, _ in app.assignments):
                continue
            app.assignments.append((api.app_id, role.id, _assignment_id(), _utcnow()))
            added += 1
        return added

    def grant_consent(self, client_id: str, resource_app_id: str | None = None) -> int:
        """Admin consent: assign the app's configured application permissions; returns how many were new."""
        with self.lock:
            tenant, app = self.find_app(client_id)
            app.has_service_principal = True
            added = self._assign(tenant.spec, app, resource_app_id)
            self.writes.saved(tenant)  # `--state` keeps consent given on the admin consent page
            return added

    def revoke_consent(self, client_id: str) -> None:
        with self.lock:
            tenant, app = self.find_app(client_id)
            app.assignments.clear()
            self.writes.saved(tenant)

    def expire_secret(self, client_id: str) -> None:
        """Make every secret of the app expired (as if its end date passed)."""
        with self.lock:
            app = self.find_app(client_id)[1]
            past = _utcnow() - dt.timedelta(seconds=1)
            for s in app.secrets:
                s.end = past

    def add_secret(self, client_id: str) -> str:
        """A new valid secret (like 'New client secret'); returns its value."""
        with self.lock:
            tenant, app = self.find_app(client_id)
            now = _utcnow()
            cred = PasswordCredential(
                str(uuid.uuid4()), new_secret_value(), "added", now, now + dt.timedelta(days=180)
            )
            app.secrets.append(cred)
            self.writes.saved(tenant)
            return cred.value

    def upload_certificate(self, client_id: str, certificate: bytes) -> str:
        """Register a public certificate (PEM or DER) on the app, as "Upload certificate" does; its key id."""
        from wizard.certs.load import load_bytes
        from wizard.errors import CertificateUnreadable

        loaded = load_bytes(certificate)
        cert, prints = loaded.certificate, loaded.thumbprints
        if cert is None or prints is None:
            raise CertificateUnreadable(
                "No certificate to upload", hint="Upload the .cer or .pem, not the key."
            )
        uploaded = public_app_certificate(cert)  # the private key stays with the daemon, as in the portal
        with self.lock:
            tenant, app = self.find_app(client_id)
            existing = next(
                (k for k in app.certificates if k.certificate.thumbprint_sha256 == prints.sha256_hex), None
            )
            if existing is not None:
                return existing.key_id
            cred = KeyCredential(str(uuid.uuid4()), uploaded)
            app.certificates.insert(0, cred)  # the scenario's own certificate (with its files) stays last
            self.writes.saved(tenant)
            return cred.key_id

    def set_disabled(self, client_id: str, disabled: bool = True) -> None:
        with self.lock:
            self.find_app(client_id)[1].disabled = disabled


def _assignment_id() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(33)).decode()
