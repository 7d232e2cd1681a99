"""`--sandbox`: start an in-process sandbox tenant and build the profile of one of its apps."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from wizard.clouds import TenantType
from wizard.live.results import Registration
from wizard.profile import ApiKind, ApiTarget, CertificateRef, CredentialKind, Profile
from wizard.secret import Secret

if TYPE_CHECKING:
    from wizard.sandbox import Sandbox, SandboxHandle

DEFAULT_APP = "graph-daemon"


@dataclass(frozen=True)
class SandboxProfile:
    """The running sandbox, the profile of the chosen app, its secret, the CA to trust, and the app's
    registration as the sandbox's admin sees it (so the diagnosis can tell Delegated from Application)."""

    sandbox: SandboxHandle
    profile: Profile
    secret: Secret | None
    ca_file: str
    registration: Registration | None = None


def _api_target(sb: SandboxHandle, app_name: str) -> ApiTarget:
    """The call the scenario names for the app (Key Vault, ARM, SharePoint, ...), else the API its registration
    asks permissions for: its own API if any, else Microsoft Graph."""
    probe = sb.probe_target(app_name)
    if probe is not None:
        from wizard.api_target import split_origin

        base, relative = split_origin(probe.url)
        return ApiTarget(
            kind=ApiKind.OWN,
            resource=probe.resource,
            base_url=base,
            relative_path=relative,
            method=probe.method,
            body=probe.body,
        )
    own = sb.own_api(app_name)
    if own is None:
        return ApiTarget(kind=ApiKind.GRAPH, base_url=sb.graph_base_url)
    return ApiTarget(
        kind=ApiKind.OWN,
        resource=own.resource,
        base_url=sb.todo_base_url,
        relative_path="api/todolist",
        required_roles=own.roles,
    )


def sandbox_app_profile(
    sandbox: SandboxHandle | Sandbox, app_name: str = DEFAULT_APP, *, subject: str | None = None
) -> tuple[Profile, Secret | None]:
    """Profile for one app of the sandbox: authority on the sandbox, and the API its permissions are for.

    A federated app gets a token file its sandbox issuer minted, for its first credential's subject or
    `subject` (to see what a wrong one gives)."""
    from wizard.sandbox import handle_for

    sb = handle_for(sandbox)
    app = sb.app(app_name)
    external = sb.tenant_type(app.tenant_id) == "external"
    credential = CredentialKind.SECRET
    certificate = CertificateRef()
    token_file = None
    if app.secret is None and not app.cert_key_path and app.federated_credentials:
        credential = CredentialKind.FEDERATED
        token_file = sb.federated_token_file(app.name, subject=subject)
    if app.secret is None and app.cert_key_path:
        credential = CredentialKind.CERTIFICATE
        certificate = CertificateRef(
            key_path=app.cert_key_path,
            cert_path=app.cert_path,
            thumbprint_sha1=app.thumbprint_sha1,
            thumbprint_sha256=app.thumbprint_sha256,
        )
    profile = Profile(
        name=f"sandbox:{app.name}",
        tenant_type=TenantType.EXTERNAL if external else TenantType.WORKFORCE,
        tenant=app.tenant_id,
        client_id=app.client_id,
        object_id=app.object_id,
        credential=credential,
        certificate=certificate,
        api=_api_target(sb, app.name),
        authority_override=sb.authority(app.tenant_id),
        federated_token_file=token_file,
    )
    return profile, (Secret(app.secret) if app.secret else None)


def sandbox_registration(sandbox: SandboxHandle | Sandbox, client_id: str) -> Registration | None:
    """The app's registration as the sandbox's admin sees it, or None for a client id it does not know."""
    from wizard.errors import UsageError
    from wizard.sandbox import handle_for

    try:
        return Registration(handle_for(sandbox).registration(client_id))
    except UsageError:
        return None


@contextmanager
def running_sandbox(
    scenario: str | None = None, app_name: str = DEFAULT_APP, *, subject: str | None = None
) -> Iterator[SandboxProfile]:
    """A started sandbox (stopped on exit) and the profile of one of its apps."""
    from wizard.gc_policy import import_burst

    with import_burst():  # its modules and state live as long as the command (wizard.gc_policy)
        from wizard.sandbox import open_sandbox

        sb = open_sandbox(scenario)
    try:
        profile, secret = sandbox_app_profile(sb, app_name, subject=subject)
        registration = sandbox_registration(sb, profile.client_id)
        yield SandboxProfile(sb, profile, secret, sb.ca_file, registration)
    finally:
        sb.stop(wait=False)  # the command is done with it: no need to wait for its connections to close
