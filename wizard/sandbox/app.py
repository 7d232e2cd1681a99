"""The sandbox's ASGI application: Entra endpoints, the Graph slice, the ToDo API and the imitated Azure
and SharePoint resources, plus middleware."""

from __future__ import annotations

import secrets

from wizard.sandbox import discovery, graph, oidc_issuers
from wizard.sandbox.faults import FaultMiddleware, Faults
from wizard.sandbox.graph_write_common import ReplicationLag
from wizard.sandbox.host_routes import HostRouter
from wizard.sandbox.lazy_routes import LazyRoutes, lazy_endpoint
from wizard.sandbox.reqlog import RequestLog, RequestLogMiddleware
from wizard.sandbox.state import SandboxState
from wizard.sandbox.token_endpoint import token_endpoint, token_endpoint_v1
from wizard.sandbox.web.requests import Request
from wizard.sandbox.web.responses import JSONResponse, Response
from wizard.sandbox.web.routing import BaseRoute, Route, Router
from wizard.sandbox.web.types import ASGIApp

_AUTHORIZE = "wizard.sandbox.authorize"
_DEVICE = "wizard.sandbox.devicecode"
_CONSENT = "wizard.sandbox.admin_consent"


def _imitations() -> list[BaseRoute]:
    """The imitated services and Graph writes, each imported on the first request one of its routes would
    take (wizard.sandbox.lazy_routes), in the order they are matched: all before Graph's catch-all."""
    return [
        LazyRoutes("wizard.sandbox.todo"),
        LazyRoutes("wizard.sandbox.azure_rm"),
        LazyRoutes("wizard.sandbox.keyvault"),
        LazyRoutes("wizard.sandbox.sharepoint"),
        LazyRoutes("wizard.sandbox.storage"),
        LazyRoutes("wizard.sandbox.messaging"),
        LazyRoutes("wizard.sandbox.powerbi"),
        LazyRoutes("wizard.sandbox.dataverse"),
        LazyRoutes("wizard.sandbox.graph_mail"),
        LazyRoutes("wizard.sandbox.graph_writes"),
        LazyRoutes("wizard.sandbox.graph_fic"),
        LazyRoutes("wizard.sandbox.graph_credentials"),
        LazyRoutes("wizard.sandbox.graph_keys"),
        LazyRoutes("wizard.sandbox.graph_write_apps"),
        LazyRoutes("wizard.sandbox.graph_write_sps"),
        LazyRoutes("wizard.sandbox.graph_policy_reads"),
    ]


async def root(request: Request) -> Response:
    state: SandboxState = request.app.state.sandbox_state
    return JSONResponse(
        {
            "service": "entra-daemon-wizard sandbox tenant",
            "tenants": [
                {"id": t.spec.id, "domain": t.spec.domain, "type": t.spec.type}
                for t in state.tenants.values()
            ],
        }
    )


def routes() -> list[BaseRoute]:
    """The route table, in matching order; the imitations' modules load on their first request."""
    return [
        Route("/", root),
        Route("/common/discovery/instance", discovery.instance_discovery),
        Route("/{tenant}/v2.0/.well-known/openid-configuration", discovery.openid_config_v2),
        Route("/{tenant}/.well-known/openid-configuration", discovery.openid_config_v1),
        Route("/{tenant}/discovery/v2.0/keys", discovery.keys),
        Route("/{tenant}/discovery/keys", discovery.keys),
        Route("/{tenant}/oauth2/v2.0/token", token_endpoint, methods=["GET", "POST"]),
        Route("/{tenant}/oauth2/token", token_endpoint_v1, methods=["GET", "POST"]),
        Route(
            "/{tenant}/oauth2/v2.0/authorize", lazy_endpoint(_AUTHORIZE, "authorize"), methods=["GET", "POST"]
        ),
        Route(
            "/{tenant}/oauth2/v2.0/devicecode", lazy_endpoint(_DEVICE, "devicecode"), methods=["GET", "POST"]
        ),
        LazyRoutes(_DEVICE),
        Route("/{tenant}/adminconsent", lazy_endpoint(_CONSENT, "admin_consent"), methods=["GET", "POST"]),
        Route(
            "/{tenant}/v2.0/adminconsent", lazy_endpoint(_CONSENT, "admin_consent"), methods=["GET", "POST"]
        ),
        *oidc_issuers.ROUTES,
        *_imitations(),
        *graph.ROUTES,
    ]


def build_app(state: SandboxState, *, faults: Faults, log: RequestLog, known_hosts: set[str]) -> ASGIApp:
    app = Router(routes())
    app.state.sandbox_state = state
    app.state.known_hosts = known_hosts
    app.state.paging_key = secrets.token_bytes(16)  # binds Graph's $skiptoken to this sandbox
    return HostRouter(RequestLogMiddleware(FaultMiddleware(ReplicationLag(app, state), faults), log))
