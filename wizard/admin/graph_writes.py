"""Graph writes of `register apply` and `undo`, through msgraph-sdk's typed builders on the project's traced
httpx transport (every exchange in the trace, redacted); results become our dataclasses, errors ours.

The transport is built without its own retries (`max_retries=0`): which failures are retried, and how, is
decided per request class by wizard.admin.retry, so that `addPassword` is never repeated blindly.
"""

from __future__ import annotations

import base64
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlsplit

from wizard.errors import GraphWriteError, WizardError
from wizard.secret import Secret

if TYPE_CHECKING:
    import httpx

    from wizard.live.http import HttpSettings
    from wizard.live.trace import Trace

MANAGED_NOTE = "managed by entra-daemon-wizard"


@dataclass(frozen=True)
class AppRoleSpec:
    """An application permission an own API defines (allowed to applications)."""

    value: str
    id: str
    display_name: str = ""


@dataclass(frozen=True)
class AppObject:
    """An application as Graph returned it, the parts apply and undo use."""

    object_id: str
    app_id: str
    unique_name: str = ""
    display_name: str = ""
    #: resourceAppId -> appRoleIds requested with type Role
    roles_requested: dict[str, frozenset[str]] = field(default_factory=dict)
    password_key_ids: tuple[str, ...] = ()
    password_names: tuple[tuple[str, str], ...] = ()  # (keyId, displayName)
    key_credentials: tuple[dict[str, Any], ...] = ()  # keyId, type, usage, displayName, customKeyIdentifier
    identifier_uris: tuple[str, ...] = ()
    app_roles: tuple[AppRoleSpec, ...] = ()


@dataclass(frozen=True)
class NewPassword:
    """What addPassword answered: the value (a Secret, shown once) and its key id."""

    key_id: str
    secret: Secret
    end: str
    display_name: str


def _str(value: object) -> str:
    return "" if value is None else str(value)


def app_object(model: Any) -> AppObject:
    """Our AppObject from msgraph's Application model."""
    requested: dict[str, set[str]] = {}
    for rra in model.required_resource_access or []:
        ids = {_str(a.id) for a in rra.resource_access or [] if _str(a.type) == "Role"}
        requested.setdefault(_str(rra.resource_app_id).lower(), set()).update(ids)
    keys = []
    for k in model.key_credentials or []:
        thumb = k.custom_key_identifier
        keys.append(
            {
                "keyId": _str(k.key_id),
                "type": _str(k.type),
                "usage": _str(k.usage),
                "displayName": _str(k.display_name),
                "customKeyIdentifier": key_identifier(thumb),
            }
        )
    return AppObject(
        object_id=_str(model.id),
        app_id=_str(model.app_id),
        unique_name=_str(model.unique_name),
        display_name=_str(model.display_name),
        roles_requested={k: frozenset(v) for k, v in requested.items()},
        password_key_ids=tuple(_str(p.key_id) for p in model.password_credentials or []),
        password_names=tuple(
            (_str(p.key_id), _str(p.display_name)) for p in model.password_credentials or []
        ),
        key_credentials=tuple(keys),
        identifier_uris=tuple(model.identifier_uris or ()),
        app_roles=tuple(
            AppRoleSpec(_str(r.value), _str(r.id), _str(r.display_name))
            for r in model.app_roles or []
            if "Application" in (r.allowed_member_types or [])
        ),
    )


def _graph_error(exc: Exception, method: str, path: str) -> WizardError:
    """msgraph-sdk's ODataError as our GraphWriteError (Graph's code and message kept); others unchanged."""
    from kiota_abstractions.api_error import APIError

    if isinstance(exc, WizardError):
        return exc
    if not isinstance(exc, APIError):
        return WizardError(f"msgraph-sdk failed on {method} {path}: {type(exc).__name__}")
    error = getattr(exc, "error", None)
    code, message = _str(getattr(error, "code", "")), _str(getattr(error, "message", ""))
    status = exc.response_status_code
    return GraphWriteError(
        f"Graph refused {method} {path} (HTTP {status}{', ' + code if code else ''})",
        hint=message[:300] or None,
        status=status,
        method=method,
        path=path,
        code=code,
        message=message,
    )


class GraphWriter:
    """One admin's Graph session for writes: msgraph-sdk's GraphServiceClient over the traced transport.

    `transport` replaces the network under the tracing layer (tests pass an httpx.MockTransport).
    """

    def __init__(
        self,
        access_token: Secret,
        *,
        graph_url: str,
        settings: HttpSettings,
        trace: Trace,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        import httpx
        from kiota_abstractions.authentication import (
            AccessTokenProvider,
            AllowedHostsValidator,
            BaseBearerTokenAuthenticationProvider,
        )
        from msgraph.graph_request_adapter import GraphRequestAdapter
        from msgraph.graph_service_client import GraphServiceClient

        from wizard.live.httpx_transport import AsyncTracingTransport

        root = graph_url.rstrip("/")
        self.base = root if root.endswith("/v1.0") else root + "/v1.0"
        host = urlsplit(self.base).hostname or ""
        trace.add_secret(access_token.reveal())
        self.trace = trace
        settings.max_retries = 0  # retries are decided per request class (wizard.admin.retry)
        self.transport = AsyncTracingTransport(settings, trace, step="graph-write", inner=transport)

        class _Token(AccessTokenProvider):
            async def get_authorization_token(
                self, uri: str, additional_authentication_context: dict[str, Any] | None = None
            ) -> str:
                return access_token.reveal()

            def get_allowed_hosts_validator(self) -> Any:
                return AllowedHostsValidator([host])

        self.http = httpx.AsyncClient(
            transport=cast("httpx.AsyncBaseTransport", self.transport),
            trust_env=False,
            follow_redirects=False,
        )
        adapter = GraphRequestAdapter(BaseBearerTokenAuthenticationProvider(_Token()), client=self.http)
        adapter.base_url = self.base
        self.client = GraphServiceClient(request_adapter=adapter)

    async def aclose(self) -> None:
        await self.http.aclose()

    async def _call(self, method: str, path: str, coro: Any) -> Any:
        try:
            return await coro
        except Exception as exc:  # msgraph raises its APIError subclasses; ours pass through
            raise _graph_error(exc, method, path) from None

    async def call(self, method: str, path: str, coro: Any) -> Any:
        """Await one msgraph-sdk request made on `self.client`; its failure as our GraphWriteError
        (for writes this class has no method for, such as `login bootstrap`'s public client)."""
        return await self._call(method, path, coro)

    @staticmethod
    def _prefer_create() -> Any:
        from kiota_abstractions.base_request_configuration import RequestConfiguration

        config: Any = RequestConfiguration()
        config.headers.add("Prefer", "create-if-missing")
        return config

    # applications -------------------------------------------------------------------------------------

    async def upsert_app(
        self,
        unique_name: str,
        *,
        display_name: str,
        requested: dict[str, list[str]] | None = None,
        app_roles: list[AppRoleSpec] | None = None,
        token_version: int | None = None,
    ) -> tuple[AppObject, bool]:
        """PATCH /applications(uniqueName=...) with Prefer: create-if-missing: (the app, True if created)."""
        from msgraph.generated.models.api_application import ApiApplication
        from msgraph.generated.models.application import Application

        body = Application(display_name=display_name, sign_in_audience="AzureADMyOrg", notes=MANAGED_NOTE)
        if requested:
            body.required_resource_access = _rra(requested)
        if app_roles:
            body.app_roles = role_models(app_roles)
        if token_version is not None:
            body.api = ApiApplication(requested_access_token_version=token_version)
        path = f"/applications(uniqueName='{unique_name}')"
        builder = self.client.applications_with_unique_name(unique_name)
        created = await self._call("PATCH", path, builder.patch(body, self._prefer_create()))
        if created is not None:
            return app_object(created), True
        return await self.get_app_by_unique_name(unique_name), False

    async def get_app_by_unique_name(self, unique_name: str) -> AppObject:
        path = f"/applications(uniqueName='{unique_name}')"
        model = await self._call("GET", path, self.client.applications_with_unique_name(unique_name).get())
        return app_object(model)

    async def get_app(self, object_id: str) -> AppObject:
        path = f"/applications/{object_id}"
        return app_object(
            await self._call("GET", path, self.client.applications.by_application_id(object_id).get())
        )

    async def get_app_by_app_id(self, app_id: str) -> AppObject:
        path = f"/applications(appId='{app_id}')"
        return app_object(await self._call("GET", path, self.client.applications_with_app_id(app_id).get()))

    async def patch_app(
        self,
        object_id: str,
        *,
        requested: dict[str, list[str]] | None = None,
        identifier_uris: list[str] | None = None,
        key_credentials: list[Any] | None = None,
        app_roles: list[Any] | None = None,
    ) -> None:
        """PATCH /applications/{id} with only the properties given."""
        from msgraph.generated.models.application import Application

        body = Application()
        if requested is not None:
            body.required_resource_access = _rra(requested)
        if identifier_uris is not None:
            body.identifier_uris = identifier_uris
        if key_credentials is not None:
            body.key_credentials = key_credentials
        if app_roles is not None:
            body.app_roles = app_roles
        path = f"/applications/{object_id}"
        await self._call("PATCH", path, self.client.applications.by_application_id(object_id).patch(body))

    async def raw_app(self, object_id: str) -> Any:
        """The msgraph Application model (to re-send its keyCredentials and appRoles unchanged)."""
        path = f"/applications/{object_id}"
        return await self._call("GET", path, self.client.applications.by_application_id(object_id).get())

    async def add_password(self, object_id: str, *, display_name: str, end: str) -> NewPassword:
        """POST /applications/{id}/addPassword; never retried blindly (see wizard.admin.retry)."""
        import datetime as dt

        from msgraph.generated.applications.item.add_password.add_password_post_request_body import (
            AddPasswordPostRequestBody,
        )
        from msgraph.generated.models.password_credential import PasswordCredential

        body = AddPasswordPostRequestBody(
            password_credential=PasswordCredential(
                display_name=display_name, end_date_time=dt.datetime.fromisoformat(end.replace("Z", "+00:00"))
            )
        )
        path = f"/applications/{object_id}/addPassword"
        builder = self.client.applications.by_application_id(object_id).add_password
        answer = await self._call("POST", path, builder.post(body))
        if answer is None or not answer.secret_text:
            raise WizardError("Graph's addPassword answer had no secret", hint="Run apply again.")
        secret = Secret(str(answer.secret_text))
        self.trace.add_secret(secret.reveal())
        return NewPassword(_str(answer.key_id), secret, _str(answer.end_date_time), display_name)

    async def remove_password(self, object_id: str, key_id: str) -> None:
        from msgraph.generated.applications.item.remove_password.remove_password_post_request_body import (
            RemovePasswordPostRequestBody,
        )

        path = f"/applications/{object_id}/removePassword"
        builder = self.client.applications.by_application_id(object_id).remove_password
        await self._call("POST", path, builder.post(RemovePasswordPostRequestBody(key_id=uuid.UUID(key_id))))

    async def delete_app(self, object_id: str) -> None:
        path = f"/applications/{object_id}"
        await self._call("DELETE", path, self.client.applications.by_application_id(object_id).delete())

    async def purge(self, object_id: str) -> None:
        """DELETE /directory/deletedItems/{id}: frees the unique name and the App ID URI at once."""
        path = f"/directory/deletedItems/{object_id}"
        builder = self.client.directory.deleted_items.by_directory_object_id(object_id)
        await self._call("DELETE", path, builder.delete())

    # service principals and consent -------------------------------------------------------------------

    async def upsert_sp(self, app_id: str) -> tuple[str, bool]:
        """PATCH /servicePrincipals(appId=...) with Prefer: create-if-missing: (its id, True if created)."""
        from msgraph.generated.models.service_principal import ServicePrincipal

        path = f"/servicePrincipals(appId='{app_id}')"
        builder = self.client.service_principals_with_app_id(app_id)
        created = await self._call(
            "PATCH", path, builder.patch(ServicePrincipal(account_enabled=True), self._prefer_create())
        )
        if created is not None:
            return _str(created.id), True
        sp = await self._call("GET", path, builder.get())
        return _str(sp.id), False

    async def delete_sp(self, sp_id: str) -> None:
        path = f"/servicePrincipals/{sp_id}"
        await self._call(
            "DELETE", path, self.client.service_principals.by_service_principal_id(sp_id).delete()
        )

    async def assign(self, resource_sp_id: str, principal_id: str, app_role_id: str) -> str:
        """POST /servicePrincipals/{resource}/appRoleAssignedTo: the assignment's id."""
        from msgraph.generated.models.app_role_assignment import AppRoleAssignment

        body = AppRoleAssignment(
            principal_id=uuid.UUID(principal_id),
            resource_id=uuid.UUID(resource_sp_id),
            app_role_id=uuid.UUID(app_role_id),
        )
        path = f"/servicePrincipals/{resource_sp_id}/appRoleAssignedTo"
        builder = self.client.service_principals.by_service_principal_id(resource_sp_id).app_role_assigned_to
        answer = await self._call("POST", path, builder.post(body))
        return _str(getattr(answer, "id", ""))

    async def unassign(self, resource_sp_id: str, assignment_id: str) -> None:
        path = f"/servicePrincipals/{resource_sp_id}/appRoleAssignedTo/{assignment_id}"
        builder = self.client.service_principals.by_service_principal_id(resource_sp_id).app_role_assigned_to
        await self._call("DELETE", path, builder.by_app_role_assignment_id(assignment_id).delete())


def _rra(requested: dict[str, list[str]]) -> list[Any]:
    from msgraph.generated.models.required_resource_access import RequiredResourceAccess
    from msgraph.generated.models.resource_access import ResourceAccess

    return [
        RequiredResourceAccess(
            resource_app_id=resource,
            resource_access=[ResourceAccess(id=uuid.UUID(i), type="Role") for i in sorted(ids)],
        )
        for resource, ids in requested.items()
    ]


def key_identifier(value: object) -> str:
    """A keyCredential's customKeyIdentifier as upper-case hex (the certificate's SHA-1 thumbprint).

    Graph sends the thumbprint as a 40-character hex string in an Edm.Binary property, which
    msgraph-sdk base64-decodes into 30 meaningless bytes: encoding them again gives back what Graph
    sent. A real 20-byte identifier (set by a client as binary) is shown in hex."""
    if not isinstance(value, bytes):
        return ""
    sent = base64.b64encode(value).decode()
    if len(sent) == 40 and all(c in "0123456789abcdefABCDEF" for c in sent):
        return sent.upper()
    return base64.b16encode(value).decode()


def certificate_key(der: bytes, display_name: str) -> Any:
    """A new keyCredential (AsymmetricX509Cert, Verify) for `der`, to append to the existing ones."""
    from msgraph.generated.models.key_credential import KeyCredential

    return KeyCredential(type="AsymmetricX509Cert", usage="Verify", key=der, display_name=display_name)


def role_models(roles: list[AppRoleSpec]) -> list[Any]:
    """msgraph AppRole models for new application permissions (enabled, allowed to applications)."""
    from msgraph.generated.models.app_role import AppRole

    return [
        AppRole(
            id=uuid.UUID(r.id),
            allowed_member_types=["Application"],
            value=r.value,
            display_name=r.display_name or r.value,
            description=r.display_name or r.value,
            is_enabled=True,
        )
        for r in roles
    ]
