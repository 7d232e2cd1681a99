"""What the TUI's admin path does (blocking, no Textual): sign in, plan, apply, and the profile that results.

Every call runs in a thread worker of the screen that asked. The core does the work (wizard.admin); these
functions only choose where (the sandbox or the cloud), and turn the results into what the screens show.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wizard.admin.admin_cloud import SignInPlace, national_places
from wizard.admin.clients import ClientChoice, choose_client, scopes_for, steps_for_plan
from wizard.admin.identity import AdminToken
from wizard.errors import ValidationError
from wizard.profile import ApiKind, ApiTarget, CredentialKind, Profile
from wizard.secret import Secret

if TYPE_CHECKING:
    from screens.admin_federated import TokenSource
    from wizard.admin.apply import ApplyResult, ProgressEvent
    from wizard.admin.plan_federated import FederatedRequest
    from wizard.admin.registration import RegistrationPlan, RegistrationRequest
    from wizard.admin.signin import DeviceCodePrompt
    from wizard.sandbox import SandboxHandle

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
    #: The Graph resource the scopes name (the token's `aud`): the cloud's.
    resource: str = "https://graph.microsoft.com"
    #: Where the sign-in screen lets the person choose to sign in (the first is this target's).
    places: tuple[SignInPlace, ...] = national_places()
    tenant: str = "organizations"
    #: The client ID the person gave (the sign-in screen's field); empty: the saved one or the fallback.
    client_given: str = ""

    @classmethod
    def cloud(cls, *, tenant: str = "organizations") -> AdminTarget:
        """Entra ID: the bootstrapped client when `login bootstrap` saved one, else the Microsoft fallback."""
        return cls.choose(national_places()[0], tenant=tenant, client_id="")

    @classmethod
    def choose(
        cls,
        place: SignInPlace,
        *,
        tenant: str,
        client_id: str,
        places: tuple[SignInPlace, ...] | None = None,
    ) -> AdminTarget:
        """The target the sign-in screen's fields name: the client given, else the one `login bootstrap`
        saved for this authority, else Microsoft's fallback (with its notice). Bad input: ValidationError."""
        from wizard.admin.client_store import find

        value = tenant.strip() or "organizations"
        if "/" in value or any(c.isspace() for c in value) or len(value) > 256:
            raise ValidationError(
                f"The tenant {value[:60]!r} is not a tenant ID or domain",
                field="tenant",
                hint="Give the directory (tenant) ID, a domain such as contoso.onmicrosoft.com, or leave it "
                "empty for 'organizations' (any work or school account).",
            )
        authority = f"{place.login_host.rstrip('/')}/{value}"
        try:
            client = choose_client(client_id or None)
        except ValidationError:
            raise ValidationError(
                f"The public client ID {client_id.strip()[:60]!r} is not an application (client) ID (a GUID)",
                field="client_id",
                hint="Copy the Application (client) ID from your public client's Overview page, or leave it "
                "empty for the one `daemon-wizard login bootstrap` registered (else Microsoft's, with a notice).",
            ) from None
        if not client_id.strip():
            saved = find(authority)
            if saved is not None:
                client, authority = ClientChoice(saved.client_id, own=True), saved.authority
        return cls(
            authority,
            client,
            place.graph_url,
            place.ca_file,
            label=place.label,
            resource=place.resource,
            places=(place, *[p for p in places or national_places() if p.name != place.name]),
            tenant=value,
            client_given=client.client_id if client_id.strip() else "",
        )

    @classmethod
    def sandbox(cls, handle: SandboxHandle) -> AdminTarget:
        base = handle.authority("contoso").rstrip("/")
        login_host, tenant = base.rsplit("/", 1)
        place = SignInPlace("sandbox", "sandbox tenant", login_host, handle.graph_base_url, handle.ca_file)
        return cls(
            base,
            ClientChoice(handle.public_client("wizard-admin"), own=True),
            handle.graph_base_url,
            handle.ca_file,
            label="sandbox tenant",
            places=(place, *national_places()),
            tenant=tenant,
            client_given=handle.public_client("wizard-admin"),
        )

    @property
    def place(self) -> SignInPlace:
        return self.places[0]


@dataclass
class AdminSession:
    """The signed-in admin (token in memory only) and where they act."""

    target: AdminTarget
    token: AdminToken
    #: msal's in-memory cache of this sign-in: more scopes later come silently from its refresh token.
    cache: Any = None
    device_code: bool = False

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
    scopes = scopes_for(["read"], resource=target.resource)  # write and consent scopes come when needed
    try:
        if device_code:
            token = signin.device_code(scopes, on_code=on_code, cancel=cancel)
        else:
            token = signin.interactive(scopes, on_url=on_url, opener=opener, timeout=600, cancel=cancel)
    finally:
        signin.close()
    return AdminSession(target, token, signin.cache, device_code)


def more_scopes(
    session: AdminSession,
    steps: list[str],
    *,
    on_prompt: Callable[[str], None],
    cancel: threading.Event | None = None,
    opener: Opener | None = None,
) -> AdminToken:
    """The session's token for `steps` (write, consent): silently from its refresh token, else the same
    sign-in again (browser or device code), `on_prompt` showing the URL or code. Blocking."""
    from wizard.admin.signin import AdminSignIn
    from wizard.live.http import HttpSettings

    target = session.target
    scopes = scopes_for(steps, resource=target.resource)
    settings = HttpSettings.bounded(600.0, ca_file=target.ca_file)
    signin = AdminSignIn(
        authority=target.authority, client=target.client, settings=settings, cache=session.cache
    )
    hint = session.token.identity.user or None

    def again() -> AdminToken:
        if session.device_code:
            return signin.device_code(
                scopes,
                on_code=lambda p: on_prompt(f"open {p.verification_uri} and enter the code {p.user_code}"),
                cancel=cancel,
            )
        return signin.interactive(
            scopes, on_url=on_prompt, opener=opener, timeout=600, cancel=cancel, login_hint=hint
        )

    try:
        token = signin.more(scopes, again=again)
    finally:
        signin.close()
    session.token = token
    return token


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
    opener: Opener | None = None,
) -> ApplyResult:
    """Execute the plan the person confirmed; the secret goes to a 0600 file in `folder`; a federated
    credential is proven with `token` (on the sandbox, one its issuer mints). Blocking.

    The write scope is asked for only when a step is to do, the consent scope only for a consent step."""
    from wizard.admin.apply import ApplyOptions, ProgressEvent, apply

    needed = steps_for_plan([("todo" if s.status != "done" else "done", s.scope) for s in plan.steps])
    admin_token = session.token
    if needed != ["read"]:
        admin_token = more_scopes(
            session,
            needed,
            on_prompt=lambda shown: progress(
                ProgressEvent("sign in for more permissions", "administrator", "waiting", shown)
            ),
            opener=opener,
        )

    from wizard.admin.apply_credentials import default_secret_path

    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    name = plan.request.name or plan.request.app_id or "daemon"
    authority_host = session.target.authority.rstrip("/").rsplit("/", 1)[0]
    options = ApplyOptions(
        journal_path=folder / f"{name}.journal.json",
        # A new file per run (stamped): a second fix for the same app never meets the first one's file.
        secret_out=folder / default_secret_path(name).name,
        certificate_dir=folder,
        authority_host=authority_host,
        ca_file=session.target.ca_file,
        doctor=False,  # the wizard's own token test runs next, on the screen
        # Proving needs the credential: a fix that adds none (a grant) leaves it to that token test.
        verify=plan.request.credential in ("secret", "certificate", "federated"),
        federated_token_file=token.file if token else None,
        federated_token_command=token.command if token else None,
    )
    return apply(plan, admin_token, options, progress=progress)


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
