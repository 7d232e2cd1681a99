"""The Power BI REST API (`GET /powerbi/v1.0/myorg/groups/{id}/reports`, or api.powerbi.com itself): a
service principal gets in only when the tenant setting allows it and sees only the workspaces it was added
to; refusals are Power BI's `PowerBINotAuthorizedException` and "API is not accessible for application"."""

from __future__ import annotations

import uuid

from wizard.sandbox.first_party import POWER_BI, audiences_of
from wizard.sandbox.resource_tokens import Refusal, ResourceCaller, check_bearer
from wizard.sandbox.web.requests import Request
from wizard.sandbox.web.responses import JSONResponse, Response
from wizard.sandbox.web.routing import Route

PREFIX = "/powerbi"


def _headers(code: str | None = None) -> dict[str, str]:
    headers = {
        "RequestId": str(uuid.uuid4()),
        "home-cluster-uri": "https://wabi-west-europe-redirect.analysis.windows.net/",
    }
    if code:
        headers["X-PowerBI-Error-Info"] = code
    return headers


def _not_authorized(status: int = 401) -> Response:
    code = "PowerBINotAuthorizedException"
    body = {
        "error": {
            "code": code,
            "pbi.error": {"code": code, "parameters": {}, "details": [], "exceptionCulprit": 1},
        }
    }
    return JSONResponse(body, status_code=status, headers=_headers(code))


def _caller(request: Request) -> ResourceCaller | Response:
    checked = check_bearer(request, audiences_of(POWER_BI))
    if isinstance(checked, Refusal):
        www = 'Bearer authorization_uri="https://login.windows.net/common/oauth2/authorize", error="invalid_token"'
        return Response(
            status_code=403 if checked.reason == "audience" else 401,
            headers={**_headers(), "WWW-Authenticate": www},
        )
    if checked.app_name not in checked.tenant.spec.azure.services.powerbi_allowed:
        return _not_authorized()
    return checked


async def groups(request: Request) -> Response:
    caller = _caller(request)
    if isinstance(caller, Response):
        return caller
    services = caller.tenant.spec.azure.services
    mine = [
        {"id": w.id, "name": w.name, "isReadOnly": False}
        for w in services.workspaces
        if caller.app_name in w.members
    ]
    return JSONResponse(
        {"@odata.context": "https://api.powerbi.com/v1.0/myorg/$metadata#groups", "value": mine},
        headers=_headers(),
    )


async def reports(request: Request) -> Response:
    caller = _caller(request)
    if isinstance(caller, Response):
        return caller
    workspace = caller.tenant.spec.azure.services.workspace(request.path_params["group"])
    if workspace is None or caller.app_name not in workspace.members:
        return _not_authorized()
    report = {
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, workspace.id)),
        "name": "Sales",
        "reportType": "PowerBIReport",
    }
    return JSONResponse(
        {"@odata.context": "https://api.powerbi.com/v1.0/myorg/$metadata#reports", "value": [report]},
        headers=_headers(),
    )


async def admin(request: Request) -> Response:
    """Admin (scanner) APIs: refused to a service principal holding Power BI application permissions."""
    caller = _caller(request)
    if isinstance(caller, Response):
        return caller
    return JSONResponse(
        {"Message": "API is not accessible for application"}, status_code=401, headers=_headers()
    )


ROUTES = [
    Route(PREFIX + "/v1.0/myorg/groups", groups, methods=["GET"]),
    Route(PREFIX + "/v1.0/myorg/groups/{group}/reports", reports, methods=["GET"]),
    Route(PREFIX + "/v1.0/myorg/admin/{rest:path}", admin, methods=["GET"]),
]
