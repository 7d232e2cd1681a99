"""POST /{tenant}/oauth2/v2.0/token (and v1 /oauth2/token with `resource=`): client credentials, Entra's order."""

from __future__ import annotations

import base64
import binascii
import hmac
import re
from urllib.parse import unquote_plus, urlsplit

from wizard.guids import is_guid
from wizard.sandbox import entra_errors as E
from wizard.sandbox.first_party import first_party_audience, is_first_party
from wizard.sandbox.records import Record
from wizard.sandbox.scenario import ApiSpec
from wizard.sandbox.state import AppState, SandboxState, TenantState
from wizard.sandbox.tokens import IssuedToken, issue, issuer_v2
from wizard.sandbox.web.requests import Request
from wizard.sandbox.web.responses import JSONResponse, Response

DEFAULT_SUFFIX = "/.default"
OIDC = frozenset({"openid", "profile", "email", "offline_access"})
#: A tenant named by domain; compiled on first use (re caches it): the usual client names its tenant by id.
_DNS = r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}$"


def base_url_of(request: Request) -> str:
    """The sandbox's public base URL as this client reached it (so a hosts override just works)."""
    host = request.headers.get("host") or f"{request.url.hostname}:{request.url.port}"
    return f"https://{host}"


def resolve_tenant(state: SandboxState, segment: str) -> TenantState:
    """The tenant a path segment names, or the AADSTS error Entra gives for it."""
    low = segment.lower()
    if low in ("common", "consumers"):
        raise E.common_endpoint()
    if not is_guid(low) and not re.match(_DNS, low, re.I):
        raise E.invalid_tenant_identifier(segment)
    tenant = state.tenant(low)
    if tenant is None:
        raise E.tenant_not_found(segment)
    return tenant


def _resource_of(scope: str) -> str:
    if scope.endswith(DEFAULT_SUFFIX):
        return scope[: -len(DEFAULT_SUFFIX)].rstrip("/").lower()
    if "://" in scope:
        scheme, _, rest = scope.partition("://")
        return f"{scheme}://{rest.split('/', 1)[0]}".lower()
    if "/" in scope:
        return scope.split("/", 1)[0].lower()
    return "https://graph.microsoft.com"  # a bare permission name is taken as Graph's


def check_scope(raw: str | None) -> str:
    """The resource of the one `<resource>/.default` scope, or the AADSTS error for the scope given."""
    items = (raw or "").split()
    if not items:
        raise E.missing_scope()
    if len(items) > 1:
        joined = " ".join(items)
        resources = {_resource_of(s) for s in items if s.lower() not in OIDC}
        if len(resources) > 1:
            raise E.several_resources(joined)
        raise E.scope_invalid_legacy(joined)
    scope = items[0]
    if not scope.endswith(DEFAULT_SUFFIX) or len(scope) == len(DEFAULT_SUFFIX):
        raise E.scope_not_default(scope)
    return scope[: -len(DEFAULT_SUFFIX)]


def _basic_auth(header: str | None) -> tuple[str, str] | None:
    if not header or not header.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    user, sep, password = decoded.partition(":")
    return (unquote_plus(user), unquote_plus(password)) if sep else None


class TokenRequest(Record, frozen=True):
    """The fields of a token request this endpoint reads (form and Basic auth merged)."""

    grant_type: str | None
    client_id: str | None
    client_secret: str | None
    client_assertion: str | None
    client_assertion_type: str | None
    scope: str | None
    resource: str | None


def parse_request(form: dict[str, str], authorization: str | None) -> TokenRequest:
    basic = _basic_auth(authorization)
    assertion = form.get("client_assertion") or None
    client_id = form.get("client_id") or (basic[0] if basic else None)
    if not client_id and assertion:
        from wizard.sandbox.assertion import assertion_client_id

        client_id = assertion_client_id(assertion)
    return TokenRequest(
        grant_type=form.get("grant_type") or None,
        client_id=client_id,
        client_secret=form.get("client_secret") or (basic[1] if basic else None) or None,
        client_assertion=assertion,
        client_assertion_type=form.get("client_assertion_type") or None,
        scope=form.get("scope"),
        resource=form.get("resource"),
    )


def _check_secret(state: SandboxState, app: AppState, value: str) -> None:
    for cred in app.secrets:
        if hmac.compare_digest(cred.value.encode(), value.encode()):
            if state.writes.lagging(cred.key_id):  # added through Graph, not replicated yet (token_lag)
                break
            if cred.expired():
                raise E.expired_secret(app.client_id)
            return
    raise E.invalid_secret(app.client_id)


def _audiences(base: str, segment: str, tenant: TenantState) -> set[str]:
    out = set()
    for seg in {segment.lower(), tenant.spec.id, tenant.spec.domain}:
        out.add(f"{base}/{seg}/oauth2/v2.0/token".lower())
        out.add(f"{base}/{seg}/oauth2/token".lower())
    return out


def _verify_external(
    state: SandboxState, assertion: str, app: AppState, base: str, known_hosts: set[str]
) -> bool:
    """Verify `assertion` as a federated one when its `iss` is not the client id; False when it is not."""
    import jwt

    from wizard.sandbox.federation import is_federated, verify_federated

    try:
        header = jwt.get_unverified_header(assertion)
        claims = jwt.decode(assertion, options={"verify_signature": False})
    except jwt.PyJWTError:
        return False  # verify_assertion gives the malformed-JWT error
    if not is_federated(header, claims, app):
        return False
    entra = {issuer_v2(t, base).lower() for t in state.tenants.values()}
    found = verify_federated(
        assertion,
        app=app,
        base_url=base,
        issuers=state.oidc_issuers,
        known_hosts=known_hosts | {urlsplit(base).netloc.lower()},
        entra_issuers=entra,
    )
    if state.writes.lagging(
        E.fic_lag_key(app.spec.object_id, found.name)
    ):  # written through Graph (token_lag)
        raise E.federated_not_replicated(
            found.issuer_at(base), found.subject, found.audiences[0] if found.audiences else ""
        )
    return True


def authenticate(
    state: SandboxState,
    req: TokenRequest,
    tenant: TenantState,
    base: str,
    segment: str,
    known_hosts: frozenset[str] | set[str] = frozenset(),
) -> tuple[AppState, bool]:
    """The calling app and whether it used a certificate; raises the Entra error otherwise."""
    client_id = (req.client_id or "").strip()
    if not is_guid(client_id):
        raise E.invalid_client_id(client_id)
    app = tenant.apps.get(client_id.lower()) or tenant.guests.get(client_id.lower())
    if app is None:
        raise E.app_not_found(client_id, tenant.spec.id)
    if not app.has_service_principal:
        raise E.missing_service_principal(app.client_id, tenant.spec.id)
    if app.disabled:
        raise E.app_disabled(app.client_id, app.spec.display_name)
    if req.client_assertion:
        # A certificate or federated credential's modules load with the first assertion a run sees.
        from wizard.sandbox.assertion import JWT_BEARER, verify_assertion

        if req.client_assertion_type != JWT_BEARER:
            raise E.assertion_type(req.client_assertion_type or "")
        if _verify_external(state, req.client_assertion, app, base, set(known_hosts)):
            return app, True
        with state.lock:
            verify_assertion(
                req.client_assertion,
                app=app,
                client_id=app.client_id,
                audiences=_audiences(base, segment, tenant),
            )
        return app, True
    if req.client_secret:
        with state.lock:
            _check_secret(state, app, req.client_secret)
        return app, False
    raise E.missing_credential()


def _resource(tenant: TenantState, resource: str) -> ApiSpec:
    api = tenant.api_by_resource(resource)
    if api is None:
        raise E.resource_not_found(resource, tenant.spec.display_name)
    return api


class Grant(Record, frozen=True):
    """A token issued by either endpoint, with the resource it was asked for."""

    issued: IssuedToken
    resource: str


async def _form(request: Request) -> dict[str, str]:
    if request.method != "POST":
        raise E.post_only(request.method)
    form_data = await request.form()
    return {k: v for k, v in form_data.items() if isinstance(v, str)}


def _read_request(request: Request, form: dict[str, str]) -> tuple[TenantState, TokenRequest]:
    """The tenant and the parsed form; the checks both endpoints make before the grant's own."""
    state: SandboxState = request.app.state.sandbox_state
    tenant = resolve_tenant(state, request.path_params["tenant"])
    req = parse_request(form, request.headers.get("authorization"))
    if not req.grant_type:
        raise E.missing_parameter("grant_type")
    if req.grant_type != "client_credentials":
        raise E.unsupported_grant_type(req.grant_type)
    if not req.client_id:
        raise E.missing_parameter("client_id")
    return tenant, req


def _grant(request: Request, tenant: TenantState, req: TokenRequest, resource: str) -> Grant:
    state: SandboxState = request.app.state.sandbox_state
    base = base_url_of(request)
    known: set[str] = getattr(request.app.state, "known_hosts", set())
    app, cert_auth = authenticate(state, req, tenant, base, request.path_params["tenant"], known)
    api = _resource(tenant, resource)
    if api.assignment_required and not state.has_assignment(app, api):
        raise E.not_assigned(app.client_id, app.spec.display_name, resource, api.display_name)
    audience = (
        api.app_id if api.access_token_version == 2 or resource.lower() == api.app_id else api.app_id_uri
    )
    if is_first_party(api):
        audience = first_party_audience(api, resource)
    issued = issue(
        tenant=tenant,
        app=app,
        api=api,
        audience=audience,
        roles=state.roles_for(app, api),
        key=state.signing_key,
        base_url=base,
        cert_auth=cert_auth,
    )
    return Grant(issued, resource)


def _headers(correlation: str | None) -> dict[str, str]:
    headers = dict(E.NO_STORE)
    if correlation:
        headers["client-request-id"] = correlation
    return headers


async def token_endpoint(request: Request) -> Response:
    correlation = request.headers.get("client-request-id")
    try:
        form = await _form(request)
        if form.get("grant_type") not in (None, "client_credentials"):
            from wizard.sandbox.delegated_grants import DELEGATED_GRANTS, delegated_token

            if form["grant_type"] in DELEGATED_GRANTS:  # a person's sign-in (wizard.sandbox.delegated_grants)
                return await delegated_token(request, request.app.state.sandbox_state, form)
        tenant, req = _read_request(request, form)
        if req.resource is not None:
            raise E.resource_parameter()
        grant = _grant(request, tenant, req, check_scope(req.scope))
    except E.EntraError as exc:
        return exc.response(correlation_id=correlation)
    issued = grant.issued
    return JSONResponse(
        {
            "token_type": "Bearer",
            "expires_in": issued.expires_in,
            "ext_expires_in": issued.expires_in,
            "access_token": issued.access_token,
        },
        headers=_headers(correlation),
    )


async def token_endpoint_v1(request: Request) -> Response:
    """The v1 endpoint legacy (ADAL-era) daemons call: `resource=` instead of `scope`, v1 answer shape.

    As on Entra, the token's version follows the resource's registration, not the endpoint.
    """
    correlation = request.headers.get("client-request-id")
    try:
        tenant, req = _read_request(request, await _form(request))
        if not req.resource:
            raise E.missing_parameter("resource")
        grant = _grant(request, tenant, req, req.resource)
    except E.EntraError as exc:
        return exc.response(correlation_id=correlation)
    issued, claims = grant.issued, grant.issued.claims
    # v1 answers every number as a string, and names the resource.
    return JSONResponse(
        {
            "token_type": "Bearer",
            "expires_in": str(issued.expires_in),
            "ext_expires_in": str(issued.expires_in),
            "expires_on": str(claims["exp"]),
            "not_before": str(claims["nbf"]),
            "resource": req.resource,
            "access_token": issued.access_token,
        },
        headers=_headers(correlation),
    )
