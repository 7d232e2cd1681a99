"""Rules about permissions: roles in the app-only token versus what the called endpoint accepts."""

from __future__ import annotations

import re

from wizard.clouds import GRAPH_APP_ID
from wizard.consent import admin_consent_url
from wizard.diagnosis.graph_permissions import is_me_path, permissions_for
from wizard.diagnosis.registry import API_SAYS, HINT, INFERRED, LEARN, RULES, SERVER_SAYS, Hit
from wizard.diagnosis.signals import Signals
from wizard.tokens.audiences import KnownApi, api_for_url, known_api

SECTION = "Token and API"
ACCESS_TOKENS = f"{LEARN}/access-tokens"
DAEMON_CONSENT = (
    f"{LEARN}/scenario-daemon-acquire-token#did-you-forget-to-provide-admin-consent-daemon-apps-need-it"
)
GRAPH_PERMS = "https://learn.microsoft.com/graph/permissions-reference"
GRAPH_ERRORS = "https://learn.microsoft.com/graph/resolve-auth-errors"

ROLES_MISSING = RULES.add(
    "roles-missing",
    section=SECTION,
    title="The app-only token carries no roles",
    meaning="The app-only token carries no `roles` (or not the one the API needs): application permissions "
    "were "
    "not granted admin consent, or the app holds no app role of the API.",
    fix="App registrations > (your app) > API permissions: add the **Application** permission the API "
    "needs, then "
    '"Grant admin consent"; acquire a new token.',
    links=(DAEMON_CONSENT, GRAPH_PERMS),
)
PERMISSION_DELEGATED = RULES.add(
    "permission-delegated",
    section=SECTION,
    title="The permission was added as Delegated, not Application",
    meaning="The needed permission was added as Delegated; app-only tokens only carry Application "
    "permissions.",
    fix="API permissions > Add a permission > (the API) > **Application permissions**, pick it, then grant "
    "admin "
    "consent. Delegated entries do nothing for a daemon.",
    links=(f"{LEARN}/permissions-consent-overview", GRAPH_PERMS),
)
PERMISSION_WRONG = RULES.add(
    "permission-wrong",
    section=SECTION,
    title="The token's roles do not allow this call",
    meaning="The token has roles, but not one that the called endpoint accepts (e.g. `User.Read` instead of "
    "`User.Read.All`).",
    fix="Add the Application permission the endpoint lists (least privileged first), grant admin consent, "
    "and "
    "acquire a new token.",
    links=(GRAPH_PERMS, GRAPH_ERRORS),
)
ME_ENDPOINT = RULES.add(
    "me-endpoint-app-token",
    section=SECTION,
    title="/me was called with an app-only token",
    meaning="`/me` called with an app-only token; there is no signed-in user.",
    fix="Call `/users/{id or userPrincipalName}` instead of `/me` (needs an Application permission such as "
    "User.Read.All).",
    links=("https://learn.microsoft.com/graph/api/user-get",),
)
STALE_TOKEN = RULES.add(
    "stale-token",
    section=SECTION,
    title="The token predates the permission change",
    meaning="The token was issued before the permission change that would fix the call; a new token is "
    "needed.",
    fix="Acquire a new token (restart the daemon or clear MSAL's token cache) after granting consent; "
    "roles only "
    "change in newly issued tokens. Consent can take a few minutes to apply.",
    links=(f"{ACCESS_TOKENS}#token-lifetime", "https://learn.microsoft.com/graph/auth-v2-service"),
)
_FORBIDDEN = (
    "authorization_requestdenied",
    "insufficient privileges",
    "erroraccessdenied",
    "access is denied",
    "forbidden",
    "accessdenied",
    "does not have permission",
    "not authorized",
    "missing role",
    "insufficient_scope",
)


def _consent_fix(s: Signals, prefix: str) -> str:
    if not s.client_id:
        return prefix
    url = admin_consent_url(authority=s.consent_authority, client_id=s.client_id)
    return f"{prefix} API permissions blade: {s.app_blade('CallAnAPI')} Admin-consent URL for this app: {url}"


def is_graph_call(s: Signals) -> bool:
    url = s.api_url or ""
    if "graph.microsoft" in url or "microsoftgraph.chinacloudapi" in url:
        return True
    aud = s.claim_str("aud") or ""
    graph_token = aud == GRAPH_APP_ID or "graph.microsoft" in aud or "microsoftgraph.chinacloudapi" in aud
    # A Graph token sent to Graph's path shape on another host (a sandbox, a proxy) is still a Graph call.
    return graph_token and (not url or s.api.path.startswith(("/v1.0/", "/beta/")))


def rbac_api(s: Signals) -> KnownApi | None:
    """The called API when it authorises by Azure RBAC (Key Vault, Storage, ARM, ...): judged by `aud` if known."""
    aud = s.claim_str("aud")
    api = known_api(aud) if aud else (api_for_url(s.api_url) if s.api_url else None)
    return api if api is not None and api.rbac is not None else None


#: APIs whose app-only tokens carry no `roles` by design: they keep their own grants (workspace access,
#: application users), so a token without roles is not a missing permission there.
_OWN_GRANTS = frozenset({"Power BI", "Microsoft Dynamics CRM"})


def own_grants_api(s: Signals) -> bool:
    aud = s.claim_str("aud")
    api = known_api(aud) if aud else (api_for_url(s.api_url) if s.api_url else None)
    return api is not None and api.name in _OWN_GRANTS


def needed_permissions(s: Signals) -> tuple[str, ...] | None:
    if not s.api.url or not is_graph_call(s):
        return None
    return permissions_for(s.api.method, s.api.url)


def _forbidden(s: Signals) -> bool:
    return s.api.status == 403 or (s.api_failed and s.api_says(*_FORBIDDEN))


def _needed_text(s: Signals) -> str:
    needed = needed_permissions(s)
    if not needed:
        return ""
    return (
        f" `{s.api.method or 'GET'} {s.api.path}` needs one of: {', '.join(needed)} (least privileged first)."
    )


@ROLES_MISSING.detector
def _roles_missing(s: Signals) -> Hit | None:
    if s.api_says("either scp or roles claim need to be present", "neither scp nor roles claim"):
        return Hit(API_SAYS, fix=_consent_fix(s, ROLES_MISSING.fix))
    if s.code(65001) or s.says("has not consented", "consent_required", "not been granted admin consent"):
        return Hit(
            SERVER_SAYS - 5,
            explanation="The token service says consent is missing for this app.",
            fix=_consent_fix(s, ROLES_MISSING.fix),
        )
    if s.claims is None and _forbidden(s) and rbac_api(s) is None and not s.has_token_failure:
        # No token to look at: a permission refusal from the API is most often consent that was never granted.
        return Hit(
            INFERRED - 10,
            explanation="The API refused the call for lack of permissions. Without the access token its roles "
            "cannot be checked (add access_token to the evidence, or run `daemon-wizard doctor`); the most "
            "common cause is an Application permission without admin consent." + _needed_text(s),
            fix=_consent_fix(s, ROLES_MISSING.fix),
        )
    if s.roles is None or s.roles or not s.is_app_token or rbac_api(s) is not None or own_grants_api(s):
        return None
    explanation = (
        "The token has no `roles` claim, so the API sees an app with no permissions." + _needed_text(s)
    )
    fix = _consent_fix(s, ROLES_MISSING.fix)
    if s.api_failed and (s.api.status in {401, 403} or _forbidden(s)):
        return Hit(INFERRED + 15, explanation=explanation, fix=fix)
    if s.api_failed:
        return Hit(INFERRED, explanation=explanation, fix=fix)
    return Hit(INFERRED - 5, explanation=explanation, fix=fix, severity="warning")


def _registration_entries(s: Signals) -> list[dict[str, object]]:
    reg = s.evidence.app_registration or {}
    out: list[dict[str, object]] = []
    rra = reg.get("requiredResourceAccess")
    if not isinstance(rra, list):
        return out
    for resource in rra:
        if not isinstance(resource, dict):
            continue
        access = resource.get("resourceAccess")
        for item in access if isinstance(access, list) else []:
            if isinstance(item, dict):
                out.append({**item, "resourceAppId": resource.get("resourceAppId")})
    return out


def _registration_for_token_api(s: Signals) -> list[dict[str, object]]:
    aud = s.claim_str("aud") or ""
    api = known_api(aud)
    target = api.app_id if api and api.app_id else aud
    entries = _registration_entries(s)
    matching = [e for e in entries if str(e.get("resourceAppId", "")).lower() == (target or "").lower()]
    return matching or entries


@PERMISSION_DELEGATED.detector
def _delegated(s: Signals) -> Hit | None:
    entries = _registration_for_token_api(s)
    types = {str(e.get("type", "")).lower() for e in entries}
    if entries and "scope" in types and "role" not in types and (s.api_failed or s.roles == ()):
        return Hit(
            API_SAYS,
            explanation="The app registration lists only Delegated permissions (type Scope) for this API; "
            "app-only tokens carry Application permissions (type Role) only.",
            fix=_consent_fix(s, PERMISSION_DELEGATED.fix),
        )
    if s.roles == () and s.is_app_token and s.api.status == 403 and s.api.error_code == "ErrorAccessDenied":
        # Exchange-backed data (mail, calendar, contacts): Mail.Send & co. are often added as Delegated.
        return Hit(
            INFERRED + 18,
            explanation="Outlook/Exchange data refused an app-only token without roles; the usual cause is "
            "that "
            "the Mail/Calendars permission was added as Delegated instead of Application." + _needed_text(s),
            fix=_consent_fix(s, PERMISSION_DELEGATED.fix),
        )
    return None


def _named_roles_in_api_text(s: Signals) -> list[str]:
    names = re.findall(r"\b([A-Z][A-Za-z]+(?:\.[A-Z][A-Za-z]+)+)\b", s.api.text)
    return [n for n in dict.fromkeys(names) if not n.startswith(("System.", "Microsoft."))]


def _role_names_from_registration(s: Signals) -> set[str]:
    return {
        str(e.get("value") or e.get("name")).lower()
        for e in _registration_entries(s)
        if str(e.get("type", "")).lower() == "role" and (e.get("value") or e.get("name"))
    }


@PERMISSION_WRONG.detector
def _wrong(s: Signals) -> Hit | None:
    if rbac_api(s) is not None:
        return None  # Azure RBAC services: azure-rbac-missing (rules_azure)
    if not s.roles or not _forbidden(s):
        return None
    have = {r.lower() for r in s.roles}
    needed = needed_permissions(s)
    if needed:
        if not have & {n.lower() for n in needed}:
            return Hit(
                API_SAYS - 2,
                explanation=f"The token's roles are {', '.join(s.roles)}." + _needed_text(s),
                fix=_consent_fix(
                    s,
                    f"Add the Application permission {needed[0]}, grant admin consent, and acquire "
                    "a new token.",
                ),
            )
        return Hit(
            INFERRED - 10,
            explanation=f"The token holds {', '.join(s.roles)}, which should allow this call; something "
            "narrower "
            "applies (Exchange application access policy, Sites.Selected grant, or an RBAC scope).",
        )
    if _read_only_roles_for_write(s):
        return Hit(
            API_SAYS - 4,
            explanation=f"`{s.api.method} {s.api.path}` writes, but the token only holds read roles "
            f"({', '.join(s.roles)}).",
            fix=_consent_fix(
                s,
                "Grant the API's ReadWrite application permission (app role) with admin consent, "
                "then acquire a new token.",
            ),
        )
    named = [n for n in _named_roles_in_api_text(s) if n.lower() not in have]
    if named:
        return Hit(
            API_SAYS - 5,
            explanation=f"The API asks for {', '.join(named)}; the token's roles are {', '.join(s.roles)}.",
            fix=f"Grant the app role {named[0]} of this API (Application permission) with admin consent, "
            "then "
            "acquire a new token.",
        )
    return Hit(
        INFERRED, explanation=f"The token's roles ({', '.join(s.roles)}) are not enough for this call."
    )


def _read_only_roles_for_write(s: Signals) -> bool:
    if (s.api.method or "GET") not in {"POST", "PUT", "PATCH", "DELETE"} or not s.roles:
        return False
    writes = ("write", "send", "manage", "full", "create", "delete")
    return all(".read" in r.lower() and not any(w in r.lower() for w in writes) for r in s.roles)


@STALE_TOKEN.detector
def _stale(s: Signals) -> Hit | None:
    if not s.roles or not _forbidden(s) or rbac_api(s) is not None:
        return None
    needed = needed_permissions(s)
    registered = _role_names_from_registration(s)
    if (
        needed
        and registered & {n.lower() for n in needed}
        and not {r.lower() for r in s.roles} & {n.lower() for n in needed}
    ):
        return Hit(
            API_SAYS + 2, explanation="The app registration now has the permission, the token does not."
        )
    if needed is None and not _named_roles_in_api_text(s) and not _read_only_roles_for_write(s):
        return Hit(
            INFERRED + 5,
            explanation=f"The token holds {', '.join(s.roles)} yet the API refused it; if the permission was "
            "added or consented recently, this token was issued before that change.",
        )
    return None


@ME_ENDPOINT.detector
def _me(s: Signals) -> Hit | None:
    if s.api_says("/me request is only valid with delegated", "only valid with delegated authentication"):
        return Hit(API_SAYS + 5)
    app_token = s.claims is None or s.is_app_token
    if s.api.url and is_me_path(s.api.url) and app_token:
        return Hit(API_SAYS + 3 if s.api_failed else HINT + 20)
    if s.evidence.config.api_url and is_me_path(s.evidence.config.api_url) and app_token:
        return Hit(HINT + 20)
    return None
