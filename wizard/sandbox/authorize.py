"""GET/POST /{tenant}/oauth2/v2.0/authorize: sign-in page, consent page, then the code to the redirect URI."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from urllib.parse import urlencode, urlsplit

from wizard.sandbox import delegated_errors as D
from wizard.sandbox import entra_errors as E
from wizard.sandbox import login_pages as P
from wizard.sandbox.delegated_catalog import PublicClientSpec, graph_scope
from wizard.sandbox.delegated_grants import client_for, parse_scopes, scope_resource
from wizard.sandbox.delegated_sessions import Grant, PendingAuthorization
from wizard.sandbox.entra_errors import EntraError
from wizard.sandbox.state import SandboxState
from wizard.sandbox.users import Account, SignInFailed
from wizard.sandbox.web.requests import Request
from wizard.sandbox.web.responses import RedirectResponse, Response

LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})
RESPONSE_MODES = frozenset({"query", "form_post"})
PKCE_METHODS = frozenset({"S256", "plain"})


def redirect_allowed(uri: str, registered: tuple[str, ...]) -> bool:
    """Exact match, or a loopback `http://localhost` registration with any port (as Entra allows)."""
    if uri in registered:
        return True
    asked = urlsplit(uri)
    if asked.scheme != "http" or asked.fragment or asked.hostname not in LOOPBACK:
        return False
    for reg in map(urlsplit, registered):
        same_host = reg.scheme == "http" and reg.hostname == asked.hostname
        if same_host and (reg.path or "/") == (asked.path or "/"):
            return True
    return False


def _description(exc: EntraError) -> str:
    return f"AADSTS{exc.code}: {exc.message}\r\nTrace ID: {uuid.uuid4()}\r\nCorrelation ID: {uuid.uuid4()}"


def respond(pending: PendingAuthorization, fields: Mapping[str, str]) -> Response:
    """Send the answer to the app: in the query string, or as a form the browser posts."""
    answer = dict(fields)
    if pending.state is not None:
        answer["state"] = pending.state
    if pending.response_mode == "form_post":
        return P.form_post(pending.redirect_uri, answer)
    sep = "&" if "?" in pending.redirect_uri else "?"
    return RedirectResponse(pending.redirect_uri + sep + urlencode(answer), status_code=302)


def refuse(pending: PendingAuthorization, exc: EntraError) -> Response:
    return respond(
        pending,
        {
            "error": exc.error,
            "error_description": _description(exc),
            "error_uri": "https://login.microsoftonline.com/error",
        },
    )


def sign_in_message(code: int) -> str:
    if code == 50126:
        return "Your account or password is incorrect. (AADSTS50126)"
    return "This account does not exist in the directory, or it cannot sign in to this app. (AADSTS50034)"


def _start(request: Request, state: SandboxState, params: Mapping[str, str]) -> Response:
    segment = request.path_params["tenant"]
    client_id = params.get("client_id", "")
    try:
        tenant_id, client = client_for(state, segment, client_id)
    except EntraError as exc:
        return P.error(exc)
    redirect_uri = params.get("redirect_uri") or client.redirect_uris[0]
    if not redirect_allowed(redirect_uri, client.redirect_uris):
        return P.error(D.redirect_mismatch(redirect_uri, client.client_id))
    mode = params.get("response_mode") or "query"
    pending = PendingAuthorization(
        tenant_id=None if segment.lower() in ("organizations", "common") else tenant_id,
        client_id=client.client_id,
        redirect_uri=redirect_uri,
        scopes=(),
        oidc=(),
        state=params.get("state"),
        nonce=params.get("nonce"),
        response_mode=mode if mode in RESPONSE_MODES else "query",
        code_challenge=params.get("code_challenge") or None,
        code_challenge_method=params.get("code_challenge_method") or None,
    )
    try:
        if params.get("response_type") != "code":
            raise D.unsupported_response_type(params.get("response_type", ""))
        method = pending.code_challenge_method
        if pending.code_challenge and (method or "plain") not in PKCE_METHODS:
            raise D.pkce_method(method or "")
        pending.scopes, pending.oidc = parse_scopes(params.get("scope"), client)
        pending.resource = scope_resource(params.get("scope"))
    except EntraError as exc:
        return refuse(pending, exc)
    ctx = state.sessions.begin(pending)
    tenant_name = state.tenants[tenant_id].spec.display_name if pending.tenant_id else "your organization"
    return P.sign_in(
        action=request.url.path,
        ctx=ctx,
        tenant=tenant_name,
        client=client.display_name,
        login=params.get("login_hint", ""),
    )


def _code(state: SandboxState, ctx: str, pending: PendingAuthorization, account: Account) -> Response:
    grant = Grant(
        tenant_id=account.tenant_id,
        client_id=pending.client_id,
        user_upn=account.upn,
        scopes=pending.scopes,
        oidc=pending.oidc,
        nonce=pending.nonce,
        resource=pending.resource,
    )
    code = state.sessions.new_code(grant, pending, state.delegated.settings.auth_code_lifetime)
    state.sessions.finish(ctx)
    return respond(pending, {"code": code, "session_state": str(uuid.uuid4())})


def after_sign_in(
    state: SandboxState, client: PublicClientSpec, account: Account, scopes: tuple[str, ...]
) -> tuple[str, list[str]]:
    """("ok" | "consent" | "admin", missing scopes): what the user sees once signed in."""
    missing = state.delegated.missing(account.tenant_id, client.client_id, account, scopes)
    if not missing:
        return "ok", missing
    if state.delegated.needs_admin(missing) and not account.can_consent_for_tenant:
        return "admin", missing
    return "consent", missing


def consent_page(
    action: str, ctx: str, client: PublicClientSpec, account: Account, missing: list[str]
) -> Response:
    """ "Permissions requested" for the scopes not yet granted; admins also see the organization box."""
    return P.consent(
        action=action,
        ctx=ctx,
        client=client.display_name,
        publisher=client.publisher,
        user=account.upn,
        scopes=[s for m in missing if (s := graph_scope(m)) is not None],
        org=account.can_consent_for_tenant,
    )


def _continue(request: Request, state: SandboxState, form: Mapping[str, str]) -> Response:
    ctx = form.get("ctx", "")
    pending = state.sessions.pending_for(ctx)
    if pending is None:
        return P.error(D.code_invalid())
    tenant_id = pending.tenant_id
    client_name = state.delegated.client_anywhere(pending.client_id)
    display = client_name[1].display_name if client_name else pending.client_id
    if "consent" in form and pending.user_upn:
        account = state.delegated.accounts[pending.user_upn.lower()]
        if form.get("consent") != "accept" or pending.needs_admin:
            state.sessions.finish(ctx)
            return refuse(
                pending, D.admin_approval_required() if pending.needs_admin else D.consent_declined()
            )
        client = state.delegated.client(account.tenant_id, pending.client_id)
        assert client is not None  # checked at sign-in
        missing = state.delegated.missing(account.tenant_id, client.client_id, account, pending.scopes)
        for_org = form.get("consent_org") == "on" and account.can_consent_for_tenant
        state.delegated.grant(account.tenant_id, client.client_id, account, missing, for_tenant=for_org)
        return _code(state, ctx, pending, account)
    tenant_label = state.tenants[tenant_id].spec.display_name if tenant_id else "your organization"
    try:
        account = state.delegated.sign_in(form.get("login", ""), form.get("passwd", ""))
        if tenant_id is not None and account.tenant_id != tenant_id:
            raise SignInFailed(50034)
    except SignInFailed as failed:
        return P.sign_in(
            action=request.url.path,
            ctx=ctx,
            tenant=tenant_label,
            client=display,
            error=sign_in_message(failed.code),
            login=form.get("login", ""),
        )
    client = state.delegated.client(account.tenant_id, pending.client_id)
    if client is None:
        state.sessions.finish(ctx)
        return P.error(E.app_not_found(pending.client_id, account.tenant_id))
    pending.user_upn = account.upn
    step, missing = after_sign_in(state, client, account, pending.scopes)
    if step == "ok":
        return _code(state, ctx, pending, account)
    if step == "admin":
        pending.needs_admin = True
        return P.admin_approval(
            action=request.url.path,
            ctx=ctx,
            client=client.display_name,
            scopes=missing,
            error=D.admin_approval_required(),
        )
    return consent_page(request.url.path, ctx, client, account, missing)


async def authorize(request: Request) -> Response:
    """The authorization endpoint; GET starts a sign-in, POST carries the pages' forms."""
    state: SandboxState = request.app.state.sandbox_state
    if request.method == "GET":
        return _start(request, state, dict(request.query_params))
    form_data = await request.form()
    form = {k: v for k, v in form_data.items() if isinstance(v, str)}
    if "ctx" in form:
        return _continue(request, state, form)
    return _start(request, state, form)
