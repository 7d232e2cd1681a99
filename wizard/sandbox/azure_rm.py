"""A slice of Azure Resource Manager (`GET /azure/management/subscriptions/{id}/resourcegroups`): ARM's
gateway checks the token's audience and the caller's role assignments, with ARM's real error bodies."""

from __future__ import annotations

import datetime as dt
import uuid

from wizard.sandbox.first_party import ARM, audiences_of
from wizard.sandbox.resource_tokens import Refusal, check_bearer
from wizard.sandbox.web.requests import Request
from wizard.sandbox.web.responses import JSONResponse, Response
from wizard.sandbox.web.routing import Route

PREFIX = "/azure/management"
READ_GROUPS = "Microsoft.Resources/subscriptions/resourcegroups/read"
_ALLOWED = "'https://management.core.windows.net/','https://management.core.windows.net','https://management.azure.com/','https://management.azure.com'"


def _headers(failure: str | None = None) -> dict[str, str]:
    rid = str(uuid.uuid4())
    headers = {
        "x-ms-request-id": rid,
        "x-ms-correlation-request-id": rid,
        "x-ms-routing-request-id": f"WESTEUROPE:{dt.datetime.now(dt.timezone.utc):%Y%m%dT%H%M%SZ}:{rid}",
        "cache-control": "no-cache",
        "strict-transport-security": "max-age=31536000; includeSubDomains",
    }
    if failure:
        headers["x-ms-failure-cause"] = failure
    return headers


def _error(status: int, code: str, message: str, *, www: str | None = None) -> Response:
    headers = _headers("gateway")
    if www:
        headers["WWW-Authenticate"] = www
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status, headers=headers)


def _utc(epoch: object) -> str:
    t = dt.datetime.fromtimestamp(int(epoch) if isinstance(epoch, int) else 0, dt.timezone.utc)
    return t.strftime("%m/%d/%Y %H:%M:%S")


def _refused(refusal: Refusal) -> Response:
    c = refusal.claims
    www = (
        'Bearer authorization_uri="https://login.windows.net/", error="invalid_token", '
        "error_description=\"The authentication failed because of missing 'Authorization' header.\""
    )
    if refusal.reason == "missing":
        return _error(
            401,
            "AuthenticationFailed",
            "Authentication failed. The 'Authorization' header is missing.",
            www=www,
        )
    www = (
        'Bearer authorization_uri="https://login.windows.net/", error="invalid_token", '
        'error_description="The access token is invalid."'
    )
    if refusal.reason == "audience":
        return _error(
            401,
            "InvalidAuthenticationTokenAudience",
            f"The access token has been obtained for wrong audience or resource '{c.get('aud', '')}'. It should "
            f"exactly match with one of the allowed audiences {_ALLOWED}.",
            www=www,
        )
    if refusal.reason == "expired":
        now = dt.datetime.now(dt.timezone.utc).strftime("%m/%d/%Y %H:%M:%S")
        return _error(
            401,
            "ExpiredAuthenticationToken",
            f"The access token expiry UTC time '{_utc(c.get('exp'))}' is earlier than current UTC time '{now}'.",
            www=www,
        )
    if refusal.reason == "issuer":
        return _error(
            401,
            "InvalidAuthenticationTokenTenant",
            f"The access token is from the wrong issuer '{c.get('iss', '')}'. It must match the tenant "
            "associated with this subscription. Please use the authority (URL) to get the token.",
            www=www,
        )
    return _error(401, "InvalidAuthenticationToken", "The access token is invalid.", www=www)


async def resource_groups(request: Request) -> Response:
    if not request.query_params.get("api-version"):
        return _error(
            400,
            "MissingApiVersionParameter",
            "The api-version query parameter (?api-version=) is required for all requests.",
        )
    checked = check_bearer(request, audiences_of(ARM))
    if isinstance(checked, Refusal):
        return _refused(checked)
    azure = checked.tenant.spec.azure
    sub = request.path_params["subscription"].lower()
    if not azure.subscription_id or sub != azure.subscription_id:
        return _error(404, "SubscriptionNotFound", f"The subscription '{sub}' could not be found.")
    scope = f"/subscriptions/{sub}"
    if not azure.allows(checked.app_name, READ_GROUPS, scope):
        return _error(
            403,
            "AuthorizationFailed",
            f"The client '{checked.client_id}' with object id '{checked.oid}' does not have authorization to "
            f"perform action '{READ_GROUPS}' over scope '{scope}' or the scope is invalid. If access was "
            "recently granted, please refresh your credentials.",
        )
    value = [
        {
            "id": f"{scope}/resourceGroups/{name}",
            "name": name,
            "type": "Microsoft.Resources/resourceGroups",
            "location": "westeurope",
            "properties": {"provisioningState": "Succeeded"},
        }
        for name in azure.resource_groups
    ]
    return JSONResponse({"value": value}, headers=_headers())


ROUTES = [
    Route(PREFIX + "/subscriptions/{subscription}/resourcegroups", resource_groups, methods=["GET"]),
    Route(PREFIX + "/subscriptions/{subscription}/resourceGroups", resource_groups, methods=["GET"]),
]
