"""Graph writes that need a directory role beside the permission: `PATCH /v1.0/users/{id}` with a
`passwordProfile` (a password reset) needs User.ReadWrite.All *and* a role such as User Administrator."""

from __future__ import annotations

import json
import uuid

from wizard.sandbox import graph_objects as G
from wizard.sandbox.graph import authenticate, graph_error
from wizard.sandbox.web.requests import Request
from wizard.sandbox.web.responses import Response
from wizard.sandbox.web.routing import Route

WRITE_USERS = frozenset({"User.ReadWrite.All", "Directory.ReadWrite.All"})
#: Roles that may reset a non-admin user's password (Microsoft Entra built-in roles reference).
RESET_ROLES = frozenset(
    {
        "User Administrator",
        "Helpdesk Administrator",
        "Authentication Administrator",
        "Privileged Authentication Administrator",
        "Global Administrator",
    }
)
_DENIED = "Insufficient privileges to complete the operation."


async def patch_user(request: Request) -> Response:
    caller = authenticate(request)
    if isinstance(caller, Response):
        return caller
    if not caller.allowed(WRITE_USERS):
        return graph_error(request, 403, "Authorization_RequestDenied", _DENIED)
    try:
        body = json.loads(await request.body() or b"{}")
    except ValueError:
        return graph_error(request, 400, "BadRequest", "Unable to read JSON request payload.")
    if not isinstance(body, dict):
        return graph_error(request, 400, "BadRequest", "Unable to read JSON request payload.")
    ident = request.path_params["ident"].lower()
    user = next(
        (u for u in caller.tenant.spec.users if ident in (u.id.lower(), u.user_principal_name.lower())), None
    )
    if user is None:
        return G.not_found(request, ident)
    privileged = bool(user.roles)  # resetting an administrator's password needs a higher role still
    if caller.app_only and ("passwordProfile" in body or privileged):
        held = set(caller.tenant.spec.azure.directory_roles_of(caller.app.spec.name if caller.app else ""))
        enough = held & (
            RESET_ROLES
            if not privileged
            else {"Privileged Authentication Administrator", "Global Administrator"}
        )
        if not enough:
            return graph_error(request, 403, "Authorization_RequestDenied", _DENIED)
    rid = str(uuid.uuid4())
    return Response(
        status_code=204,
        headers={"request-id": rid, "client-request-id": request.headers.get("client-request-id", rid)},
    )


ROUTES = [Route("/v1.0/users/{ident}", patch_user, methods=["PATCH"])]
