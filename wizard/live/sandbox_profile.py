"""`--sandbox`: start an in-process sandbox tenant and build the profile of one of its apps."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from wizard.clouds import TenantType
from wizard.errors import UsageError
from wizard.profile import ApiKind, ApiTarget, CertificateRef, CredentialKind, Profile
from wizard.secret import Secret

DEFAULT_APP = "graph-daemon"


@dataclass(frozen=True)
class SandboxProfile:
    """The running sandbox, the profile of the chosen app, its secret and the CA to trust."""

    sandbox: Any
    profile: Profile
    secret: Secret | None
    ca_file: str


def _tenant_info(description: dict[str, Any], tenant_id: str) -> dict[str, Any]:
    for tenant in description.get("tenants", []):
        if tenant.get("id") == tenant_id:
            return dict(tenant)
    return {}


def _api_resource(tenant: dict[str, Any], name: str) -> str | None:
    for api in tenant.get("apis", []):
        if api.get("name") == name:
            return str(api.get("app_id_uri") or api.get("app_id") or "") or None
    return None


def _api_target(sb: Any, tenant: dict[str, Any], tenant_id: str, app_name: str) -> ApiTarget:
    """The API the app's registration asks permissions for: its own API if any, else Microsoft Graph."""
    from wizard.sandbox.scenario import GRAPH_NAME

    spec = next(
        (a for t in sb.scenario.tenants if t.id == tenant_id for a in t.apps if a.name == app_name), None
    )
    own = next((p.api for p in spec.permissions if p.api != GRAPH_NAME), None) if spec else None
    if own is None:
        return ApiTarget(kind=ApiKind.GRAPH, base_url=sb.graph_base_url)
    roles = tuple(p.value for p in spec.permissions if p.api == own) if spec else ()
    return ApiTarget(
        kind=ApiKind.OWN,
        resource=_api_resource(tenant, own),
        base_url=sb.todo_base_url,
        relative_path="api/todolist",
        required_roles=roles,
    )


def sandbox_app_profile(sb: Any, app_name: str = DEFAULT_APP) -> tuple[Profile, Secret | None]:
    """Profile for `sb.app(app_name)`: authority on the sandbox, and the API its permissions are for."""
    app = sb.app(app_name)
    tenant = _tenant_info(sb.describe(show_secrets=False), app.tenant_id)
    external = tenant.get("type") == "external"
    api = _api_target(sb, tenant, app.tenant_id, app.name)
    credential = CredentialKind.SECRET
    certificate = CertificateRef()
    if app.secret is None and app.cert_key_path:
        credential = CredentialKind.CERTIFICATE
        certificate = CertificateRef(
            key_path=app.cert_key_path,
            cert_path=app.cert_path,
            thumbprint_sha1=getattr(app, "thumbprint_sha1", None),
            thumbprint_sha256=getattr(app, "thumbprint_sha256", None),
        )
    profile = Profile(
        name=f"sandbox:{app.name}",
        tenant_type=TenantType.EXTERNAL if external else TenantType.WORKFORCE,
        tenant=app.tenant_id,
        client_id=app.client_id,
        object_id=app.object_id,
        credential=credential,
        certificate=certificate,
        api=api,
        authority_override=sb.authority(app.tenant_id),
    )
    return profile, (Secret(app.secret) if app.secret else None)


@contextmanager
def running_sandbox(scenario: str | None = None, app_name: str = DEFAULT_APP) -> Iterator[SandboxProfile]:
    """A started sandbox (stopped on exit) and the profile of one of its apps."""
    from wizard.sandbox import Sandbox, load_scenario

    loaded = None if scenario in (None, "", "default") else load_scenario(scenario)
    sb = Sandbox(scenario=loaded, port=0)
    sb.start()
    try:
        try:
            profile, secret = sandbox_app_profile(sb, app_name)
        except (KeyError, LookupError) as exc:
            raise UsageError(
                f"The sandbox has no app named {app_name!r}",
                hint="See `daemon-wizard sandbox --json` for the apps of the scenario.",
            ) from exc
        yield SandboxProfile(sb, profile, secret, sb.ca_file)
    finally:
        sb.stop(wait=False)  # the command is done with it: no need to wait for uvicorn's next tick
