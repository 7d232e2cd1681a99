"""What the TUI's admin path does (blocking, no Textual): sign in, plan, apply, and the profile that results.

Every call runs in a thread worker of the screen that asked. The core does the work (wizard.admin); these
functions only choose where (the sandbox or the cloud), and turn the results into what the screens show.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from wizard.admin.clients import APPLY_SCOPES, CONSENT_SCOPES, READ_SCOPES, ClientChoice, choose_client
from wizard.admin.identity import AdminToken
from wizard.profile import ApiKind, ApiTarget, CredentialKind, Profile
from wizard.secret import Secret

if TYPE_CHECKING:
    from screens.admin_federated import TokenSource
    from wizard.admin.apply import ApplyResult, ProgressEvent
    from wizard.admin.plan_federated import FederatedRequest
    from wizard.admin.registration import RegistrationPlan, RegistrationRequest
    from wizard.admin.signin import DeviceCodePrompt
    from wizard.sandbox import SandboxHandle

#: Everything the admin path asks for at once (one sign-in, one consent page): read, apply, consent.
ADMIN_SCOPES = (*READ_SCOPES, *APPLY_SCOPES, *CONSENT_SCOPES)
#: The step statuses as the plan screen names them.
STATUS_WORDS = {"done": "in place", "todo": "to do", "blocked": "not allowed for your role"}
Opener = Callable[[str], bool]


@dataclass(frozen=True)
class AdminTarget:
    """Where the admin signs in and which Graph the plan reads and writes."""

    authority: str
    client: ClientChoice
    graph_url: str
    ca_file: str | None = None
    label: str = ""

    @classmethod
    def cloud(cls, *, tenant: str = "organizations") -> AdminTarget:
        """Entra ID: the bootstrapped client when `login bootstrap` saved one, else the Microsoft fallback."""
        from wizard.admin.client_store import find

        authority = f"https://login.microsoftonline.com/{tenant}"
        saved = find(authority)
        if saved is not None:
            return cls(
                saved.authority, ClientChoice(saved.client_id, own=True), "https://graph.microsoft.com"
            )
        return cls(authority, choose_client(None), "https://graph.microsoft.com", label="Microsoft Entra ID")

    @classmethod
    def sandbox(cls, handle: SandboxHandle) -> AdminTarget:
        return cls(
            handle.authority("contoso"),
            ClientChoice(handle.public_client("wizard-admin"), own=True),
            handle.graph_base_url,
            handle.ca_file,
            label="sandbox tenant",
        )


@dataclass
class AdminSession:
    """The signed-in admin (token in memory only) and where they act."""

    target: AdminTarget
    token: AdminToken

    @property
    def who(self) -> str:
        ident = self.token.identity
        return f"{ident.user or 'signed in'} ({', '.join(ident.roles) or 'no directory role'})"


def sign_in(
    target: AdminTarget,
    *,
    device_code: bool,
    on_url: Callable[[str], None],
    on_code: Callable[[DeviceCodePrompt], None],
    cancel: threading.Event,
    opener: Opener | None = None,
) -> AdminSession:
    """Browser (auth code + PKCE, loopback redirect; the URL also shown) or device code. Blocking."""
    from wizard.admin.signin import AdminSignIn
    from wizard.live.http import HttpSettings

    settings = HttpSettings.bounded(600.0, ca_file=target.ca_file)
    signin = AdminSignIn(authority=target.authority, client=target.client, settings=settings)
    try:
        if device_code:
            token = signin.device_code(ADMIN_SCOPES, on_code=on_code, cancel=cancel)
        else:
            token = signin.interactive(ADMIN_SCOPES, on_url=on_url, opener=opener, timeout=600, cancel=cancel)
    finally:
        signin.close()
    return AdminSession(target, token)


def make_plan(
    session: AdminSession,
    *,
    name: str = "",
    roles: tuple[str, ...] = (),
    credential: str = "secret",
    request: RegistrationRequest | None = None,
    federated: FederatedRequest | None = None,
) -> RegistrationPlan:
    """Read the tenant and plan the daemon's registration (read-only); with `federated`, its federated
    credential instead of a secret. Blocking."""
    from wizard.admin.registration import RegistrationRequest as Request
    from wizard.admin.registration import make_plan as plan
    from wizard.admin.tenant_reads import GraphReader
    from wizard.live.http import HttpSettings
    from wizard.live.trace import Trace

    if federated is not None:
        credential = "federated"
    request = request or Request(name=name, roles=roles, credential=credential, federated=federated)
    settings = HttpSettings.bounded(120.0, ca_file=session.target.ca_file)
    reader = GraphReader(session.token, graph_url=session.target.graph_url, settings=settings, trace=Trace())
    try:
        return plan(reader, session.token.identity, request, graph_url=session.target.graph_url)
    finally:
        reader.close()


def apply_plan(
    session: AdminSession,
    plan: RegistrationPlan,
    *,
    folder: Path,
    progress: Callable[[ProgressEvent], None],
    token: TokenSource | None = None,
) -> ApplyResult:
    """Execute the plan the person confirmed; the secret goes to a 0600 file in `folder`; a federated
    credential is proven with `token` (on the sandbox, one its issuer mints). Blocking."""
    from wizard.admin.apply import ApplyOptions, apply

    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    name = plan.request.name or plan.request.app_id or "daemon"
    authority_host = session.target.authority.rstrip("/").rsplit("/", 1)[0]
    options = ApplyOptions(
        journal_path=folder / f"{name}.journal.json",
        secret_out=folder / f"{name}.secret",
        certificate_dir=folder,
        authority_host=authority_host,
        ca_file=session.target.ca_file,
        doctor=False,  # the wizard's own token test runs next, on the screen
        # Proving needs the credential: a fix that adds none (a grant) leaves it to that token test.
        verify=plan.request.credential in ("secret", "certificate", "federated"),
        federated_token_file=token.file if token else None,
        federated_token_command=token.command if token else None,
    )
    return apply(plan, session.token, options, progress=progress)


def applied_profile(
    session: AdminSession, result: ApplyResult, *, name: str, token: TokenSource | None = None
) -> tuple[Profile, Secret | None]:
    """The profile of the app apply made (already configured for the token test), and its new secret."""
    secret = None
    if result.secret_file:
        secret = Secret(Path(result.secret_file).read_text(encoding="utf-8").strip())
    target = session.target
    fic = result.federated_credential
    profile = Profile(
        name=name,
        tenant=result.tenant_id,
        client_id=result.client_id,
        object_id=result.object_id or None,
        credential=CredentialKind.FEDERATED if fic else CredentialKind.SECRET,
        api=ApiTarget(kind=ApiKind.GRAPH, base_url=target.graph_url if target.ca_file else None),
        authority_override=f"{target.authority.rstrip('/').rsplit('/', 1)[0]}/{result.tenant_id}"
        if target.ca_file
        else None,
    )
    if fic:
        profile = profile.with_(
            federated_issuer=fic.get("issuer"),
            federated_subject=fic.get("subject"),
            federated_token_file=(token.file if token else None) or result.federated_token_file,
            federated_token_command=token.command if token else None,
        )
    return with_tenant(profile, result, sandbox=target.ca_file is not None), secret


def with_tenant(profile: Profile, result: ApplyResult, *, sandbox: bool) -> Profile:
    """External ID: the tenant type, and off the sandbox the ciamlogin.com authority apply named."""
    from wizard.clouds import TenantType

    if result.tenant_type != TenantType.EXTERNAL.value:
        return profile
    if sandbox or not result.authority:
        return profile.with_(tenant_type=TenantType.EXTERNAL)
    from wizard.configs.common import authority_fields

    return profile.with_(**authority_fields(result.authority))
