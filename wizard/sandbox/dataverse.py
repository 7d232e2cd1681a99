"""A Dataverse environment's Web API (`GET /dataverse/{org}/api/data/v9.2/{table}`, or
`<org>.crm.dynamics.com` itself): an app's token is taken only when the environment has an application user
for it, and that user reads only what its security roles allow; the errors are Dataverse's own."""

from __future__ import annotations

import uuid

from wizard.sandbox.first_party import DYNAMICS
from wizard.sandbox.resource_tokens import Refusal, check_bearer
from wizard.sandbox.web.requests import Request
from wizard.sandbox.web.responses import JSONResponse, Response
from wizard.sandbox.web.routing import Route

PREFIX = "/dataverse"
#: Security roles that may read ordinary tables.
READERS = frozenset({"System Administrator", "System Customizer", "Basic User", "Environment Maker"})
_OTC = {"accounts": ("account", 1), "contacts": ("contact", 2)}


def _error(status: int, code: str, message: str, www: str | None = None) -> Response:
    headers = {"REQ_ID": str(uuid.uuid4()), "OData-Version": "4.0"}
    if www:
        headers["WWW-Authenticate"] = www
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status, headers=headers)


async def table(request: Request) -> Response:
    org = request.path_params["org"].lower()
    audience = f"https://{org}.crm.dynamics.com"
    checked = check_bearer(request, {DYNAMICS.app_id, audience})
    if isinstance(checked, Refusal):
        tid = str(checked.claims.get("tid") or next(iter(request.app.state.sandbox_state.tenants)))
        www = f"Bearer authorization_uri=https://login.microsoftonline.com/{tid}/oauth2/authorize, resource_id={audience}/"
        return Response(status_code=401, headers={"WWW-Authenticate": www})  # Dataverse sends no body here
    services = checked.tenant.spec.azure.services
    if org != services.dataverse_org:
        return Response(status_code=404)  # no such environment: DNS would not resolve it
    user = services.app_user(checked.app_name)
    if user is None:
        return _error(403, "0x80072560", "The user is not a member of the organization.")
    name = request.path_params["table"]
    logical, otc = _OTC.get(name, (name.rstrip("s"), 10000))
    if not set(user.roles) & READERS:
        uid = uuid.uuid5(uuid.NAMESPACE_URL, f"{org}/{checked.app_name}")
        priv = uuid.uuid5(uuid.NAMESPACE_URL, f"prvRead{logical}")
        return _error(
            403,
            "0x80040220",
            f"Principal user (Id={uid}, type=8, roleCount={len(user.roles)}, privilegeCount=0, accessMode=4), "
            f"is missing prvRead{logical.capitalize()} privilege (Id={priv}) on OTC={otc} for entity "
            f"'{logical}'. context.Caller={uid}",
        )
    rows = [
        {f"{logical}id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{org}/{logical}/1")), "name": "Contoso Ltd"}
    ]
    return JSONResponse(
        {"@odata.context": f"{audience}/api/data/v9.2/$metadata#{name}", "value": rows},
        headers={"OData-Version": "4.0"},
    )


ROUTES = [Route(PREFIX + "/{org}/api/data/{version}/{table}", table, methods=["GET"])]
