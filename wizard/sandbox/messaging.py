"""Azure Service Bus and Event Hubs over REST (`POST /azure/servicebus/{namespace}/{entity}/messages`, or the
namespace's own host name): Entra tokens get the Send/Listen rights only from data roles, and a refusal is
the services' XML `<Error><Code>401</Code><Detail>Unauthorized access. 'Send' claim(s) are required ...`."""

from __future__ import annotations

import datetime as dt
import uuid

from wizard.sandbox.first_party import EVENT_HUBS, SERVICE_BUS, audiences_of
from wizard.sandbox.resource_tokens import Refusal, check_bearer
from wizard.sandbox.web.requests import Request
from wizard.sandbox.web.responses import Response
from wizard.sandbox.web.routing import Route

PREFIX = "/azure/servicebus"
_TOKEN_WORDS = {
    "missing": "MissingToken: The request contains no authorization header.",
    "malformed": "MalformedToken: The credentials contained in the authorization header are not well-formed.",
    "expired": "ExpiredToken: The token is expired.",
    "not_yet_valid": "InvalidToken: The token is not yet valid.",
    "audience": "InvalidAudience: The provided token audience is not valid for this resource.",
    "issuer": "InvalidIssuer: Token issuer is invalid.",
    "signature": "InvalidSignature: The token has an invalid signature.",
}


def _error(namespace: str, entity: str, detail: str) -> Response:
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
    tracking = f"{uuid.uuid4().hex}_G{len(entity) % 30}"
    body = (
        f"<Error><Code>401</Code><Detail>{detail} TrackingId:{tracking}, "
        f"SystemTracker:{namespace}.servicebus.windows.net:{entity}, Timestamp:{stamp}</Detail></Error>"
    )
    return Response(
        body,
        status_code=401,
        media_type="application/xml; charset=utf-8",
        headers={"Server": "Microsoft-HTTPAPI/2.0"},
    )


async def messages(request: Request) -> Response:
    namespace = request.path_params["namespace"].lower()
    entity = request.path_params["entity"]
    checked = check_bearer(request, audiences_of(SERVICE_BUS) | audiences_of(EVENT_HUBS))
    if isinstance(checked, Refusal):
        return _error(namespace, entity, _TOKEN_WORDS.get(checked.reason, _TOKEN_WORDS["malformed"]))
    azure = checked.tenant.spec.azure
    hubs = namespace in azure.services.eventhub_namespaces
    if not hubs and namespace not in azure.services.namespaces:
        return Response(status_code=404)  # no such namespace: DNS would not resolve it
    receive = request.url.path.rstrip("/").endswith("/head")
    provider, kind = ("Microsoft.EventHub", "eventhubs") if hubs else ("Microsoft.ServiceBus", "queues")
    action = f"{provider}/namespaces/messages/{'receive' if receive else 'send'}/action"
    resource = (
        f"/subscriptions/{azure.subscription_id}/resourceGroups/rg-daemons/providers/{provider}/namespaces/"
        f"{namespace}/{kind}/{entity}"
    )
    if not azure.allows(checked.app_name, action, resource, data=True):
        claim = "Listen" if receive else "Send"
        detail = (
            f"Unauthorized access. '{claim}' claim(s) are required to perform this operation. Resource: "
            f"'sb://{namespace}.servicebus.windows.net/{entity}'."
        )
        return _error(namespace, entity, detail)
    if receive:
        return Response(
            b'{"sandbox":"message"}',
            media_type="application/json",
            headers={"BrokerProperties": '{"DeliveryCount":1,"SequenceNumber":1}'},
        )
    return Response(status_code=201)


ROUTES = [
    Route(PREFIX + "/{namespace}/{entity}/messages", messages, methods=["POST"]),
    Route(PREFIX + "/{namespace}/{entity}/messages/head", messages, methods=["POST", "DELETE"]),
]
