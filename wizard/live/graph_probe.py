"""Call Microsoft Graph with the acquired token: the official Python sample's read, or msgraph-sdk's.

`doctor` reads Graph as ms-identity-python-daemon does (one GET with the bearer token over requests), on
the project's traced, retried and bounded session: that read needs no typed model, and msgraph-sdk's
stack costs more than the whole sample (its GraphRequestAdapter alone loads ~300 modules, ~70 ms; its
typed builders ~1,250 generated model modules, over 2 s). `typed=True` (`probe --via msgraph-sdk`)
sends the call through msgraph-sdk's GraphServiceClient and its typed builders, as a msgraph-sdk daemon
does, to prove that code path works; other paths go through its request adapter as raw bytes.
"""

from __future__ import annotations

import json
import re
import time
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import quote, urlsplit

from wizard.errors import WizardError
from wizard.live.http import HttpSettings
from wizard.live.results import ApiResult, Registration, TokenResult
from wizard.live.trace import Trace
from wizard.profile import Profile

if TYPE_CHECKING:
    from wizard.live.httpx_transport import AsyncTracingTransport

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


def _adapter(token: TokenResult, base_url: str, transport: AsyncTracingTransport) -> tuple[Any, Any]:
    """msgraph-sdk's request adapter on the traced transport, and the httpx client to close."""
    import httpx
    from kiota_abstractions.authentication import (
        AccessTokenProvider,
        AllowedHostsValidator,
        BaseBearerTokenAuthenticationProvider,
    )
    from msgraph.graph_request_adapter import GraphRequestAdapter

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
    return adapter, http


def _typed_client(adapter: Any) -> Any:
    """The GraphServiceClient a msgraph-sdk daemon uses (its builders load the generated models)."""
    from msgraph.graph_service_client import GraphServiceClient

    return GraphServiceClient(request_adapter=adapter)


async def _get_bytes(adapter: Any, url: str) -> bytes:
    """GET `url` through the adapter's pipeline; the body as bytes, no model parsed."""
    from kiota_abstractions.method import Method
    from kiota_abstractions.request_information import RequestInformation

    info = RequestInformation()
    info.http_method = Method.GET
    info.url = url
    info.headers.try_add("Accept", "application/json")
    raw = await adapter.send_primitive_async(info, "bytes", None)
    return bytes(raw or b"")


def _count(body: bytes) -> int | None:
    """How many items a collection answer holds (`value`), or None when it is not one."""
    try:
        data = json.loads(body)
    except ValueError:
        return None
    value = data.get("value") if isinstance(data, dict) else None
    return len(value) if isinstance(value, list) else None


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


def _call_lean(
    profile: Profile, token: TokenResult, path: str | None, settings: HttpSettings, trace: Trace
) -> tuple[ApiResult, Registration | None]:
    """The sample's read: GET with the bearer token; then the registration when the token may read it."""
    from wizard.live.http import WizardSession

    base, rel = graph_target(profile, path)
    url = f"{base}/{rel}"
    headers = {"Authorization": f"Bearer {token.access_token.reveal()}", "Accept": "application/json"}
    with WizardSession(settings, trace, step="api") as session:
        start = time.monotonic()
        response = session.get(url, headers=headers, allow_redirects=False)
        count = _count(response.content) if rel.split("?", 1)[0] == "users" else None
        if response.status_code >= 400:
            summary = _error_summary(response.content) or f"HTTP {response.status_code}"
        elif count is not None:
            summary = f"{count} users"
        else:
            summary = f"{len(response.content)} bytes"
        result = ApiResult(
            method="GET",
            url=response.url or url,
            status=response.status_code,
            headers=dict(response.headers),
            body=response.text,
            duration_ms=(time.monotonic() - start) * 1000,
            summary=summary,
        )
        registration = None
        if result.ok and REGISTRATION_READERS & set(_roles(token)):
            answer = session.get(_registration_url(profile, base), headers=headers, allow_redirects=False)
            registration = _registration_from(answer.status_code, answer.content)
    return result, registration


def _registration_url(profile: Profile, base: str) -> str:
    if profile.object_id:
        return f"{base}/applications/{quote(profile.object_id, safe='')}"
    return f"{base}/applications(appId='{quote(profile.client_id.replace(chr(39), chr(39) * 2), safe='')}')"


def _registration_from(status: int, body: bytes) -> Registration | None:
    if status != 200:
        return None
    try:
        data = json.loads(body)
    except ValueError:
        return None
    return Registration(data) if isinstance(data, dict) else None


async def _call(
    profile: Profile,
    token: TokenResult,
    path: str | None,
    settings: HttpSettings,
    trace: Trace,
) -> tuple[ApiResult, Registration | None, bool]:
    from wizard.live.httpx_transport import AsyncTracingTransport

    base, rel = graph_target(profile, path)
    transport = AsyncTracingTransport(settings, trace, "api")
    adapter, http = _adapter(token, base, transport)
    client = _typed_client(adapter)
    url = f"{base}/{rel}"
    start = time.monotonic()
    summary = ""
    try:
        try:
            if rel == "users":
                users = await client.users.get()
                summary = (
                    f"{len(users.value or []) if users is not None else 0} users (msgraph-sdk users.get)"
                )
            else:
                raw = await _get_bytes(adapter, url)
                listed = _count(raw) if rel.split("?", 1)[0] == "users" else None
                summary = (
                    f"{listed} users (msgraph-sdk request adapter)"
                    if listed is not None
                    else f"{len(raw)} bytes (msgraph-sdk request adapter)"
                )
        except WizardError:
            raise
        except Exception as exc:
            summary = _odata_summary(exc, transport)
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
    if response is None:
        return None
    return _registration_from(response.status_code, response.content)


def probe_graph(
    profile: Profile,
    token: TokenResult,
    *,
    settings: HttpSettings,
    path: str | None = None,
    trace: Trace | None = None,
    with_registration: bool = True,
    typed: bool = False,
) -> tuple[ApiResult, Registration | None]:
    """GET /v1.0/users (or `path`) through msgraph-sdk; also the app's registration when readable.

    `typed` sends the users read through the typed request builders, as a msgraph-sdk daemon does.
    """
    trace = trace or token.trace
    trace.add_secret(token.access_token.reveal())
    if typed:
        import asyncio

        result, registration, _ = asyncio.run(_call(profile, token, path, settings, trace))
    else:
        result, registration = _call_lean(profile, token, path, settings, trace)
    return result, (registration if with_registration else None)


def _odata_summary(exc: Exception, transport: AsyncTracingTransport) -> str:
    """Graph's own words (`code: message`) from an ODataError or the error body, else the exception type."""
    error = getattr(exc, "error", None)
    code, message = getattr(error, "code", None), getattr(error, "message", None)
    if code or message:
        return f"{code or 'error'}: {message or ''}".strip().rstrip(":")
    if transport.last_response is not None:
        return _error_summary(transport.last_response.content) or f"msgraph-sdk raised {type(exc).__name__}"
    return f"msgraph-sdk raised {type(exc).__name__}"


def _error_summary(body: bytes) -> str:
    """Graph's own words from an error body (`code: message`), or "" when it has none."""
    try:
        data = json.loads(body)
    except ValueError:
        return ""
    detail = data.get("error") if isinstance(data, dict) else None
    if not isinstance(detail, dict):
        return ""
    code, message = detail.get("code"), detail.get("message")
    if not (code or message):
        return ""
    return f"{code or 'error'}: {message or ''}".strip().rstrip(":")
