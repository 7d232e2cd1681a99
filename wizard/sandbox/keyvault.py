"""A Key Vault data plane (`GET /azure/keyvault/{vault}/secrets/{name}?api-version=...`) that answers as
the service: the access-policy and the Azure RBAC permission models, with their real 401/403/404 bodies."""

from __future__ import annotations

import time
import uuid
from typing import Any

from wizard.sandbox.first_party import KEY_VAULT, audiences_of
from wizard.sandbox.resource_tokens import Refusal, ResourceCaller, check_bearer
from wizard.sandbox.token_endpoint import base_url_of
from wizard.sandbox.web.requests import Request
from wizard.sandbox.web.responses import JSONResponse, Response
from wizard.sandbox.web.routing import Route

PREFIX = "/azure/keyvault"
REGION = "westeurope"
GET_SECRET = "Microsoft.KeyVault/vaults/secrets/getSecret/action"
_UNAUTHORIZED = {
    "missing": "AKV10000: Request is missing a Bearer or PoP token.",
    "malformed": "AKV10000: Request is missing a Bearer or PoP token.",
    "signature": "AKV10032: Invalid issuer. Expected one of https://sts.windows.net/{tid}/, found {iss}.",
    "issuer": "AKV10032: Invalid issuer. Expected one of https://sts.windows.net/{tid}/, found {iss}.",
    "expired": "AKV10022: Invalid audience. Expected https://vault.azure.net, found: {aud}.",
    "audience": "AKV10022: Invalid audience. Expected https://vault.azure.net, found: {aud}.",
}


def _headers(request: Request) -> dict[str, str]:
    return {
        "x-ms-keyvault-service-version": "1.9.1195.1",
        "x-ms-request-id": str(uuid.uuid4()),
        "x-ms-keyvault-region": REGION,
        "x-ms-keyvault-network-info": f"conn_type=Ipv4;addr={request.client.host if request.client else ''};"
        "act_addr_fam=InterNetwork;",
        "x-content-type-options": "nosniff",
        "strict-transport-security": "max-age=31536000;includeSubDomains",
        "cache-control": "no-cache",
    }


def _error(request: Request, status: int, code: str, message: str, inner: str | None = None) -> Response:
    err: dict[str, Any] = {"code": code, "message": message}
    if inner:
        err["innererror"] = {"code": inner}
    headers = _headers(request)
    if status == 401:
        state = request.app.state.sandbox_state
        tid = next(iter(state.tenants))
        headers["WWW-Authenticate"] = (
            f'Bearer authorization="{base_url_of(request)}/{tid}", resource="{KEY_VAULT.app_id_uri}"'
        )
    return JSONResponse({"error": err}, status_code=status, headers=headers)


def _refused(request: Request, refusal: Refusal) -> Response:
    c = refusal.claims
    text = _UNAUTHORIZED.get(refusal.reason, _UNAUTHORIZED["missing"])
    if refusal.reason == "expired":
        text = "AKV10021: Token is expired."
    if refusal.reason == "not_yet_valid":
        text = "AKV10020: Token is not yet valid."
    message = text.format(tid=c.get("tid", ""), iss=c.get("iss", ""), aud=c.get("aud", ""))
    return _error(request, 401, "Unauthorized", message)


def _caller_text(caller: ResourceCaller) -> str:
    return f"appid={caller.client_id};oid={caller.oid};iss={caller.claims.get('iss', '')}"


async def get_secret(request: Request) -> Response:
    if not request.query_params.get("api-version"):
        return _error(
            request, 400, "BadParameter", "The request URI contains an invalid or missing api-version."
        )
    checked = check_bearer(request, audiences_of(KEY_VAULT))
    if isinstance(checked, Refusal):
        return _refused(request, checked)
    caller = checked
    azure = caller.tenant.spec.azure
    vault = azure.vault(request.path_params["vault"])
    if vault is None:  # no such vault in this tenant: DNS would not resolve it; the closest answer is 404
        return Response(status_code=404, headers=_headers(request))
    name = request.path_params["name"]
    vault_id = azure.vault_id(vault)
    located = f"{vault.name};location={REGION}"
    if vault.rbac:
        resource = f"{vault_id}/secrets/{name}"
        if not azure.allows(caller.app_name, GET_SECRET, resource, data=True):
            message = (
                "Caller is not authorized to perform action on resource.\r\nIf role assignments, deny "
                "assignments or role definitions were changed recently, please observe propagation time.\r\n"
                f"Caller: {_caller_text(caller)}\r\nAction: '{GET_SECRET}'\r\n"
                f"Resource: '{resource.lower()}'\r\nAssignment: (not found)\r\nDenyAssignmentId: null\r\n"
                f"DecisionReason: null \r\nVault: {located}\r\n"
            )
            return _error(request, 403, "Forbidden", message, "ForbiddenByRbac")
    else:
        granted = {p.lower() for a in vault.access_policies if a.app == caller.app_name for p in a.secrets}
        if "get" not in granted:
            message = (
                f"The user, group or application '{_caller_text(caller)}' does not have secrets get permission "
                f"on key vault '{located}'. For help resolving this issue, please see "
                "https://go.microsoft.com/fwlink/?linkid=2125287"
            )
            return _error(request, 403, "Forbidden", message, "AccessDenied")
    value = vault.secret(name)
    if value is None:
        return _error(
            request,
            404,
            "SecretNotFound",
            f"A secret with (name/id) {name} was not found in this key vault. If you recently deleted this "
            "secret you may be able to recover it using the correct recovery command. For help resolving this "
            "issue, please see https://go.microsoft.com/fwlink/?linkid=2125182",
        )
    created = int(time.time()) - 86400 * 30
    version = uuid.uuid5(uuid.NAMESPACE_URL, f"{vault.name}/{name}").hex
    body = {
        "value": value,
        "id": f"{base_url_of(request)}{PREFIX}/{vault.name}/secrets/{name}/{version}",
        "attributes": {
            "enabled": True,
            "created": created,
            "updated": created,
            "recoveryLevel": "Recoverable+Purgeable",
            "recoverableDays": 90,
        },
        "tags": {},
    }
    return JSONResponse(body, headers=_headers(request))


ROUTES = [
    Route(PREFIX + "/{vault}/secrets/{name}", get_secret, methods=["GET"]),
    Route(PREFIX + "/{vault}/secrets/{name}/{version}", get_secret, methods=["GET"]),
]
