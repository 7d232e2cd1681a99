"""Device code flow: POST /{tenant}/oauth2/v2.0/devicecode, and the /devicelogin page a person completes."""

from __future__ import annotations

import time
from collections.abc import Mapping

from wizard.sandbox import delegated_errors as D
from wizard.sandbox import entra_errors as E
from wizard.sandbox import login_pages as P
from wizard.sandbox.authorize import after_sign_in, consent_page, sign_in_message
from wizard.sandbox.delegated_grants import MULTI_TENANT, client_for, parse_scopes, scope_resource
from wizard.sandbox.delegated_sessions import DeviceCode, Grant, PendingAuthorization
from wizard.sandbox.entra_errors import EntraError
from wizard.sandbox.state import SandboxState
from wizard.sandbox.token_endpoint import base_url_of
from wizard.sandbox.users import Account, SignInFailed
from wizard.sandbox.web.requests import Request
from wizard.sandbox.web.responses import JSONResponse, Response
from wizard.sandbox.web.routing import Route

DEVICE_LOGIN_PATH = "/devicelogin"


async def devicecode(request: Request) -> Response:
    """Start a device code sign-in: the codes, where to enter them, and how often to poll."""
    state: SandboxState = request.app.state.sandbox_state
    segment = request.path_params["tenant"]
    try:
        if request.method != "POST":
            raise E.post_only(request.method)
        form_data = await request.form()
        form = {k: v for k, v in form_data.items() if isinstance(v, str)}
        if not form.get("client_id"):
            raise E.missing_parameter("client_id")
        tenant_id, client = client_for(state, segment, form["client_id"])
        scopes, oidc = parse_scopes(form.get("scope"), client)
        resource = scope_resource(form.get("scope"))
    except EntraError as exc:
        return exc.response(correlation_id=request.headers.get("client-request-id"))
    settings = state.delegated.settings
    grant = Grant(
        tenant_id="" if segment.lower() in MULTI_TENANT else tenant_id,
        client_id=client.client_id,
        user_upn="",
        scopes=scopes,
        oidc=oidc,
        resource=resource,
    )
    device = state.sessions.new_device_code(
        grant, interval=settings.device_code_interval, lifetime=settings.device_code_lifetime
    )
    uri = f"{base_url_of(request)}{DEVICE_LOGIN_PATH}"
    return JSONResponse(
        {
            "user_code": device.user_code,
            "device_code": device.device_code,
            "verification_uri": uri,
            "expires_in": settings.device_code_lifetime,
            "interval": device.interval,
            "message": f"To sign in, use a web browser to open the page {uri} and enter the code "
            f"{device.user_code} to authenticate.",
        },
        headers=dict(E.NO_STORE),
    )


def _page(error: str | None = None, form: Mapping[str, str] | None = None) -> Response:
    form = form or {}
    return P.device_sign_in(
        action=DEVICE_LOGIN_PATH, error=error, code=form.get("otc", ""), login=form.get("login", "")
    )


def _approve(state: SandboxState, device: DeviceCode, account: Account, client_name: str) -> Response:
    with state.sessions.lock:
        device.grant.tenant_id = account.tenant_id
        device.grant.user_upn = account.upn
        device.status = "approved"
    return P.device_done(client_name)


def _consent_answer(state: SandboxState, form: Mapping[str, str]) -> Response:
    ctx = form.get("ctx", "")
    pending = state.sessions.pending_for(ctx)
    device = state.sessions.device(pending.device_code or "") if pending else None
    if pending is None or device is None or not pending.user_upn:
        return _page("That sign-in has ended. Enter the code again.")
    state.sessions.finish(ctx)
    account = state.delegated.accounts[pending.user_upn.lower()]
    client = state.delegated.client(account.tenant_id, device.grant.client_id)
    if client is None or time.monotonic() > device.expires:
        return _page("That code has expired. Start again on your device.")
    if form.get("consent") != "accept":
        device.status = "declined"
        return P.device_blocked(D.consent_declined())
    missing = state.delegated.missing(account.tenant_id, client.client_id, account, device.grant.scopes)
    for_org = form.get("consent_org") == "on" and account.can_consent_for_tenant
    state.delegated.grant(account.tenant_id, client.client_id, account, missing, for_tenant=for_org)
    return _approve(state, device, account, client.display_name)


async def devicelogin(request: Request) -> Response:
    """The verification page: code, user name and password in one form; then consent when needed."""
    state: SandboxState = request.app.state.sandbox_state
    if request.method == "GET":
        return _page(form={"otc": request.query_params.get("otc", "")})
    form_data = await request.form()
    form = {k: v for k, v in form_data.items() if isinstance(v, str)}
    if "ctx" in form:
        return _consent_answer(state, form)
    device = state.sessions.device_by_user_code(form.get("otc", ""))
    if device is None:
        return _page("That code didn't work. Check the code and try again.", form)
    if time.monotonic() > device.expires:
        return _page("That code has expired. Start again on your device.", form)
    if device.status != "pending":
        return _page("That code was already used. Start again on your device.", form)
    try:
        account = state.delegated.sign_in(form.get("login", ""), form.get("passwd", ""))
        if device.grant.tenant_id and account.tenant_id != device.grant.tenant_id:
            raise SignInFailed(50034)
    except SignInFailed as failed:
        return _page(sign_in_message(failed.code), form)
    client = state.delegated.client(account.tenant_id, device.grant.client_id)
    if client is None:
        return P.error(E.app_not_found(device.grant.client_id, account.tenant_id))
    if state.delegated.device_code_blocked(account.tenant_id):
        device.status = "blocked"
        return P.device_blocked(D.blocked_by_conditional_access())
    step, missing = after_sign_in(state, client, account, device.grant.scopes)
    if step == "ok":
        return _approve(state, device, account, client.display_name)
    if step == "admin":
        device.status = "needs_admin"
        return P.admin_approval(
            action=None, ctx="", client=client.display_name, scopes=missing, error=D.admin_approval_required()
        )
    pending = PendingAuthorization(
        tenant_id=account.tenant_id,
        client_id=client.client_id,
        redirect_uri="",
        scopes=device.grant.scopes,
        oidc=device.grant.oidc,
        state=None,
        nonce=None,
        response_mode="query",
        code_challenge=None,
        code_challenge_method=None,
        user_upn=account.upn,
        device_code=device.device_code,
    )
    ctx = state.sessions.begin(pending)
    return consent_page(DEVICE_LOGIN_PATH, ctx, client, account, missing)


#: The page a person opens to enter the code; in the route table as a lazy group (wizard.sandbox.app).
ROUTES = [Route(DEVICE_LOGIN_PATH, devicelogin, methods=["GET", "POST"])]
