"""The msgraph-sdk boundary: call Microsoft Graph with the acquired token, as the official samples do."""

from __future__ import annotations

import asyncio
import re
import time
from typing import Any, cast
from urllib.parse import urlsplit

from wizard.errors import WizardError
from wizard.live.http import HttpSettings
from wizard.live.httpx_transport import AsyncTracingTransport
from wizard.live.results import ApiResult, Registration, TokenResult
from wizard.live.trace import Trace
from wizard.profile import Profile

#: Roles that let an app-only token read the app's own registration.
REGISTRATION_READERS = frozenset(
    {
        "Application.Read.All",
        "Application.ReadWrite.All",
        "Application.ReadWrite.OwnedBy",
        "Directory.Read.All",
    }
)
DEFAULT_GRAPH_PATH = "users"
_VERSION = re.compile(r"/(v1\.0|beta)(?=/|$)")


def load_sdk() -> None:
    """Import msgraph-sdk and the models a probe deserialises, which the SDK imports only on the first
    answer (about 1,200 modules): seconds on a cold or loaded machine, to be spent before any time bound."""
    from msgraph.generated.applications.item.application_item_request_builder import (  # noqa: F401
        ApplicationItemRequestBuilder,
    )
    from msgraph.generated.models.application import Application
    from msgraph.generated.models.user import User
    from msgraph.generated.models.user_collection_response import UserCollectionResponse
    from msgraph.generated.users.users_request_builder import UsersRequestBuilder  # noqa: F401
    from msgraph.graph_request_adapter import GraphRequestAdapter  # noqa: F401
    from msgraph.graph_service_client import GraphServiceClient  # noqa: F401

    for model in (UserCollectionResponse, User, Application):
        model().get_field_deserializers()  # their field types are imported in here


def _client(token: TokenResult, base_url: str, transport: AsyncTracingTransport) -> Any:
    import httpx
    from kiota_abstractions.authentication import (
        AccessTokenProvider,
        AllowedHostsValidator,
        BaseBearerTokenAuthenticationProvider,
    )
    from msgraph.graph_request_adapter import GraphRequestAdapter
    from msgraph.graph_service_client import GraphServiceClient

    host = urlsplit(base_url).hostname or ""

    class _AcquiredToken(AccessTokenProvider):  # type: ignore[misc]
        """Hands Graph exactly the token that was acquired and summarised (no second acquisition)."""

        async def get_authorization_token(
            self, uri: str, additional_authentication_context: dict[str, Any] | None = None
        ) -> str:
            return token.access_token.reveal()

        def get_allowed_hosts_validator(self) -> Any:
            return AllowedHostsValidator([host])

    provider = BaseBearerTokenAuthenticationProvider(_AcquiredToken())
    http = httpx.AsyncClient(
        transport=cast("httpx.AsyncBaseTransport", transport), trust_env=False, follow_redirects=False
    )
    adapter = GraphRequestAdapter(provider, client=http)
    adapter.base_url = base_url.rstrip("/")
    return GraphServiceClient(request_adapter=adapter), adapter, http


def _result(transport: AsyncTracingTransport, method: str, url: str, start: float, summary: str) -> ApiResult:
    response = transport.last_response
    if response is None:
        raise WizardError("No answer from Microsoft Graph was recorded")
    return ApiResult(
        method=method,
        url=str(response.request.url) if response.request else url,
        status=response.status_code,
        headers=dict(response.headers),
        body=response.text,
        duration_ms=(time.monotonic() - start) * 1000,
        summary=summary,
    )


def graph_target(profile: Profile, path: str | None = None) -> tuple[str, str]:
    """(SDK base URL ending in /v1.0 or /beta, path under it) from the profile's API URL and `path`."""
    base = profile.api_base_url.rstrip("/")
    relative = (profile.api.relative_path or "").strip("/")
    full = f"{base}/{relative}" if relative else base
    match = _VERSION.search(full)
    if match:
        base, rest = full[: match.end()], full[match.end() :].strip("/")
    else:
        rest = relative
    if path:
        rest = (
            _VERSION.sub("", "/" + path.lstrip("/"), count=1).strip("/")
            if path.lstrip("/").startswith(("v1.0", "beta"))
            else path.lstrip("/")
        )
    return base, rest or DEFAULT_GRAPH_PATH


async def _call(
    profile: Profile, token: TokenResult, path: str | None, settings: HttpSettings, trace: Trace
) -> tuple[ApiResult, Registration | None, bool]:
    base, rel = graph_target(profile, path)
    transport = AsyncTracingTransport(settings, trace, "api")
    client, adapter, http = _client(token, base, transport)
    url = f"{base}/{rel}"
    start = time.monotonic()
    summary = ""
    try:
        try:
            if rel == "users":
                users = await client.users.get()
                count = len(users.value or []) if users is not None else 0
                summary = f"{count} users (msgraph-sdk users.get)"
            else:
                from kiota_abstractions.method import Method
                from kiota_abstractions.request_information import RequestInformation

                info = RequestInformation()
                info.http_method = Method.GET
                info.url = url
                info.headers.try_add("Accept", "application/json")
                raw = await adapter.send_primitive_async(info, "bytes", None)
                summary = f"{len(raw or b'')} bytes (msgraph-sdk request adapter)"
        except WizardError:
            raise
        except Exception as exc:
            summary = _odata_summary(exc)
        result = _result(transport, "GET", url, start, summary)
        registration, read = None, False
        if result.ok and REGISTRATION_READERS & set(_roles(token)):
            registration = await _registration(client, profile, transport)
            read = True
        return result, registration, read
    finally:
        await http.aclose()


def _roles(token: TokenResult) -> list[str]:
    from wizard.live.summary import decode_claims

    roles = (decode_claims(token.access_token.reveal()) or {}).get("roles") or []
    return [str(r) for r in roles] if isinstance(roles, list) else []


async def _registration(
    client: Any, profile: Profile, transport: AsyncTracingTransport
) -> Registration | None:
    """`requiredResourceAccess` and credential end dates of the app itself, when the token may read them."""
    try:
        if profile.object_id:
            await client.applications.by_application_id(profile.object_id).get()
        else:
            await client.applications_with_app_id(profile.client_id).get()
    except WizardError:
        raise
    except Exception:
        return None
    response = transport.last_response
    if response is None or response.status_code != 200:
        return None
    try:
        data = response.json()
    except ValueError:
        return None
    return Registration(data) if isinstance(data, dict) else None


def probe_graph(
    profile: Profile,
    token: TokenResult,
    *,
    settings: HttpSettings,
    path: str | None = None,
    trace: Trace | None = None,
    with_registration: bool = True,
) -> tuple[ApiResult, Registration | None]:
    """GET /v1.0/users (or `path`) through msgraph-sdk; also the app's registration when readable."""
    trace = trace or token.trace
    trace.add_secret(token.access_token.reveal())
    result, registration, _ = asyncio.run(_call(profile, token, path, settings, trace))
    return result, (registration if with_registration else None)


def _odata_summary(exc: Exception) -> str:
    """Graph's own words from an ODataError (`code: message`), else the exception type."""
    error = getattr(exc, "error", None)
    code, message = getattr(error, "code", None), getattr(error, "message", None)
    if code or message:
        return f"{code or 'error'}: {message or ''}".strip().rstrip(":")
    return f"msgraph-sdk raised {type(exc).__name__}"
