"""Admin consent by a customer's admin: sign in, see the app's permissions, accept; as a person in a browser.

Taken by the admin-consent endpoint when the app is not registered in the tenant named (a customer tenant),
or when `/common` or `/organizations` is named: there the admin's own tenant is the one consenting. A
single-tenant app is refused in another tenant as Entra refuses it (AADSTS700016).
"""

from __future__ import annotations

import secrets
from html import escape
from urllib.parse import urlencode, urlsplit

from wizard.sandbox import entra_errors as E
from wizard.sandbox import login_pages as P
from wizard.sandbox.customer_tenant import home_of, is_multi_tenant, provision
from wizard.sandbox.delegated_catalog import (
    APPLICATION_ADMINISTRATOR,
    CLOUD_APPLICATION_ADMINISTRATOR,
    GLOBAL_ADMINISTRATOR,
    PRIVILEGED_ROLE_ADMINISTRATOR,
)
from wizard.sandbox.records import Record
from wizard.sandbox.scenario import APPLICATION, GRAPH_APP_ID
from wizard.sandbox.state import AppState, SandboxState, TenantState
from wizard.sandbox.token_endpoint import resolve_tenant
from wizard.sandbox.users import Account, SignInFailed
from wizard.sandbox.web.requests import Request
from wizard.sandbox.web.responses import HTMLResponse, RedirectResponse, Response

MULTI_ORG = ("common", "organizations")
#: Who may grant application permissions: Graph's need the first two, other APIs' any of them.
_GRAPH_GRANTERS = frozenset({GLOBAL_ADMINISTRATOR, PRIVILEGED_ROLE_ADMINISTRATOR})
_GRANTERS = _GRAPH_GRANTERS | {CLOUD_APPLICATION_ADMINISTRATOR, APPLICATION_ADMINISTRATOR}


class Pending(Record):
    """A consent in progress: what was asked, and who signed in (once they have)."""

    client_id: str
    segment: str
    params: dict[str, str]
    account: Account | None = None


def _pending(request: Request) -> dict[str, Pending]:
    store = getattr(request.app.state, "customer_consents", None)
    if store is None:
        store = request.app.state.customer_consents = {}
    return store


def takes(state: SandboxState, segment: str, client_id: str) -> bool:
    """True when this consent is a customer's (or a multi-organisation endpoint's), not the home tenant's."""
    if segment.lower() in MULTI_ORG:
        # A single-tenant app keeps the home tenant's page there (wizard.sandbox.admin_consent), as before.
        found = home_of(state, client_id)
        return found is not None and is_multi_tenant(found[1])
    tenant = state.tenant(segment)
    return tenant is not None and client_id.lower() not in tenant.apps


def _resources(customer: TenantState, app: AppState, scope: str | None) -> list[tuple[str, str, str]]:
    """(api display name, permission, resource app id) the customer would grant, limited to `scope`'s API."""
    wanted: set[str] | None = None
    if scope:
        wanted = set()
        for item in scope.split():
            api = customer.api_by_resource(item.removesuffix("/.default"))
            if api is not None:
                wanted.add(api.app_id)
    out = []
    for perm in app.spec.permissions:
        api = customer.api_by_name(perm.api)
        if api is None or perm.type != APPLICATION or (wanted is not None and api.app_id not in wanted):
            continue
        out.append((api.display_name, perm.value, api.app_id))
    return out


def _page(title: str, body: str) -> HTMLResponse:
    head = f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title></head>'
    return HTMLResponse(f"{head}<body>{body}</body></html>\n", headers=P.HEADERS)


def _consent_page(action: str, ctx: str, app: AppState, customer: TenantState, account: Account) -> Response:
    items = "".join(
        f"<li>{escape(api)}: <strong>{escape(perm)}</strong> (Application)</li>"
        for api, perm, _ in _resources(customer, app, None)
    )
    body = (
        f"<h1>Permissions requested</h1><p><strong>{escape(app.spec.display_name)}</strong> "
        f"({escape(app.client_id)}) asks for these application permissions in <strong>"
        f"{escape(customer.spec.display_name)}</strong>, for {escape(account.upn)}'s whole organisation:</p>"
        f"<ul>{items or '<li>(no application permissions)</li>'}</ul>"
        f'<form method="post" action="{escape(action)}" id="consent">'
        f'<input type="hidden" name="ctx" value="{escape(ctx)}">'
        '<button type="submit" name="consent" value="accept" id="accept">Accept</button>'
        '<button type="submit" name="consent" value="cancel" id="cancel">Cancel</button></form>'
    )
    return _page("Permissions requested", body)


def _answer(pending: Pending, query: list[tuple[str, str]]) -> Response:
    if pending.params.get("state"):
        query.append(("state", pending.params["state"]))
    uri = pending.params.get("redirect_uri") or ""
    parts = urlsplit(uri)
    if parts.scheme in ("https", "http") and parts.netloc:
        sep = "&" if "?" in uri else "?"
        return RedirectResponse(f"{uri}{sep}{urlencode(query)}", status_code=302)
    done = "Admin consent granted." if query[0][0] == "admin_consent" else "Admin consent declined."
    return _page("Admin consent", f'<p id="done">{done}</p>')


def _can_grant(account: Account, resources: list[tuple[str, str, str]]) -> bool:
    needed = _GRAPH_GRANTERS if any(r == GRAPH_APP_ID for _, _, r in resources) else _GRANTERS
    return bool(set(account.roles) & needed)


def _start(request: Request, state: SandboxState, params: dict[str, str]) -> Response:
    segment = request.path_params["tenant"]
    client_id = params.get("client_id", "")
    found = home_of(state, client_id)
    if found is None:
        return P.error(E.app_not_found(client_id, segment))
    home_tenant, app = found
    if not is_multi_tenant(app):  # in another tenant: Entra has no such app there
        return P.error(E.app_not_found(client_id, resolve_tenant(state, segment).spec.id))
    ctx = secrets.token_urlsafe(24)
    _pending(request)[ctx] = Pending(app.client_id, segment, dict(params))
    where = home_tenant.spec.display_name if segment.lower() in MULTI_ORG else segment
    return P.sign_in(action=request.url.path, ctx=ctx, tenant=where, client=app.spec.display_name)


async def customer_consent(request: Request, params: dict[str, str]) -> Response:
    """The whole page flow: GET shows the sign-in, then the consent page, then the redirect with the answer."""
    state: SandboxState = request.app.state.sandbox_state
    try:
        ctx = params.get("ctx", "")
        pending = _pending(request).get(ctx) if ctx else None
        if pending is None:
            return _start(request, state, params)
        _, app = home_of(state, pending.client_id) or (None, None)
        assert app is not None
        if pending.account is None:
            return _signed_in(request, state, ctx, pending, app, params)
        customer = state.tenants[pending.account.tenant_id]
        del _pending(request)[ctx]
        if params.get("consent") != "accept":
            return _answer(
                pending,
                [
                    ("error", "access_denied"),
                    ("error_subcode", "cancel"),
                    ("error_description", "AADSTS65004: User declined to consent to access the app."),
                    ("admin_consent", "False"),
                ],
            )
        scope = pending.params.get("scope")
        ids = {r for _, _, r in _resources(customer, app, scope)} if scope else None
        provision(state, customer.spec.id, app.client_id, ids)
        query = [("admin_consent", "True"), ("tenant", customer.spec.id)]
        if scope:
            query.append(("scope", scope))
        return _answer(pending, query)
    except E.EntraError as exc:
        return P.error(exc)


def _signed_in(
    request: Request, state: SandboxState, ctx: str, pending: Pending, app: AppState, params: dict[str, str]
) -> Response:
    action, login = request.url.path, params.get("login", "")
    try:
        account = state.delegated.sign_in(login, params.get("passwd", ""))
    except SignInFailed as failed:
        from wizard.sandbox.authorize import sign_in_message

        return P.sign_in(
            action=action, ctx=ctx, tenant=pending.segment, client=app.spec.display_name,
            error=sign_in_message(failed.code), login=login,
        )  # fmt: skip
    if (
        pending.segment.lower() not in MULTI_ORG
        and account.tenant_id != resolve_tenant(state, pending.segment).spec.id
    ):
        return P.sign_in(
            action=action, ctx=ctx, tenant=pending.segment, client=app.spec.display_name,
            error="This account does not exist in the directory, or it cannot sign in to this app. (AADSTS50034)",
            login=login,
        )  # fmt: skip
    customer = state.tenants[account.tenant_id]
    if not _can_grant(account, _resources(customer, app, pending.params.get("scope"))):
        del _pending(request)[ctx]
        return P.admin_approval(
            action=None, ctx=ctx, client=app.spec.display_name, scopes=[], error=E.EntraError(
                400, "access_denied", 90094, "The grant requires admin permission."
            ),
        )  # fmt: skip
    pending.account = account
    return _consent_page(action, ctx, app, customer, account)
