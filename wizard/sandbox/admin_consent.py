"""The admin-consent endpoints: show what is requested, record the grant, redirect as Entra does."""

from __future__ import annotations

import html
from urllib.parse import urlencode, urlsplit

from wizard.sandbox import customer_consent
from wizard.sandbox import entra_errors as E
from wizard.sandbox.scenario import APPLICATION
from wizard.sandbox.state import AppState, SandboxState, TenantState
from wizard.sandbox.token_endpoint import resolve_tenant
from wizard.sandbox.web.requests import Request
from wizard.sandbox.web.responses import HTMLResponse, RedirectResponse, Response

MULTI_ORG = ("common", "organizations")
_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Permissions requested</title></head>
<body>
<h1>Permissions requested</h1>
<p><strong>{app}</strong> ({client_id}) asks for these application permissions in
<strong>{tenant}</strong>. Accepting grants them for the whole organisation.</p>
<ul>{items}</ul>
<form method="post">
{hidden}
<button name="accept" value="true">Accept</button>
<button name="accept" value="false">Cancel</button>
</form>
</body></html>
"""


def _error_page(exc: E.EntraError) -> HTMLResponse:
    text = f"AADSTS{exc.code}: {exc.message}"
    body = f"<!doctype html><html><body><h1>Sign in error</h1><p>{html.escape(text)}</p></body></html>"
    return HTMLResponse(body, status_code=exc.status)


def _requested(tenant: TenantState, app: AppState, scope: str | None) -> list[tuple[str, str, str]]:
    """(api display name, permission, resource app id) for each application permission requested."""
    wanted: set[str] | None = None
    if scope:
        wanted = set()
        for item in scope.split():
            res = item[: -len("/.default")] if item.endswith("/.default") else item
            api = tenant.api_by_resource(res)
            if api is not None:
                wanted.add(api.app_id)
    out = []
    for perm in app.spec.permissions:
        api = tenant.api_by_name(perm.api)
        if api is None or perm.type != APPLICATION:
            continue
        if wanted is not None and api.app_id not in wanted:
            continue
        out.append((api.display_name, perm.value, api.app_id))
    return out


def _redirect_ok(uri: str | None) -> bool:
    if not uri:
        return False
    parts = urlsplit(uri)
    return parts.scheme in ("https", "http") and bool(parts.netloc)


def _consenting_tenant(state: SandboxState, segment: str, client_id: str) -> tuple[TenantState, AppState]:
    """The tenant the admin consents in, and the app there.

    With `/common` or `/organizations` the admin signs in to their own tenant, which is what the answer's
    `tenant=` names. The sandbox's admins each belong to one tenant and sign in where the app is registered
    (its single-tenant apps can be consented nowhere else), so that is the tenant.
    """
    if segment.lower() in MULTI_ORG:
        for tenant in state.tenants.values():
            app = tenant.apps.get(client_id.lower())
            if app is not None:
                return tenant, app
        raise E.app_not_found(client_id, segment)
    tenant = resolve_tenant(state, segment)
    app = tenant.apps.get(client_id.lower())
    if app is None:
        raise E.app_not_found(client_id, tenant.spec.id)
    return tenant, app


async def admin_consent(request: Request) -> Response:
    state: SandboxState = request.app.state.sandbox_state
    v2 = request.url.path.rstrip("/").endswith("/v2.0/adminconsent")
    params = dict(request.query_params)
    if request.method == "POST":
        form = await request.form()
        params.update({k: v for k, v in form.items() if isinstance(v, str)})
    try:
        client_id = params.get("client_id", "")
        if params.get("ctx") or (
            client_id and customer_consent.takes(state, request.path_params["tenant"], client_id)
        ):
            return await customer_consent.customer_consent(request, params)  # a customer's admin, or /common
        if not client_id:
            raise E.missing_parameter("client_id")
        tenant, app = _consenting_tenant(state, request.path_params["tenant"], client_id)
    except E.EntraError as exc:
        return _error_page(exc)
    scope = params.get("scope") if v2 else None
    requested = _requested(tenant, app, scope)
    redirect_uri = params.get("redirect_uri")
    decision = params.get("accept", "").lower()
    if decision not in ("true", "false"):
        hidden = "".join(
            f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
            for k, v in params.items()
            if k != "accept"
        )
        items = (
            "".join(
                f"<li>{html.escape(api)}: {html.escape(perm)} (Application)</li>"
                for api, perm, _ in requested
            )
            or "<li>(no application permissions configured)</li>"
        )
        page = _PAGE.format(
            app=html.escape(app.spec.display_name),
            client_id=html.escape(app.client_id),
            tenant=html.escape(tenant.spec.display_name),
            items=items,
            hidden=hidden,
        )
        return HTMLResponse(page)
    query: list[tuple[str, str]]
    if decision == "true":
        for resource_app_id in dict.fromkeys(r for _, _, r in requested):
            state.grant_consent(app.client_id, resource_app_id)
        if not requested:
            state.grant_consent(app.client_id)
        query = [("admin_consent", "True"), ("tenant", tenant.spec.id)]
        if v2 and scope:
            query.append(("scope", scope))
    else:
        query = [
            ("error", "access_denied"),
            ("error_subcode", "cancel"),
            ("error_description", "AADSTS65004: User declined to consent to access the app."),
            ("admin_consent", "False"),
        ]
    if params.get("state"):
        query.append(("state", params["state"]))
    if _redirect_ok(redirect_uri):
        assert redirect_uri is not None
        sep = "&" if "?" in redirect_uri else "?"
        return RedirectResponse(f"{redirect_uri}{sep}{urlencode(query)}", status_code=302)
    text = "Admin consent granted." if decision == "true" else "Admin consent declined."
    return HTMLResponse(f"<!doctype html><html><body><p>{text}</p></body></html>")
