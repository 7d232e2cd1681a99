"""Rules about the scope and the shape of the token request."""

from __future__ import annotations

import difflib
import re
from urllib.parse import urlsplit

from wizard.diagnosis.registry import HINT, INFERRED, LEARN, RULES, SERVER_SAYS, Hit
from wizard.diagnosis.signals import Signals
from wizard.errors import ValidationError
from wizard.scopes import TRAILING_SLASH_RESOURCES, normalise_scope
from wizard.tokens.audiences import known_hosts

SECTION = "Scope and request shape"
CLIENT_CREDS = f"{LEARN}/v2-oauth2-client-creds-grant-flow"
DEFAULT_SCOPE = f"{LEARN}/scopes-oidc#the-default-scope"
V1_RESOURCES = f"{LEARN}/scenario-daemon-acquire-token#azure-ad-v10-resources"

_SCOPE_IN_TEXT = (
    re.compile(r"value for (?:the input parameter )?scope '?(.+?)'? is not valid"),
    re.compile(r"the scope '?(.+?)'? is not valid"),
    re.compile(r"scope '?(\S+?)'? (?:is not valid|does not exist)"),
)

SCOPE_NOT_DEFAULT = RULES.add(
    "scope-not-default",
    section=SECTION,
    title="A permission name was requested instead of `<resource>/.default`",
    meaning=(
        "A delegated or individual scope (e.g. `User.Read`, `api://x/access_as_user`) was requested; "
        "client credentials only accept `<resource>/.default`."
    ),
    fix="Request `<resource>/.default` (e.g. `https://graph.microsoft.com/.default`); grant the permission "
    "as an Application permission with admin consent instead.",
    links=(CLIENT_CREDS, DEFAULT_SCOPE),
)
SCOPE_UNKNOWN_RESOURCE = RULES.add(
    "scope-unknown-resource",
    section=SECTION,
    title="The resource in the scope is not a known API",
    meaning="The resource before `/.default` is not a known App ID URI or appId (typo, wrong URI).",
    fix="Copy the API's Application ID URI (Expose an API blade) or its appId, and request "
    "`<that>/.default`.",
    links=(CLIENT_CREDS, f"{LEARN}/reference-error-codes"),
)
SCOPE_MULTIPLE = RULES.add(
    "scope-multiple",
    section=SECTION,
    title="Several scopes in one client-credentials request",
    meaning="Several scopes or several resources in one request; client credentials take exactly one "
    "`<resource>/.default`.",
    fix="Request exactly one `<resource>/.default`; get one token per resource.",
    links=(CLIENT_CREDS, DEFAULT_SCOPE),
)
SCOPE_OIDC = RULES.add(
    "scope-oidc",
    section=SECTION,
    title="OpenID Connect scopes sent with client credentials",
    meaning="`openid`, `profile`, `email` or `offline_access` sent with client credentials.",
    fix="Remove the OpenID Connect scopes; request only `<resource>/.default`.",
    links=(CLIENT_CREDS, f"{LEARN}/scopes-oidc#openid-connect-scopes"),
)
SCOPE_MISSING = RULES.add(
    "scope-missing",
    section=SECTION,
    title="No scope was sent",
    meaning="No scope sent.",
    fix="Send `scope=<resource>/.default`, e.g. `https://graph.microsoft.com/.default`.",
    links=(CLIENT_CREDS,),
)
SCOPE_V1_SLASH = RULES.add(
    "scope-v1-trailing-slash",
    section=SECTION,
    title="A v1 resource that ends with '/' needs '//.default'",
    meaning="A v1 resource whose identifier ends with `/` (Azure SQL: `https://database.windows.net/`) needs "
    "`//.default`; the token's `aud` otherwise lacks the slash.",
    fix="Request `https://database.windows.net//.default` (two slashes) so `aud` is "
    "`https://database.windows.net/`.",
    links=(V1_RESOURCES,),
)
SCOPE_SELF = RULES.add(
    "scope-self",
    section=SECTION,
    title="The app requests a token for itself by App ID URI",
    meaning="The app requests a token for itself by App ID URI; only the GUID form is allowed.",
    fix="Request `<client id GUID>/.default` when the daemon calls its own API.",
    links=(f"{LEARN}/reference-error-codes",),
)
SCOPES_NOT_LIST = RULES.add(
    "scopes-not-list",
    section=SECTION,
    title="Scopes were given as a string instead of a list",
    meaning="The client library was given the scopes as a string instead of a list.",
    fix='Pass a list: `scopes=["https://graph.microsoft.com/.default"]`.',
    links=("https://learn.microsoft.com/python/api/msal/msal.application.confidentialclientapplication",),
)
V1_RESOURCE_PARAMETER = RULES.add(
    "v1-resource-parameter",
    section=SECTION,
    title="A v1 'resource' parameter was sent to the v2.0 endpoint",
    meaning="A v1-style `resource=` parameter was sent to the v2.0 token endpoint.",
    fix="Send `scope=<resource>/.default` instead of `resource=<resource>` to `/oauth2/v2.0/token`.",
    links=(
        f"{LEARN}/v2-oauth2-client-creds-grant-flow#first-case-access-token-request-with-a-shared-secret",
    ),
)


def _server_rejected_scope(s: Signals) -> bool:
    return (s.code(70011, 1002012, 28002, 28003, 70000) and "scope" in s.error_text) or s.says(
        "invalid_scope",
        "must have a scope value with /.default",
        "scope value with /.default suffixed",
        "provided value for scope",
        "value for the input parameter 'scope' is not valid",
    )


def _scopes_from_text(s: Signals) -> list[str] | None:
    text = " ".join(f"{s.token_error.text}\n{s.client_error.text}".split())
    for pattern in _SCOPE_IN_TEXT:
        found = pattern.search(text) or re.search(pattern.pattern, text, re.IGNORECASE)
        if found:
            return [p for p in found.group(1).strip(" .'\"").split() if p]
    return None


def scope_problem(s: Signals) -> ValidationError | None:
    """What normalise_scope says about the scopes in the config, or (if none) in the error text."""
    scopes = list(s.evidence.config.scopes) if s.evidence.config.scopes is not None else None
    if scopes is None and s.has_token_failure:
        scopes = _scopes_from_text(s)
    if scopes is None:
        return None
    try:
        normalised = normalise_scope(scopes)
    except ValidationError as exc:
        return exc
    if len(scopes) == 1 and not scopes[0].endswith("/.default"):
        # A bare resource (`https://graph.microsoft.com`, an appId) suits v1 `resource=`, not v2 `scope=`.
        return ValidationError(
            f"{scopes[0]} has no /.default suffix",
            field="scope",
            code="scope-not-default",
            hint=f"Request {normalised}.",
        )
    return None


def _by_shape(code: str, s: Signals) -> Hit | None:
    problem = scope_problem(s)
    if problem is None or problem.code != code:
        return None
    detail = f"{problem.title}. {problem.hint or ''}".strip()
    if _server_rejected_scope(s) or (code == "scope-missing" and s.says("'scope'")):
        return Hit(SERVER_SAYS, explanation=detail, fix=problem.hint)
    # No rejection seen: still a request that would fail (or a token that was issued another way).
    return Hit(HINT + 5, explanation=detail, fix=problem.hint)


@SCOPE_NOT_DEFAULT.detector
def _not_default(s: Signals) -> Hit | None:
    return _by_shape("scope-not-default", s)


@SCOPE_MULTIPLE.detector
def _multiple(s: Signals) -> Hit | None:
    return _by_shape("scope-multiple", s)


@SCOPE_OIDC.detector
def _oidc(s: Signals) -> Hit | None:
    return _by_shape("scope-oidc", s)


@SCOPE_OIDC.detector
def _oidc_reserved(s: Signals) -> Hit | None:
    # MSAL refuses reserved scopes itself: "API does not accept {'openid', ...} value as user-provided scopes"
    # (Python), "... reserved scope ..." (others).
    if s.matches(r"(reserved|user-provided) scopes?") and s.matches(r"openid|profile|offline_access"):
        return Hit(SERVER_SAYS)
    return None


@SCOPE_MISSING.detector
def _missing_shape(s: Signals) -> Hit | None:
    return _by_shape("scope-missing", s)


@SCOPE_MISSING.detector
def _missing_server(s: Signals) -> Hit | None:
    if (s.code(90014, 900144) and "scope" in s.error_text) or s.matches(
        r"(required field|parameter)\W+'?scope'? (is missing|must)"
        r"|must contain the following parameter: 'scope'"
    ):
        return Hit(SERVER_SAYS + 2)
    return None


@SCOPES_NOT_LIST.detector
def _not_list(s: Signals) -> Hit | None:
    lib_says = s.says(
        "isinstance(scopes, list)",
        "scopes must be a list",
        "scopes should be a list",
        "scopes.map is not a function",
        "scopes.foreach is not a function",
        "scopes.join is not a function",
    ) or (s.says("invalid parameter type") and s.says("scope", "msal"))
    if lib_says:
        return Hit(SERVER_SAYS)
    if s.evidence.config.scopes_is_string:
        return Hit(
            INFERRED if s.has_token_failure else HINT,
            explanation="The configuration holds the scopes as one string; MSAL Python asserts "
            "`isinstance(scopes, list)` and other libraries split or reject it.",
        )
    return None


@V1_RESOURCE_PARAMETER.detector
def _resource_param(s: Signals) -> Hit | None:
    if s.code(901002) or s.says("'resource' request parameter is not supported", "resource parameter is not"):
        return Hit(SERVER_SAYS)
    cfg = s.evidence.config
    if cfg.resource and not cfg.scopes:
        return Hit(HINT, explanation=f"The configuration sends `resource={cfg.resource}`, a v1.0 parameter.")
    return None


@SCOPE_SELF.detector
def _self(s: Signals) -> Hit | None:
    if s.code(90009) or s.says("requesting a token for itself", "token for itself"):
        return Hit(SERVER_SAYS, fix=_self_fix(s))
    cid = s.client_id
    for scope in s.evidence.config.scopes or ():
        if cid and scope.lower().startswith(f"api://{cid.lower()}") and s.has_token_failure:
            return Hit(INFERRED, fix=_self_fix(s))
    return None


def _self_fix(s: Signals) -> str:
    cid = s.client_id or "<client id>"
    return f"Request `{cid}/.default` (the GUID form), not the App ID URI."


def _resource_in_500011(s: Signals) -> str | None:
    found = re.search(r"resource principal named (\S+?) was not found", s.error_text)
    return found.group(1) if found else None


def _typo_host(resource: str) -> str | None:
    """The known host this resource's host is a near miss of, if any."""
    try:
        host = urlsplit(resource).netloc.lower() if "://" in resource else ""
    except ValueError:
        return None
    if not host:
        return None
    hosts = known_hosts()
    if host in hosts:
        return None
    close = difflib.get_close_matches(host, hosts, n=1, cutoff=0.85)
    return close[0] if close else None


@SCOPE_UNKNOWN_RESOURCE.detector
def _unknown_resource(s: Signals) -> Hit | None:
    candidates = [r for r in [_resource_in_500011(s), *(s.evidence.config.scopes or ())] if r]
    for resource in candidates:
        near = _typo_host(resource)
        if near:
            conf = SERVER_SAYS + 1 if s.has_token_failure else HINT + 5
            return Hit(
                conf,
                explanation=f"`{resource}` looks like a misspelling of `https://{near}`.",
                fix=f"Request `https://{near}/.default`.",
            )
    if _resource_in_500011(s):  # second to "resource-not-in-tenant"
        return Hit(SERVER_SAYS - 5)
    if _server_rejected_scope(s) and scope_problem(s) is None:  # shape fine: the resource itself is wrong
        return Hit(SERVER_SAYS - 10)
    return None


@SCOPE_V1_SLASH.detector
def _trailing_slash(s: Signals) -> Hit | None:
    aud = s.claim_str("aud")
    if aud and f"{aud}/" in TRAILING_SLASH_RESOURCES:
        conf = SERVER_SAYS - 5 if s.api_failed else INFERRED
        return Hit(
            conf, explanation=f"The token's `aud` is `{aud}` without the trailing slash the API expects."
        )
    for scope in s.evidence.config.scopes or ():
        if scope.endswith("/.default") and not scope.endswith("//.default"):
            resource = scope[: -len("/.default")]
            if f"{resource}/" in TRAILING_SLASH_RESOURCES:
                return Hit(
                    INFERRED if (s.api_failed or s.has_token_failure) else HINT,
                    explanation=f"`{scope}` yields `aud={resource}`; the API expects `{resource}/`.",
                    fix=f"Request `{resource}//.default`.",
                )
    return None
