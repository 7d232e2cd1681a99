"""Azure Blob Storage (`GET /azure/storage/{account}/{container}/{blob}`, or the account's own host name):
Entra tokens authorise by data roles only, with Storage's XML errors and its `x-ms-error-code` header."""

from __future__ import annotations

import datetime as dt
import uuid

from wizard.sandbox.first_party import STORAGE, audiences_of
from wizard.sandbox.resource_tokens import Refusal, check_bearer
from wizard.sandbox.web.requests import Request
from wizard.sandbox.web.responses import Response
from wizard.sandbox.web.routing import Route

PREFIX = "/azure/storage"
READ_BLOB = "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read"
WRITE_BLOB = "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write"
VERSION = "2025-01-05"
_MESSAGES = {
    "AuthorizationPermissionMismatch": "This request is not authorized to perform this operation using this "
    "permission.",
    "AuthorizationFailure": "This request is not authorized to perform this operation.",
    "InvalidAuthenticationInfo": "Server failed to authenticate the request. Please refer to the information "
    "in the www-authenticate header.",
    "ResourceNotFound": "The specified resource does not exist.",
    "MissingRequiredHeader": "An HTTP header that's mandatory for this request is not specified.",
}
_DETAILS = {
    "audience": "Audience validation failed. Audience did not match.",
    "issuer": "Issuer validation failed. Issuer did not match.",
    "signature": "Signature validation failed. Signature is improperly formatted.",
    "expired": "Lifetime validation failed. The token is expired.",
    "not_yet_valid": "Lifetime validation failed. The token is not yet valid.",
}


def _error(request: Request, status: int, code: str, *, detail: str = "", www: str = "") -> Response:
    rid = str(uuid.uuid4())
    now = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f0Z")
    extra = f"<AuthenticationErrorDetail>{detail}</AuthenticationErrorDetail>" if detail else ""
    body = (
        '<?xml version="1.0" encoding="utf-8"?><Error>'
        f"<Code>{code}</Code><Message>{_MESSAGES[code]}\nRequestId:{rid}\nTime:{now}</Message>{extra}</Error>"
    )
    headers = {
        "Server": "Windows-Azure-Blob/1.0 Microsoft-HTTPAPI/2.0",
        "x-ms-request-id": rid,
        "x-ms-version": request.headers.get("x-ms-version", VERSION),
        "x-ms-error-code": code,
    }
    if "x-ms-client-request-id" in request.headers:
        headers["x-ms-client-request-id"] = request.headers["x-ms-client-request-id"]
    if www:
        headers["WWW-Authenticate"] = www
    return Response(body, status_code=status, media_type="application/xml", headers=headers)


def _refused(request: Request, refusal: Refusal) -> Response:
    tid = str(refusal.claims.get("tid") or next(iter(request.app.state.sandbox_state.tenants)))
    www = f"Bearer authorization_uri=https://login.microsoftonline.com/{tid}/oauth2/authorize resource_id={STORAGE.app_id_uri}"
    if refusal.reason in ("missing", "malformed"):
        # Anonymous access: a private container answers as if nothing were there.
        return _error(request, 404, "ResourceNotFound")
    return _error(request, 401, "InvalidAuthenticationInfo", detail=_DETAILS.get(refusal.reason, ""), www=www)


async def blob(request: Request) -> Response:
    checked = check_bearer(request, audiences_of(STORAGE))
    if isinstance(checked, Refusal):
        return _refused(request, checked)
    if "x-ms-version" not in request.headers:  # Entra tokens need a version of 2017-11-09 or later
        return _error(request, 400, "MissingRequiredHeader")
    azure = checked.tenant.spec.azure
    account = request.path_params["account"].lower()
    if account not in azure.services.storage_accounts:
        return Response(status_code=404)  # no such account: DNS would not resolve it
    if account in azure.services.storage_firewalled:  # network rules: no caller of this sandbox is allowed
        return _error(request, 403, "AuthorizationFailure")
    container, name = request.path_params["container"], request.path_params["name"]
    resource = (
        f"/subscriptions/{azure.subscription_id}/resourceGroups/rg-daemons/providers/Microsoft.Storage/"
        f"storageAccounts/{account}/blobServices/default/containers/{container}"
    )
    action = WRITE_BLOB if request.method == "PUT" else READ_BLOB
    if not azure.allows(checked.app_name, action, resource, data=True):
        return _error(request, 403, "AuthorizationPermissionMismatch")
    if request.method == "PUT":
        return Response(
            status_code=201, headers={"x-ms-request-id": str(uuid.uuid4()), "x-ms-version": VERSION}
        )
    content = f"report,{container}/{name}\nrows,3\n".encode()
    return Response(
        content,
        media_type="text/csv",
        headers={
            "x-ms-blob-type": "BlockBlob",
            "x-ms-version": VERSION,
            "x-ms-request-id": str(uuid.uuid4()),
        },
    )


ROUTES = [Route(PREFIX + "/{account}/{container}/{name:path}", blob, methods=["GET", "PUT"])]
