"""The sandbox's ASGI application: Entra endpoints, the Graph slice, the ToDo API and the imitated Azure
and SharePoint resources, plus middleware."""

from __future__ import annotations

import secrets

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp

from wizard.sandbox import (
    azure_rm,
    discovery,
    graph,
    graph_credentials,
    graph_keys,
    graph_policy_reads,
    graph_write_apps,
    graph_write_sps,
    graph_writes,
    keyvault,
    oidc_issuers,
    sharepoint,
    todo,
)
from wizard.sandbox.admin_consent import admin_consent
from wizard.sandbox.authorize import authorize
from wizard.sandbox.beyond_routes import BEYOND_ROUTES
from wizard.sandbox.devicecode import DEVICE_LOGIN_PATH, devicecode, devicelogin
from wizard.sandbox.faults import FaultMiddleware, Faults
from wizard.sandbox.graph_fic import ROUTES as FIC_ROUTES
from wizard.sandbox.graph_write_common import ReplicationLag
from wizard.sandbox.host_routes import HostRouter
from wizard.sandbox.reqlog import RequestLog, RequestLogMiddleware
from wizard.sandbox.state import SandboxState
from wizard.sandbox.token_endpoint import token_endpoint, token_endpoint_v1


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


def build_app(state: SandboxState, *, faults: Faults, log: RequestLog, known_hosts: set[str]) -> ASGIApp:
    routes = [
        Route("/", root),
        Route("/common/discovery/instance", discovery.instance_discovery),
        Route("/{tenant}/v2.0/.well-known/openid-configuration", discovery.openid_config_v2),
        Route("/{tenant}/.well-known/openid-configuration", discovery.openid_config_v1),
        Route("/{tenant}/discovery/v2.0/keys", discovery.keys),
        Route("/{tenant}/discovery/keys", discovery.keys),
        Route("/{tenant}/oauth2/v2.0/token", token_endpoint, methods=["GET", "POST"]),
        Route("/{tenant}/oauth2/token", token_endpoint_v1, methods=["GET", "POST"]),
        Route("/{tenant}/oauth2/v2.0/authorize", authorize, methods=["GET", "POST"]),
        Route("/{tenant}/oauth2/v2.0/devicecode", devicecode, methods=["GET", "POST"]),
        Route(DEVICE_LOGIN_PATH, devicelogin, methods=["GET", "POST"]),
        Route("/{tenant}/adminconsent", admin_consent, methods=["GET", "POST"]),
        Route("/{tenant}/v2.0/adminconsent", admin_consent, methods=["GET", "POST"]),
        *oidc_issuers.ROUTES,
        *todo.ROUTES,
        *azure_rm.ROUTES,
        *keyvault.ROUTES,
        *sharepoint.ROUTES,
        *BEYOND_ROUTES,  # Storage, messaging, Power BI, Dataverse, Graph mail: before Graph's catch-all
        *graph_writes.ROUTES,  # before Graph's catch-all
        *FIC_ROUTES,
        *graph_credentials.ROUTES,
        *graph_keys.ROUTES,
        *graph_write_apps.ROUTES,
        *graph_write_sps.ROUTES,
        *graph_policy_reads.ROUTES,
        *graph.ROUTES,
    ]
    app = Starlette(routes=routes)
    app.state.sandbox_state = state
    app.state.todo_store = todo.TodoStore()
    app.state.known_hosts = known_hosts
    app.state.paging_key = secrets.token_bytes(16)  # binds Graph's $skiptoken to this sandbox
    return HostRouter(RequestLogMiddleware(FaultMiddleware(ReplicationLag(app, state), faults), log))
