"""The app's own app-only Graph token, and what it may read of its registration.

`fic diff` and the consent step read the app's registration (its federated credentials, its app role
assignments) with the app's own credential when it has a secret or a certificate: an app-only token from msal
for the cloud's Graph. Graph answers 403 Authorization_RequestDenied unless the app holds an application
permission that lets it read applications; that refusal becomes `RegistrationUnreadable`, which names the
permissions and the other ways to read the same thing.
"""

from __future__ import annotations

from types import TracebackType
from typing import TYPE_CHECKING
from urllib.parse import quote

from wizard.errors import ApiError
from wizard.live.http import HttpSettings
from wizard.live.results import TokenResult
from wizard.live.trace import Trace
from wizard.profile import ApiKind, ApiTarget, CredentialKind, Profile
from wizard.secret import Secret

if TYPE_CHECKING:
    from wizard.admin.fic_graph import AppFics

#: The application permissions that let an app-only token list an app's federated credentials (Graph's
#: documented list; OwnedBy only when the app is an owner of the registration it reads).
FIC_READERS = ("Application.Read.All", "Application.ReadWrite.OwnedBy", "Application.ReadWrite.All")
#: Where else the same credentials can be read, for the message of a refusal.
OTHER_SOURCES = (
    "sign in as an admin and read them as the admin (`daemon-wizard login`, then `daemon-wizard fic diff "
    "--app-id ID`), or save `az ad app federated-credential list --id ID` to a file and pass it as "
    "`daemon-wizard fic diff --credentials FILE`"
)


class RegistrationUnreadable(ApiError):
    """Graph refused the app's own token a read of its registration (403 Authorization_RequestDenied)."""

    default_title = "The app may not read its own registration"
    kind = "Graph error"


def usable_credential(profile: Profile, secret: Secret | None, *, federated: bool = False) -> str | None:
    """None when the profile's credential can get a token here; otherwise why not, in a few words.

    `federated` allows a federated credential: `fic diff` debugs that one, so it never relies on it.
    """
    if not profile.client_id or not (profile.tenant or profile.authority_override):
        return "the profile has no tenant or client ID"
    kind = profile.credential
    if kind is CredentialKind.SECRET:
        return None if secret else "no client secret was given"
    if kind is CredentialKind.CERTIFICATE:
        ref = profile.certificate
        return None if (ref.pfx_path or ref.key_path) else "the certificate's private key is not given"
    if not federated:
        return "its credential is the federated one being checked"
    given = profile.federated_token_file or profile.federated_token_command
    return None if given else "the federated credential has no token file or command"


def graph_profile(profile: Profile) -> Profile:
    """The same app and credential, asking for the cloud's Microsoft Graph (`/.default`)."""
    return profile.with_(api=ApiTarget(kind=ApiKind.GRAPH))


def token_roles(token: TokenResult) -> tuple[str, ...]:
    """The application permissions an app-only token carries (`roles`), as granted when it was issued."""
    from wizard.live.summary import decode_claims

    roles = (decode_claims(token.access_token.reveal()) or {}).get("roles") or []
    return tuple(str(r) for r in roles) if isinstance(roles, list) else ()


class AppGraph:
    """Graph GETs with the app's own app-only token (acquired once, through msal)."""

    def __init__(
        self,
        profile: Profile,
        *,
        secret: Secret | None,
        graph_url: str,
        settings: HttpSettings,
        trace: Trace | None = None,
    ) -> None:
        from wizard.admin.tenant_reads import GraphReader
        from wizard.live.msal_token import acquire_token

        self.trace = trace or Trace([secret.reveal()] if secret else [])
        self.token = acquire_token(graph_profile(profile), secret=secret, settings=settings, trace=self.trace)
        self.roles = token_roles(self.token)
        self.reader = GraphReader(self.token, graph_url=graph_url, settings=settings, trace=self.trace)

    def __enter__(self) -> AppGraph:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        self.reader.close()


def _odata(value: str) -> str:
    return quote(value.replace("'", "''"), safe="")


def refused(error: ApiError, *, what: str, permissions: tuple[str, ...], roles: tuple[str, ...]) -> ApiError:
    """A 403 from Graph as `RegistrationUnreadable` (which permission would allow it); others unchanged."""
    if error.status != 403:
        return error
    held = ", ".join(roles) or "none"
    return RegistrationUnreadable(
        f"The app's own token may not read {what} (Graph: 403 Authorization_RequestDenied)",
        hint=f"It needs the application permission {' or '.join(permissions)} (granted by an admin; "
        f"OwnedBy only if the app owns its registration); its token holds: {held}. Or {OTHER_SOURCES}.",
        status=403,
    )


def read_own_fics(graph: AppGraph, app_id: str) -> AppFics:
    """`GET /applications(appId='{app_id}')/federatedIdentityCredentials` (all pages) with the app's token."""
    from wizard.admin.fic_graph import AppFics
    from wizard.federated.diff import credentials_from_json

    items: list[object] = []
    url: str | None = f"/applications(appId='{_odata(app_id)}')/federatedIdentityCredentials"
    while url:
        try:
            body = graph.reader.get(url)
        except ApiError as exc:
            raise refused(
                exc, what="its federated credentials", permissions=FIC_READERS, roles=graph.roles
            ) from None
        if body is None:
            raise ApiError(
                f"Graph has no application with the application (client) ID {app_id} in this tenant",
                hint="Check the client ID and the tenant of the profile.",
                status=404,
            )
        items.extend(body.get("value") or [])
        link = body.get("@odata.nextLink")
        url = link.split("/v1.0", 1)[1] if isinstance(link, str) and "/v1.0" in link else None
    return AppFics("", app_id, "", tuple(credentials_from_json(items)))
