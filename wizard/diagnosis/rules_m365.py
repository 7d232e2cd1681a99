"""Rules beyond the token, Microsoft 365 and Entra side: SharePoint, Exchange, directory roles, B2C, and
an API error that is not about authorization at all."""

from __future__ import annotations

import re

from wizard.diagnosis.graph_permissions import graph_path, permissions_for
from wizard.diagnosis.registry import API_SAYS, HINT, INFERRED, RULES, SERVER_SAYS, Hit
from wizard.diagnosis.resources import Service, called_service
from wizard.diagnosis.signals import Signals

SECTION = "Beyond the token"
SPO_APP_ONLY = "https://learn.microsoft.com/sharepoint/dev/solution-guidance/security-apponly-azuread"
SITES_SELECTED = "https://learn.microsoft.com/graph/permissions-selected-overview"
EXO_RBAC_APPS = "https://learn.microsoft.com/exchange/permissions-exo/application-rbac"
EXO_POLICY = "https://learn.microsoft.com/graph/auth-limit-mailbox-access"
DIR_ROLES = "https://learn.microsoft.com/entra/identity/role-based-access-control/permissions-reference"
ROLE_ASSIGN = "https://learn.microsoft.com/graph/api/rbacapplication-post-roleassignments"
B2C_CC = "https://learn.microsoft.com/azure/active-directory-b2c/client-credentials-grant-flow"
GRAPH_ERRORS = "https://learn.microsoft.com/graph/errors"

SHAREPOINT_CERT = RULES.add(
    "sharepoint-certificate-required",
    section=SECTION,
    title="SharePoint REST refuses app-only tokens obtained with a secret",
    meaning="SharePoint's REST and CSOM APIs accept app-only tokens only when the app proved itself with a "
    'certificate; a token obtained with a client secret is refused ("Unsupported app only token").',
    fix="Use a certificate credential for the SharePoint token (`daemon-wizard cert new`, upload the .cer to the "
    "app), or call Microsoft Graph's Sites APIs instead (Sites.Selected with a per-site grant).",
    links=(SPO_APP_ONLY, SITES_SELECTED),
)
EXCHANGE_DENIED = RULES.add(
    "exchange-app-access-denied",
    section=SECTION,
    title="An Exchange application access policy excludes this mailbox",
    meaning="An Exchange Online application access policy, or an RBAC for Applications scope, limits the app "
    "to some mailboxes; the one called is outside it.",
    fix="In Exchange Online PowerShell: `Test-ApplicationAccessPolicy -Identity <mailbox> -AppId <client id>` "
    "(or `Test-ServicePrincipalAuthorization` for RBAC for Applications), then add the mailbox to the policy's "
    "group, or widen the management scope.",
    links=(EXO_POLICY, EXO_RBAC_APPS),
)
DIRECTORY_ROLE = RULES.add(
    "directory-role-required",
    section=SECTION,
    title="The operation needs a directory role, not only an application permission",
    meaning="Some Graph operations (resetting passwords, deleting or updating privileged users, some directory "
    "writes) need a Microsoft Entra directory role assigned to the app's service principal in addition to the "
    "application permission.",
    fix="Entra admin center > Roles and administrators > (the role, e.g. User Administrator) > Add assignments "
    "> select the app; or `POST /roleManagement/directory/roleAssignments`.",
    links=(DIR_ROLES, ROLE_ASSIGN),
)
B2C_LIMIT = RULES.add(
    "b2c-client-credentials-limit",
    section=SECTION,
    title="Azure AD B2C does not support this client-credentials request",
    meaning="An Azure AD B2C policy authority (`<tenant>.b2clogin.com/<tenant>/<policy>`) was used for client "
    "credentials with a resource, credential or registration that B2C does not support there.",
    fix="For Microsoft Graph (managing the B2C directory), use `https://login.microsoftonline.com/<tenant>."
    "onmicrosoft.com` as the authority, no policy. For your own API, use a B2C app registration, a client "
    "secret, and the scope `https://<tenant>.onmicrosoft.com/<api>/.default` with the policy authority.",
    links=(B2C_CC,),
)
NOT_AUTH = RULES.add(
    "api-error-not-auth",
    section=SECTION,
    title="The token was accepted: the API's error concerns the request",
    meaning="The API accepted the token; its error is about the request itself (not found, bad request, a "
    "mailbox that does not exist), so permissions are not the problem.",
    fix="Fix the request (the ID or path, the query, the body) as the API's message says.",
    links=(GRAPH_ERRORS,),
    severity="error",
)

# --- SharePoint ------------------------------------------------------------------------------------


def _secret_token(s: Signals) -> bool:
    """The token was obtained with a client secret (appidacr v1 / azpacr v2: 1 = secret, 2 = certificate)."""
    acr = s.claim_str("appidacr") or s.claim_str("azpacr")
    if acr is not None:
        return acr == "1"
    return (s.evidence.config.credential_type or "").lower() == "secret"


@SHAREPOINT_CERT.detector
def _sharepoint(s: Signals) -> Hit | None:
    if s.api_says("unsupported app only token"):
        return Hit(API_SAYS + 8)
    if called_service(s) is not Service.SHAREPOINT or s.api.status != 401 or not s.is_app_token:
        return None
    if _secret_token(s):
        return Hit(
            INFERRED + 12,
            explanation="SharePoint refused an app-only token obtained with a client secret (`appidacr` 1); "
            "its REST API takes app-only tokens from certificate credentials only.",
        )
    return None


# --- Exchange --------------------------------------------------------------------------------------

_EXO_POLICY_TEXT = (
    "appOnly accesspolicy",
    "apponly accesspolicy",
    "application access policy",
    "access to odata is disabled",
    "blocked by tenant configured",
    "[raop]",
)
_MAIL_PATH = re.compile(
    r"/users/[^/]+/(messages|mailfolders|sendmail|events|calendars?|contacts|inferenceclassification)", re.I
)
_MAIL_ROLES = (
    "mail.",
    "calendars.",
    "contacts.",
    "mailboxsettings.",
    "exchange.manageasapp",
    "full_access_as_app",
)


def _exchange_fix(s: Signals) -> str:
    found = re.search(r"/users/([^/?]+)/", s.api.path or "")
    mailbox = found.group(1) if found else "<mailbox>"
    app = s.client_id or "<client id>"
    return (
        f"In Exchange Online PowerShell: `Test-ApplicationAccessPolicy -Identity {mailbox} -AppId {app}` names "
        "the policy that denies it; then add the mailbox to that policy's mail-enabled security group "
        f"(`Add-DistributionGroupMember -Identity <policy group> -Member {mailbox}`), or for RBAC for "
        f"Applications `Test-ServicePrincipalAuthorization -Identity {app} -Resource {mailbox}` and widen the "
        "management scope. Changes take up to an hour to apply."
    )


@EXCHANGE_DENIED.detector
def _exchange_policy(s: Signals) -> Hit | None:
    if s.api_says(*_EXO_POLICY_TEXT):
        return Hit(API_SAYS + 8, fix=_exchange_fix(s))
    mail_call = bool(_MAIL_PATH.search(s.api.path)) or called_service(s) is Service.EXCHANGE
    if not mail_call or s.api.status != 403 or not s.roles:
        return None
    if not any(r.lower().startswith(_MAIL_ROLES) for r in s.roles):
        return None
    return Hit(
        INFERRED + 12,
        explanation=f"The token holds {', '.join(s.roles)}, which allows mailbox access, yet Exchange refused "
        "this mailbox: an application access policy or an RBAC for Applications scope is the usual cause.",
        fix=_exchange_fix(s),
    )


# --- directory roles -------------------------------------------------------------------------------

#: Graph writes that need a directory role for app-only callers, with the least role that allows them.
_ROLE_OPS: tuple[tuple[re.Pattern[str], frozenset[str], str, str], ...] = (
    (
        re.compile(r"^/users/[^/]+/authentication/.+/resetpassword$", re.I),
        frozenset({"POST"}),
        "Authentication Administrator",
        "c4e39bd9-1100-46d3-8c65-fb160da0071f",
    ),
    (
        re.compile(r"^/users/[^/]+$", re.I),
        frozenset({"PATCH", "DELETE"}),
        "User Administrator",
        "fe930be7-5e62-47db-91af-98c3a49a38b1",
    ),
    (
        re.compile(r"^/directoryroles/[^/]+/members", re.I),
        frozenset({"POST", "DELETE"}),
        "Privileged Role Administrator",
        "e8611ab8-c189-46e8-94e1-60213ab1f814",
    ),
    (
        re.compile(r"^/devices/[^/]+$", re.I),
        frozenset({"DELETE", "PATCH"}),
        "Cloud Device Administrator",
        "7698a772-787b-4ac8-901f-60d6b08affd2",
    ),
)


@DIRECTORY_ROLE.detector
def _directory_role(s: Signals) -> Hit | None:
    if s.api.status != 403 or not s.roles or not s.api.url:
        return None
    if not s.api_says("authorization_requestdenied", "insufficient privileges"):
        return None
    path = graph_path(s.api.url).rstrip("/")
    method = (s.api.method or "GET").upper()
    needed = permissions_for(method, s.api.url) or ()
    have = {r.lower() for r in s.roles}
    # Directory.ReadWrite.All is not among them: it cannot delete users or reset passwords at all.
    broad = {
        "user.readwrite.all",
        "userauthenticationmethod.readwrite.all",
        "rolemanagement.readwrite.directory",
        "device.readwrite.all",
    }
    if not (have & {n.lower() for n in needed} or have & broad):
        return None  # the app permission itself is missing: permission-wrong says which
    for pattern, methods, role, template in _ROLE_OPS:
        if method in methods and pattern.match(path):
            oid = s.claim_str("oid") or "<service principal object id>"
            return Hit(
                INFERRED + 18,
                explanation=f"The token holds {', '.join(s.roles)}, enough for `{method} {path}` on ordinary "
                "objects; Graph still refused it, which for this operation (passwords, privileged users, "
                f"directory roles) means the app needs a directory role too: at least {role}.",
                fix=f"Assign {role} to the app's service principal: Entra admin center > Roles and administrators "
                f"> {role} > Add assignments, or `POST https://graph.microsoft.com/v1.0/roleManagement/directory/"
                f'roleAssignments` with `{{"principalId": "{oid}", "roleDefinitionId": "{template}", '
                '"directoryScopeId": "/"}`. Targets holding a more privileged role need a higher one '
                "(Privileged Authentication Administrator).",
            )
    return None


# --- B2C -------------------------------------------------------------------------------------------


def _b2c_authority(s: Signals) -> bool:
    host = s.authority_host
    path = (s.authority or "").lower()
    return host.endswith((".b2clogin.com", ".b2clogin.cn")) or "/b2c_1" in path or "/tfp/" in path


@B2C_LIMIT.detector
def _b2c(s: Signals) -> Hit | None:
    says = s.matches(r"aadb2c9\d{4}") or s.says("grant_type [client_credentials] is not supported")
    if says and (_b2c_authority(s) or s.says("client_credentials")):
        return Hit(SERVER_SAYS - 2)
    if not _b2c_authority(s):
        return None
    scopes = " ".join(s.evidence.config.scopes or ()).lower()
    if "graph.microsoft" in scopes:
        return Hit(
            INFERRED + 10,
            explanation="Microsoft Graph tokens for a B2C directory come from the tenant's Entra endpoint, not "
            "from a B2C policy.",
        )
    if (s.evidence.config.credential_type or "").lower() in {
        "certificate",
        "federated",
    } and s.has_token_failure:
        return Hit(INFERRED, explanation="B2C's policy token endpoint takes a client secret for this flow.")
    return Hit(HINT) if s.has_token_failure else None


# --- an API error that is not about the token ---------------------------------------------------------

_NOT_AUTH_STATUS = frozenset({400, 404, 405, 409, 410, 412, 413, 415, 416, 422})
_AUTH_WORDS = (
    "authoriz",
    "authentic",
    "permission",
    "privilege",
    "access denied",
    "accessdenied",
    "forbidden",
    "token",
    "consent",
    "delegated",
    "audience",
    "scope",
    "credential",
)


@NOT_AUTH.detector
def _not_auth(s: Signals) -> Hit | None:
    if s.api.status not in _NOT_AUTH_STATUS or s.has_token_failure:
        return None
    if s.api_says(*_AUTH_WORDS):
        return None
    code = s.api.error_code
    message = ""
    err = (s.api.body_json or {}).get("error")
    if isinstance(err, dict) and isinstance(err.get("message"), str):
        message = str(err["message"])
    said = " ".join(p for p in (f"`{code}`" if code else "", message) if p) or s.api.body_text[:200].strip()
    what = f"{s.api.method or 'GET'} {s.api.path}" if s.api.path else "the call"
    return Hit(
        API_SAYS - 12,
        explanation=f"The API accepted the token and answered {s.api.status} to {what}: "
        f"{said or 'an error about the request'}. This is not a permission problem.",
    )
