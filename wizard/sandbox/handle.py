"""`SandboxHandle`: the sandbox's typed public face for the live checks and the TUI.

What a client of the sandbox may know (its URLs, the CA to trust, every app of the scenario with its
credentials, the own API an app asks permissions for, the registration an admin would see in the portal) and
what an admin may do (grant consent, upload a certificate). Nothing outside `wizard.sandbox` reads its state.
"""

from __future__ import annotations

from typing import Any

from wizard.errors import UsageError
from wizard.sandbox.faults import Faults
from wizard.sandbox.records import Record
from wizard.sandbox.scenario import GRAPH_NAME
from wizard.sandbox.server import Sandbox, SandboxApp


class SandboxApi(Record, frozen=True):
    """The own API (not Microsoft Graph) an app of the sandbox asks permissions for."""

    name: str
    #: Its App ID URI (or appId when it has none): what `<resource>/.default` names.
    resource: str | None
    #: The permission values the app asks for on it (Application ones; what the API checks in `roles`).
    roles: tuple[str, ...]


class SandboxProbe(Record, frozen=True):
    """A call an app of the sandbox makes to an imitated resource: the token's resource and the request."""

    resource: str
    url: str
    method: str = "GET"
    body: str | None = None


class SandboxHandle:
    """A started sandbox, as the rest of the wizard sees it (`open_sandbox` starts one)."""

    def __init__(self, sandbox: Sandbox) -> None:
        self._sandbox = sandbox

    # -- where it is -------------------------------------------------------------------------------------
    @property
    def ca_file(self) -> str:
        """The CA certificate (PEM) that signed the sandbox's TLS certificate: the one file to trust."""
        return self._sandbox.ca_file

    @property
    def base_url(self) -> str:
        return self._sandbox.base_url

    @property
    def address(self) -> str:
        """`host:port` of the sandbox: where a client connects Microsoft service host names."""
        return self._sandbox.address

    @property
    def graph_base_url(self) -> str:
        return self._sandbox.graph_base_url

    @property
    def todo_base_url(self) -> str:
        return self._sandbox.todo_base_url

    def authority(self, tenant: str) -> str:
        """`<base_url>/<tenant id>` for a tenant id, domain or scenario name."""
        return self._sandbox.authority(tenant)

    def public_client(self, name: str = "wizard-admin", tenant: str = "contoso") -> str:
        """The client id of one of a tenant's public clients (the wizard's admin sign-in goes through them)."""
        for t in self._sandbox.describe()["tenants"]:
            if tenant in (t.get("name"), t.get("tenant_id")):
                for client in t.get("public_clients", []):
                    if client.get("name") == name:
                        return str(client["client_id"])
        raise UsageError(f"The sandbox tenant {tenant!r} has no public client named {name!r}")

    # -- its directory -------------------------------------------------------------------------------------
    def apps(self) -> tuple[SandboxApp, ...]:
        """Every app of the scenario, tenant by tenant, in the scenario's order."""
        state = self._sandbox.state
        return tuple(self._sandbox.app(a.client_id) for t in state.tenants.values() for a in t.apps.values())

    def app(self, name: str) -> SandboxApp:
        """An app by its scenario name or client id; a UsageError naming the known apps if there is none."""
        try:
            return self._sandbox.app(name)
        except (UsageError, KeyError, LookupError) as exc:
            known = ", ".join(a.name for a in self.apps())
            raise UsageError(
                f"The sandbox has no app named {name!r}",
                hint=f"Its apps: {known}. `daemon-wizard sandbox --json` lists them with their credentials.",
            ) from exc

    def tenant_type(self, tenant_id: str) -> str:
        """`workforce` or `external` (External ID: ciamlogin.com-style issuers)."""
        tenant = self._sandbox.state.tenant(tenant_id)
        return tenant.spec.type if tenant is not None else "workforce"

    def own_api(self, name: str) -> SandboxApi | None:
        """The first API other than Microsoft Graph the app asks permissions for, if any."""
        app = self.app(name)
        tenant = self._sandbox.state.tenant(app.tenant_id)
        spec = (
            next((a.spec for a in tenant.apps.values() if a.spec.name == app.name), None) if tenant else None
        )
        if tenant is None or spec is None:
            return None
        api_name = next((p.api for p in spec.permissions if p.api != GRAPH_NAME), None)
        if api_name is None:
            return None
        api = tenant.api_by_name(api_name)
        resource = (api.app_id_uri or api.app_id) if api is not None else None
        roles = tuple(p.value for p in spec.permissions if p.api == api_name)
        return SandboxApi(api_name, resource or None, roles)

    def probe_target(self, name: str) -> SandboxProbe | None:
        """The call the scenario says this app makes (Key Vault, ARM, SharePoint, a Graph write), if any."""
        app = self.app(name)
        tenant = self._sandbox.state.tenant(app.tenant_id)
        probe = tenant.spec.azure.probe(app.name) if tenant is not None else None
        if probe is None:
            return None
        url = f"{self.base_url}/{probe.path.lstrip('/')}"
        return SandboxProbe(probe.resource, url, probe.method, probe.body)

    def registration(self, client_id: str) -> dict[str, Any]:
        """The app's application object in Graph's JSON shape (credential metadata, never their values),
        as an admin sees it in the portal: its requiredResourceAccess tells Delegated from Application."""
        from wizard.sandbox.graph_objects import app_registration

        state = self._sandbox.state
        with state.lock:
            tenant, app = state.find_app(client_id)
            data = app_registration(tenant, app)
        # Graph serves these at /applications/{id}/federatedIdentityCredentials; the portal shows them with
        # the app. Only apps that have some carry the key, so other apps' evidence is as before.
        if not app.spec.federated_credentials:
            return data
        data["federatedIdentityCredentials"] = [
            {
                "name": f.name,
                "issuer": f.issuer_at(self.base_url),
                "subject": f.subject,
                "audiences": list(f.audiences),
            }
            for f in app.spec.federated_credentials
        ]
        return data

    def federated_token_file(self, name: str, *, subject: str | None = None) -> str | None:
        """A token file for the app's first federated credential (or `subject`); None without one."""
        return self._sandbox.federated_token_file(name, subject=subject)

    # -- what an admin does ------------------------------------------------------------------------------
    def grant_consent(self, client_id: str) -> int:
        """Admin consent for the app's Application permissions, as the consent page would; how many were new."""
        return self._sandbox.state.grant_consent(client_id)

    def upload_certificate(self, client_id: str, certificate: bytes) -> str:
        """Register a public certificate (PEM or DER) on the app, as the portal's upload does; its key id."""
        return self._sandbox.state.upload_certificate(client_id, certificate)

    @property
    def faults(self) -> Faults:
        """Fault injection (a slow or hung endpoint, 429s, drops): what the tests break the tenant with."""
        return self._sandbox.faults

    def stop(self, *, wait: bool = True) -> None:
        """Shut the sandbox down; `wait=False` for a process about to exit (see `Sandbox.stop`)."""
        self._sandbox.stop(wait=wait)


def open_sandbox(scenario: str | None = None) -> SandboxHandle:
    """Start a sandbox on a free loopback port (blocking) with the default scenario or a scenario file."""
    return SandboxHandle(Sandbox(scenario=scenario or None, port=0).start())


def handle_for(sandbox: Sandbox | SandboxHandle) -> SandboxHandle:
    """The handle of a started Sandbox (tests and benches start one themselves)."""
    return sandbox if isinstance(sandbox, SandboxHandle) else SandboxHandle(sandbox)
