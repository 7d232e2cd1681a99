"""`Sandbox`: serve the sandbox tenant over HTTPS on loopback from a background thread (http_server)."""

from __future__ import annotations

import ipaddress
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from wizard.errors import ConnectError, UsageError
from wizard.sandbox.app import build_app
from wizard.sandbox.defaults import resolve_scenario
from wizard.sandbox.faults import Faults
from wizard.sandbox.host_routes import CERT_NAMES
from wizard.sandbox.http_server import HttpServer
from wizard.sandbox.oidc_issuers import describe_issuers, find_issuer, mint_token
from wizard.sandbox.records import Record
from wizard.sandbox.reqlog import RequestLog, RequestLogEntry
from wizard.sandbox.scenario import Scenario
from wizard.sandbox.state import AppState, SandboxState, TenantState
from wizard.sandbox.tls import KeyStore, data_root, load_or_create_ca, server_cert
from wizard.sandbox.tokens import issuer_v2
from wizard.secret import mask

if TYPE_CHECKING:
    from wizard.sandbox.users import DelegatedDirectory

READY_TIMEOUT = 30.0
#: Seconds a client has to send a whole request line and headers; idle keep-alive connections close too.
HEADER_TIMEOUT = 10.0
KEEP_ALIVE_TIMEOUT = 30


def is_loopback(host: str) -> bool:
    """`localhost`, or an address in 127.0.0.0/8 or ::1."""
    if host.lower().rstrip(".") == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class SandboxApp(Record, frozen=True):
    """One daemon app of the sandbox, with the credentials the sandbox generated for it."""

    name: str
    client_id: str
    object_id: str
    sp_object_id: str
    display_name: str
    tenant_id: str
    tenant_domain: str
    authority: str
    secret: str | None
    secret_id: str | None
    cert_key_path: str | None = None
    cert_path: str | None = None
    cert_combined_path: str | None = None
    cert_pfx_path: str | None = None
    thumbprint_sha1: str | None = None
    thumbprint_sha256: str | None = None
    #: The app's federated identity credentials, issuers resolved against the sandbox's base URL.
    federated_credentials: tuple[dict[str, Any], ...] = ()
    sign_in_audience: str = "AzureADMyOrg"

    def to_dict(self, *, show_secrets: bool = True) -> dict[str, Any]:
        secret = self.secret if show_secrets or self.secret is None else mask(self.secret)
        return {
            "name": self.name,
            "client_id": self.client_id,
            "object_id": self.object_id,
            "service_principal_object_id": self.sp_object_id,
            "display_name": self.display_name,
            "tenant_id": self.tenant_id,
            "authority": self.authority,
            "secret": secret,
            "secret_id": self.secret_id,
            "certificate": None
            if self.cert_path is None
            else {
                "key_pem": self.cert_key_path,
                "cert_pem": self.cert_path,
                "combined_pem": self.cert_combined_path,
                "pfx": self.cert_pfx_path,
                "thumbprint_sha1": self.thumbprint_sha1,
                "thumbprint_sha256": self.thumbprint_sha256,
            },
            "federated_credentials": [dict(f) for f in self.federated_credentials],
            "sign_in_audience": self.sign_in_audience,
        }


class Sandbox:
    """The sandbox tenant; `start()` returns once it answers, `stop()` shuts it down."""

    def __init__(
        self,
        scenario: Scenario | str | Path | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        hostnames: tuple[str, ...] | list[str] = (),
        data_dir: str | Path | None = None,
        header_timeout: float = HEADER_TIMEOUT,
        state_path: str | Path | None = None,
        replication_lag: int | None = None,
        token_lag: int | None = None,
    ) -> None:
        # A path (or "default") is accepted too, as `--sandbox [SCENARIO]` gives it.
        self.scenario = (
            scenario
            if isinstance(scenario, Scenario)
            else resolve_scenario(None if scenario is None else str(scenario))
        )
        self.host = host
        self.requested_port = port
        self.hostnames = tuple(hostnames)
        self.data_dir = data_dir
        self.header_timeout = header_timeout
        #: `--state PATH`: keep what Graph writes create in SQLite across restarts (else memory only).
        self.state_path = Path(state_path) if state_path is not None else None
        #: `--replication-lag N`: new objects answer 404 for N reads, in every tenant.
        self.replication_lag = replication_lag
        #: `--token-lag N`: new secrets and app role assignments reach tokens after N token requests.
        self.token_lag = token_lag
        self.faults = Faults()
        self._log = RequestLog()
        self._state: SandboxState | None = None
        self._server: HttpServer | None = None
        self._workdir: Path | None = None
        self._ca_file: str | None = None
        self.port = 0

    # -- lifecycle -------------------------------------------------------------------------------------
    def start(self) -> Sandbox:
        if self._server is not None:
            return self
        root = data_root(self.data_dir)
        ca = load_or_create_ca(root)
        keys = KeyStore(root / "sandbox")  # RSA keys made once per user, reused: the slow part of a start
        self._ca_file = str(ca.cert_path)
        names = [self.host, "localhost", "127.0.0.1", "::1", *self.hostnames]
        # The Microsoft service host names a client in sandbox mode connects here (wizard.sandbox.host_routes).
        server_pem = server_cert(ca, [*names, *CERT_NAMES], keys)
        self._workdir = Path(tempfile.mkdtemp(prefix="daemon-wizard-sandbox-"))
        self._state = SandboxState(self.scenario, credentials_dir=self._workdir / "credentials", keys=keys)
        try:
            self._writes_setup(self._state)
        except BaseException:
            self._cleanup()
            raise
        known: set[str] = set()
        app = build_app(self._state, faults=self.faults, log=self._log, known_hosts=known)
        self._server = HttpServer(
            app,
            host=self.host,
            port=self.requested_port,
            certfile=str(server_pem),
            header_timeout=self.header_timeout,
            keep_alive_timeout=KEEP_ALIVE_TIMEOUT,
        )
        self.faults.release.clear()
        try:
            self.port = self._server.start(timeout=READY_TIMEOUT)
        except OSError as exc:  # a bind failure, or TimeoutError
            self._cleanup()
            raise ConnectError(
                f"The sandbox could not listen on {self.host}:{self.requested_port} ({exc.strerror or exc})",
                hint="Choose another --port (or 0 for any free port).",
            ) from None
        for name in {n.lower() for n in names}:
            shown = f"[{name}]" if ":" in name else name
            # msal sends the authorization endpoint of its instance without the port.
            known.update({f"{shown}:{self.port}", shown})
        return self

    def _writes_setup(self, state: SandboxState) -> None:
        """The replication lag asked for, and the kept state of `--state` (loaded, then written to)."""
        lags = {"replication_lag": self.replication_lag, "token_lag": self.token_lag}
        for tenant_id in state.tenants:
            state.writes.settings(tenant_id).update(**{k: v for k, v in lags.items() if v is not None})
        if self.state_path is not None:
            from wizard.sandbox.state_sqlite import SqliteStore

            store = SqliteStore(self.state_path)
            store.load(state)
            state.writes.store = store

    def stop(self, *, wait: bool = True) -> None:
        """Shut the server down: in-flight requests get a moment, idle keep-alive connections close at
        once; `wait=False` returns at once, for a process about to exit. The temporary folder goes either way."""
        self.faults.release.set()
        if self._server is not None:
            self._server.stop(wait=wait)
        self._cleanup()

    def _cleanup(self) -> None:
        self._server = None
        if self._workdir is not None:
            shutil.rmtree(self._workdir, ignore_errors=True)
            self._workdir = None

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return self._server is not None and self._server.running

    # -- addresses -------------------------------------------------------------------------------------
    @property
    def loopback(self) -> bool:
        """Whether it listens on loopback only; anything else exposes generated secrets to the network."""
        return is_loopback(self.host)

    @property
    def base_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"https://{host}:{self.port}"

    @property
    def ca_file(self) -> str:
        if self._ca_file is None:
            raise UsageError("The sandbox is not started")
        return self._ca_file

    def authority(self, tenant: str) -> str:
        """`<base_url>/<tenant>` for a tenant id, domain or scenario name."""
        found = self._tenant(tenant)
        return f"{self.base_url}/{found.spec.id if found and found.spec.name == tenant else tenant}"

    @property
    def address(self) -> str:
        """`host:port` the sandbox listens on: where a client connects the routed host names."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"

    @property
    def graph_base_url(self) -> str:
        return f"{self.base_url}/v1.0"

    @property
    def todo_base_url(self) -> str:
        return self.base_url

    # -- directory -------------------------------------------------------------------------------------
    @property
    def state(self) -> SandboxState:
        if self._state is None:
            raise UsageError("The sandbox is not started")
        return self._state

    @property
    def request_log(self) -> list[RequestLogEntry]:
        return self._log.entries()

    def clear_request_log(self) -> None:
        self._log.clear()

    def wait_for_request(
        self, predicate: Callable[[list[RequestLogEntry]], bool], *, timeout: float = 30.0
    ) -> bool:
        """Wait until the request log satisfies `predicate` (a request was answered), at most `timeout` s."""
        return self._log.wait_for(predicate, timeout)

    def request_log_idle(self, *, timeout: float = 30.0) -> bool:
        """Wait until no request is being answered (a hung or slow one from an earlier step has ended)."""
        return self._log.wait_idle(timeout)

    def _tenant(self, ident: str) -> TenantState | None:
        if self._state is None:
            return None
        by_name = next((t for t in self._state.tenants.values() if t.spec.name == ident), None)
        return by_name or self._state.tenant(ident)

    def _app(self, tenant: TenantState, app: AppState) -> SandboxApp:
        with self.state.lock:
            secret = app.secrets[-1] if app.secrets else None
            own = [k.certificate for k in app.certificates if k.certificate.key_path]
            cert = own[-1] if own else None
        return SandboxApp(
            name=app.spec.name,
            client_id=app.client_id,
            object_id=app.spec.object_id,
            sp_object_id=app.spec.sp_object_id,
            display_name=app.spec.display_name,
            tenant_id=tenant.spec.id,
            tenant_domain=tenant.spec.domain,
            authority=f"{self.base_url}/{tenant.spec.id}",
            secret=secret.value if secret else None,
            secret_id=secret.key_id if secret else None,
            cert_key_path=cert.key_path if cert else None,
            cert_path=cert.cert_path if cert else None,
            cert_combined_path=cert.combined_path if cert else None,
            cert_pfx_path=cert.pfx_path if cert else None,
            thumbprint_sha1=cert.thumbprint_sha1 if cert else None,
            thumbprint_sha256=cert.thumbprint_sha256 if cert else None,
            federated_credentials=tuple(
                {
                    "name": f.name,
                    "issuer": f.issuer_at(self.base_url),
                    "subject": f.subject,
                    "audiences": list(f.audiences),
                }
                for f in app.spec.federated_credentials
            ),
            sign_in_audience=app.spec.sign_in_audience,
        )

    def app(self, name: str) -> SandboxApp:
        """An app by its scenario name (e.g. 'graph-daemon') or client id."""
        try:
            tenant, app = self.state.app_by_name(name)
        except UsageError:
            tenant, app = self.state.find_app(name)
        return self._app(tenant, app)

    def federated_token_file(
        self, name: str, *, subject: str | None = None, lifetime: int = 600
    ) -> str | None:
        """A file holding a token of the sandbox issuer the app's first federated credential trusts, for
        that credential's subject (or `subject`), as a workload finds it; None when the app has none."""
        try:
            _, app = self.state.app_by_name(name)
        except UsageError:
            _, app = self.state.find_app(name)
        for fic in app.spec.federated_credentials:
            iss = fic.issuer_at(self.base_url)
            found = find_issuer(self.state.oidc_issuers, iss, {urlsplit(self.base_url).netloc.lower()})
            if found is None:
                continue
            body = {"sub": subject or fic.subject, "aud": fic.audiences[0], "lifetime": lifetime}
            token = mint_token(found, self.base_url, body)
            assert self._workdir is not None
            folder = self._workdir / "federated"
            folder.mkdir(mode=0o700, exist_ok=True)
            path = folder / f"{app.spec.name}.jwt"
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="ascii") as f:
                f.write(token)
            return str(path)
        return None

    def describe(self, *, show_secrets: bool = True) -> dict[str, Any]:
        """The ready line: where the sandbox is, what to trust, and every tenant, app and API."""
        tenants = []
        for t in self.state.tenants.values():
            tenants.append(
                {
                    "name": t.spec.name,
                    "id": t.spec.id,
                    "domain": t.spec.domain,
                    "display_name": t.spec.display_name,
                    "type": t.spec.type,
                    "authority": f"{self.base_url}/{t.spec.id}",
                    "issuer": issuer_v2(t, self.base_url),
                    "apps": [self._app(t, a).to_dict(show_secrets=show_secrets) for a in t.apps.values()],
                    "apis": [
                        {
                            "name": api.name,
                            "display_name": api.display_name,
                            "app_id": api.app_id,
                            "app_id_uri": api.app_id_uri,
                            "scope": f"{api.app_id_uri}/.default",
                            "access_token_version": api.access_token_version,
                            "assignment_required": api.assignment_required,
                            "roles": [{"value": r.value, "id": r.id} for r in api.roles],
                        }
                        for api in t.apis()
                    ],
                    **_describe_delegated(self.state.delegated, t.spec.id, show_secrets=show_secrets),
                    "issuers": describe_issuers(self.state.oidc_issuers, self.base_url),
                }
            )
        return {
            "base_url": self.base_url,
            "ca_file": self.ca_file,
            "graph_base_url": self.graph_base_url,
            "todo_base_url": self.todo_base_url,
            "tenants": tenants,
            "issuers": describe_issuers(self.state.oidc_issuers, self.base_url),
        }


def _describe_delegated(
    directory: DelegatedDirectory, tenant_id: str, *, show_secrets: bool
) -> dict[str, Any]:
    """The tenant's accounts and public clients for `describe` (wizard.sandbox.users, loaded with its first use)."""
    from wizard.sandbox.users import describe_delegated

    return describe_delegated(directory, tenant_id, show_secrets=show_secrets)
