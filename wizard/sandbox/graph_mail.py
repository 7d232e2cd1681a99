"""Graph's mail slice (`GET /v1.0/users/{id}/messages`), where Exchange Online authorises: Mail.Read lets an
app into every mailbox unless an application access policy (RestrictAccess) names the ones it may open;
outside them Exchange answers `ErrorAccessDenied` "Access to OData is disabled: [RAOP] ..."."""

from __future__ import annotations

import datetime as dt
import uuid

from wizard.sandbox import graph_objects as G
from wizard.sandbox.graph import Caller, _ctx, graph_route, ok
from wizard.sandbox.web.requests import Request
from wizard.sandbox.web.responses import Response

READ_MAIL = frozenset({"Mail.Read", "Mail.ReadBasic.All", "Mail.ReadBasic", "Mail.ReadWrite"})
RAOP = "Access to OData is disabled: [RAOP] : Blocked by tenant configured AppOnly AccessPolicy settings."


@graph_route("/users/{ident}/messages", needs=None)
async def messages(request: Request, caller: Caller) -> Response:
    from wizard.sandbox.graph import graph_error

    if caller.app_only and not caller.allowed(READ_MAIL):
        # Exchange, not Graph, words the refusal of a token without a mail permission.
        return graph_error(
            request, 403, "ErrorAccessDenied", "Access is denied. Check credentials and try again."
        )
    ident = request.path_params["ident"].lower()
    user = next(
        (u for u in caller.tenant.spec.users if ident in (u.id.lower(), u.user_principal_name.lower())), None
    )
    if user is None:
        return G.not_found(request, ident)
    policy = caller.tenant.spec.azure.services.mailbox_policy(caller.app.spec.name if caller.app else "")
    if (
        caller.app_only
        and policy is not None
        and not {user.id.lower(), user.user_principal_name.lower()} & set(policy.mailboxes)
    ):
        return graph_error(request, 403, "ErrorAccessDenied", RAOP)
    sent = dt.datetime.now(dt.timezone.utc).replace(microsecond=0) - dt.timedelta(hours=3)
    message = {
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"mail/{user.id}")),
        "subject": "Quarterly report",
        "receivedDateTime": sent.isoformat().replace("+00:00", "Z"),
        "from": {"emailAddress": {"address": f"reports@{caller.tenant.spec.domain}"}},
    }
    return ok(request, {"@odata.context": _ctx(request, f"users('{ident}')/messages"), "value": [message]})


ROUTES = [messages]
