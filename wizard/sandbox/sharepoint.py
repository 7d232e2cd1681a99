"""A SharePoint Online site's REST API (`GET /sharepoint/sites/{site}/_api/web`): app-only tokens are taken
only from certificate credentials (`appidacr` 2); a secret-based one gets "Unsupported app only token."."""

from __future__ import annotations

import uuid

from wizard.sandbox.resource_tokens import Refusal, check_bearer
from wizard.sandbox.sharepoint_spec import SHAREPOINT_APP_ID
from wizard.sandbox.state import SandboxState
from wizard.sandbox.web.requests import Request
from wizard.sandbox.web.responses import JSONResponse, Response
from wizard.sandbox.web.routing import Route

PREFIX = "/sharepoint"
READ_SITES = frozenset({"Sites.Read.All", "Sites.ReadWrite.All", "Sites.Manage.All", "Sites.FullControl.All"})
_TRUSTED = (
    "00000001-0000-0000-c000-000000000000@*,D3776938-3DBA-481F-A652-4BEDFCAB7CD8@*,"
    "https://sts.windows.net/*/,https://login.microsoftonline.com/*/v2.0,"
    "00000003-0000-0ff1-ce00-000000000000@90140122-8516-11e1-8eff-49304924019b"
)


def _audiences(state: SandboxState) -> set[str]:
    out = {SHAREPOINT_APP_ID}
    for tenant in state.tenants.values():
        out |= {a.app_id_uri for a in tenant.spec.apis if a.app_id == SHAREPOINT_APP_ID}
    return out


def _unauthorized(request: Request, reason: str, tid: str = "") -> Response:
    realm = tid or next(iter(request.app.state.sandbox_state.tenants))
    headers = {
        "WWW-Authenticate": f'Bearer realm="{realm}",client_id="{SHAREPOINT_APP_ID}",trusted_issuers="{_TRUSTED}",'
        'authorization_uri="https://login.windows.net/common/oauth2/authorize"',
        "x-ms-diagnostics": f'3000003;reason="{reason}";category="invalid_client"',
        "SPRequestGuid": str(uuid.uuid4()),
        "request-id": str(uuid.uuid4()),
        "X-SharePointHealthScore": "0",
    }
    return JSONResponse({"error_description": reason}, status_code=401, headers=headers)


def _odata_error(status: int, code: str, value: str) -> Response:
    body = {"odata.error": {"code": code, "message": {"lang": "en-US", "value": value}}}
    return JSONResponse(body, status_code=status, headers={"SPRequestGuid": str(uuid.uuid4())})


async def web(request: Request) -> Response:
    state: SandboxState = request.app.state.sandbox_state
    checked = check_bearer(request, _audiences(state))
    if isinstance(checked, Refusal):
        reason = {
            "missing": "Invalid JWT token. No certificate thumbprint specified in token header.",
            "audience": f"Invalid audience Uri '{checked.claims.get('aud', '')}'.",
            "expired": "The token is expired.",
        }.get(checked.reason, "Invalid issuer or signature.")
        return _unauthorized(request, reason, str(checked.claims.get("tid", "")))
    app_only = checked.claims.get("idtyp") == "app" or "scp" not in checked.claims
    if app_only and not checked.cert_auth:
        return _unauthorized(request, "Unsupported app only token.", checked.tenant.spec.id)
    site = request.path_params.get("site", "")
    sites = checked.tenant.spec.azure.sharepoint_sites
    if site and site.lower() not in {s.lower() for s in sites}:
        return _odata_error(404, "-2147024894, System.IO.FileNotFoundException", "File Not Found.")
    if app_only and not (checked.roles & READ_SITES):
        return _odata_error(
            403,
            "-2147024891, System.UnauthorizedAccessException",
            "Access denied. You do not have permission to perform this action or access this resource.",
        )
    host = str(checked.claims.get("aud", "")).rstrip("/")
    if "://" not in host:
        host = f"https://{checked.tenant.spec.name}.sharepoint.com"
    path = f"/sites/{site}" if site else ""
    body = {
        "Id": str(uuid.uuid5(uuid.NAMESPACE_URL, host + path)),
        "Title": site.upper() if site else "Communication site",
        "Url": host + path,
        "ServerRelativeUrl": path or "/",
        "WebTemplate": "SITEPAGEPUBLISHING",
        "Language": 1033,
    }
    return JSONResponse(body, headers={"SPRequestGuid": str(uuid.uuid4())})


ROUTES = [
    Route(PREFIX + "/_api/web", web, methods=["GET"]),
    Route(PREFIX + "/sites/{site}/_api/web", web, methods=["GET"]),
]
