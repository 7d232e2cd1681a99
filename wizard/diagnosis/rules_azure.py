"""Rules beyond the token, Azure side: a good token refused by Azure RBAC, or by the service's own grant.

Each rule reads the service from the request's host or the token's `aud` (wizard.diagnosis.resources) and
the service's own error words (ARM's `AuthorizationFailed`, Key Vault's access-policy and RBAC texts,
Storage's `AuthorizationPermissionMismatch`, Service Bus's "claim(s) are required", SQL's
"token-identified principal"), so a pasted SDK exception is recognised as well as a raw HTTP answer.
"""

from __future__ import annotations

import re

from wizard.diagnosis.registry import API_SAYS, INFERRED, RULES, Hit
from wizard.diagnosis.resources import Service, api_mentions, called_service, storage_account, storage_kind
from wizard.diagnosis.signals import Signals

SECTION = "Beyond the token"
RBAC_DOCS = "https://learn.microsoft.com/azure/role-based-access-control/role-assignments-cli"
RBAC_TROUBLESHOOT = "https://learn.microsoft.com/azure/role-based-access-control/troubleshooting"
KV_RBAC = "https://learn.microsoft.com/azure/key-vault/general/rbac-guide"
KV_POLICY = "https://learn.microsoft.com/azure/key-vault/general/assign-access-policy"
STORAGE_RBAC = "https://learn.microsoft.com/azure/storage/blobs/assign-azure-role-data-access"
SB_RBAC = "https://learn.microsoft.com/azure/service-bus-messaging/service-bus-managed-service-identity"
SQL_USERS = "https://learn.microsoft.com/azure/azure-sql/database/authentication-aad-service-principal"
POWERBI_SP = "https://learn.microsoft.com/power-bi/developer/embedded/embed-service-principal"
DATAVERSE_APP_USER = "https://learn.microsoft.com/power-platform/admin/manage-application-users"

AZURE_RBAC_MISSING = RULES.add(
    "azure-rbac-missing",
    section=SECTION,
    title="The service principal has no Azure role on the resource",
    meaning="The token is good, but the service principal holds no Azure role (or Key Vault access policy) on "
    "the resource. Azure services authorise by role assignment, not by the token's `roles`.",
    fix="Assign the data-plane role to the app's service principal at the resource's scope (Azure portal > the "
    "resource > Access control (IAM) > Add role assignment, or `az role assignment create`); assignments take "
    "a few minutes to apply, then acquire a new token.",
    links=(RBAC_DOCS, RBAC_TROUBLESHOOT, KV_RBAC),
)
SERVICE_GRANT_MISSING = RULES.add(
    "service-side-grant-missing",
    section=SECTION,
    title="The service's own grant for the app is missing",
    meaning="The token was accepted, but the service keeps its own authorization: an Azure SQL database user "
    "created `FROM EXTERNAL PROVIDER`, Power BI's tenant setting for service principals and the workspace "
    "access, a Dataverse (Dynamics 365) application user.",
    fix="Create the app's identity inside the service (database user, workspace member, application user) and "
    "give it a role there.",
    links=(SQL_USERS, POWERBI_SP, DATAVERSE_APP_USER),
)

_ARM_ACTION = re.compile(r"perform action '([^']+)' over scope '([^']+)'", re.I)
_KV_POLICY = re.compile(
    r"does not have (secrets|keys|certificates|storage) ([a-z ,]+?) permission on key vault '([^';]+)", re.I
)
_KV_RBAC_ACTION = re.compile(r"action:\s*'([^']+)'", re.I)
_KV_RBAC_RESOURCE = re.compile(r"resource:\s*'([^']+)'", re.I)
_SB_CLAIM = re.compile(r"'(send|listen|manage)[^']*' claim\(s\) (?:are|is) required", re.I)
_SB_RESOURCE = re.compile(r"resource: 'sb://([a-z0-9-]+)\.servicebus\.windows\.net/([^'/]+)", re.I)
_PBI_GROUP = re.compile(r"/groups/([0-9a-f-]{36})", re.I)
_DV_PRIVILEGE = re.compile(r"is missing (prv\w+) privilege", re.I)
_READ_VERBS = ("get", "list", "read", "unwrap", "decrypt", "verify")

_KV_ROLES = {
    "secrets": ("Key Vault Secrets User", "Key Vault Secrets Officer"),
    "keys": ("Key Vault Crypto User", "Key Vault Crypto Officer"),
    "certificates": ("Key Vault Certificate User", "Key Vault Certificates Officer"),
    "storage": ("Key Vault Secrets User", "Key Vault Secrets Officer"),
}
_STORAGE_ROLES = {
    "blob": ("Storage Blob Data Reader", "Storage Blob Data Contributor"),
    "dfs": ("Storage Blob Data Reader", "Storage Blob Data Contributor"),
    "queue": ("Storage Queue Data Reader", "Storage Queue Data Contributor"),
    "table": ("Storage Table Data Reader", "Storage Table Data Contributor"),
    "file": ("Storage File Data Privileged Reader", "Storage File Data Privileged Contributor"),
}


def _assignee(s: Signals) -> str:
    return s.client_id or "<client id>"


def _az_line(s: Signals, role: str, scope: str) -> str:
    return f'`az role assignment create --assignee {_assignee(s)} --role "{role}" --scope {scope}`'


def _writes(s: Signals, action: str = "") -> bool:
    """True for a write: by the HTTP method, else by the RBAC action (`.../read` reads; `getSecret/action`
    reads a data action; `.../write`, `.../delete` and other actions write)."""
    if (s.api.method or "GET") in {"POST", "PUT", "PATCH", "DELETE"}:
        return True
    parts = action.lower().rstrip("/").split("/")
    if not action or parts[-1] == "read":
        return False
    if parts[-1] == "action" and len(parts) > 1:
        return not parts[-2].startswith(_READ_VERBS)
    return True


def _arm(s: Signals) -> Hit | None:
    if not s.api_says("authorizationfailed", "does not have authorization to perform action"):
        return None
    found = _ARM_ACTION.search(s.api.text)
    action, scope = (found.group(1), found.group(2)) if found else ("", "<resource id>")
    role = "Contributor" if _writes(s, action) else "Reader"
    what = f" `{action}`" if action else ""
    return Hit(
        API_SAYS + 5,
        explanation=f"Azure Resource Manager says the service principal may not perform{what} at `{scope}`: "
        "the token is valid, no Azure role assignment allows the action there.",
        fix=f"Assign a role that allows it (least privileged: a built-in role for that service, else `{role}`) "
        f"at that scope: {_az_line(s, role, scope)}. It takes up to a few minutes; then acquire a new token "
        '(ARM says "If access was recently granted, please refresh your credentials").',
    )


def _key_vault(s: Signals) -> Hit | None:
    policy = _KV_POLICY.search(s.api.text)
    if policy:
        kind, perms, vault = policy.group(1).lower(), policy.group(2).strip(), policy.group(3)
        flag = {"secrets": "--secret-permissions", "keys": "--key-permissions"}.get(
            kind, "--certificate-permissions"
        )
        return Hit(
            API_SAYS + 5,
            explanation=f"Key Vault `{vault}` uses **access policies** (not Azure RBAC), and no policy gives "
            f"this app {kind} {perms}.",
            fix=f"Add an access policy: `az keyvault set-policy --name {vault} --spn {_assignee(s)} {flag} "
            f"{' '.join(p.strip() for p in perms.replace(',', ' ').split())}` (portal: the vault > Access "
            "policies > Create). Or switch the vault to Azure RBAC and assign a Key Vault data role.",
        )
    rbac = s.api_says("forbiddenbyrbac", "caller is not authorized to perform action on resource")
    if not rbac:
        return None
    action_m = _KV_RBAC_ACTION.search(s.api.text)
    resource_m = _KV_RBAC_RESOURCE.search(s.api.text)
    action = action_m.group(1) if action_m else ""
    kind = next((k for k in ("secrets", "keys", "certificates") if f"/{k}/" in action.lower()), "secrets")
    read, write = _KV_ROLES[kind]
    role = write if _writes(s, action) else read
    scope = resource_m.group(1) if resource_m else "<key vault resource id>"
    return Hit(
        API_SAYS + 5,
        explanation="The Key Vault uses the **Azure RBAC** permission model and the service principal has no "
        f"data-plane role that allows {('`' + action + '`') if action else 'this operation'}.",
        fix=f"Assign `{role}` to the app at the vault (or the secret/key) scope: {_az_line(s, role, scope)}. "
        "Role assignments take a few minutes to apply.",
    )


def _storage(s: Signals) -> Hit | None:
    if not s.api_says(
        "authorizationpermissionmismatch", "not authorized to perform this operation using this"
    ):
        return None
    kind = storage_kind(s.api.url)
    read, write = _STORAGE_ROLES[kind]
    role = write if _writes(s) else read
    account = storage_account(s.api.url) or "<account>"
    scope = f"/subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.Storage/storageAccounts/{account}"
    return Hit(
        API_SAYS + 5,
        explanation="Azure Storage accepted the token but the service principal has no data role on the "
        f"account ({kind}): Owner or Contributor on the account do not grant data access.",
        fix=f"Assign `{role}`: {_az_line(s, role, scope)} (or narrower, on the container).",
    )


def _service_bus(s: Signals) -> Hit | None:
    claim = _SB_CLAIM.search(s.api.text) or _SB_CLAIM.search(s.error_text)
    if not claim:
        return None
    right = claim.group(1).lower()
    hubs = called_service(s) is Service.EVENT_HUBS or "eventhub" in (s.api_text + s.error_text)
    product = "Azure Event Hubs" if hubs else "Azure Service Bus"
    role = f"{product} Data " + {"send": "Sender", "listen": "Receiver", "manage": "Owner"}[right]
    scope = "<namespace, queue, topic or event hub resource id>"
    named = _SB_RESOURCE.search(s.api.text) or _SB_RESOURCE.search(s.error_text)
    if named:
        provider, kind = ("EventHub", "eventhubs") if hubs else ("ServiceBus", "queues")
        scope = (
            f"/subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.{provider}/namespaces/"
            f"{named.group(1)}/{kind}/{named.group(2)}"
        )
    return Hit(
        API_SAYS + 5,
        explanation=f"{product} needs the `{right.capitalize()}` right, which an Entra token gets only from an "
        "Azure role assignment on the namespace or entity.",
        fix=f"Assign `{role}`: {_az_line(s, role, scope)}.",
    )


@AZURE_RBAC_MISSING.detector
def _rbac_by_text(s: Signals) -> Hit | None:
    for detect in (_arm, _key_vault, _storage, _service_bus):
        hit = detect(s)
        if hit is not None:
            return hit
    return None


@AZURE_RBAC_MISSING.detector
def _rbac_inferred(s: Signals) -> Hit | None:
    """A plain 403 from an RBAC service with an app token: no words to go on, the usual cause."""
    service = called_service(s) or api_mentions(s)
    rbac = {Service.ARM, Service.KEY_VAULT, Service.STORAGE, Service.SERVICE_BUS, Service.EVENT_HUBS}
    refused = s.api.status == 403 or (
        s.api_failed and s.api_says("forbidden", "not authorized", "accessdenied", "access denied")
    )
    if service not in rbac or not refused or (s.claims is not None and not s.is_app_token):
        return None
    if s.api_says("<code>authorizationfailure</code>", "errorcode: authorizationfailure"):
        return None  # Storage's network rules (firewall, private endpoint) refused it before any role check
    read, write = {
        Service.ARM: ("Reader", "Contributor"),
        Service.KEY_VAULT: _KV_ROLES["secrets"],
        Service.STORAGE: _STORAGE_ROLES[storage_kind(s.api.url)],
        Service.SERVICE_BUS: ("Azure Service Bus Data Receiver", "Azure Service Bus Data Sender"),
        Service.EVENT_HUBS: ("Azure Event Hubs Data Receiver", "Azure Event Hubs Data Sender"),
    }[service]
    role = write if _writes(s) else read
    oid = s.claim_str("oid")
    who = f"the app's service principal (object id {oid})" if oid else "the app's service principal"
    return Hit(
        INFERRED + 12,
        explanation=f"{service.value} authorises with Azure RBAC role assignments on the resource, not with "
        "token roles; the app has no role there that allows this call.",
        fix=f"Assign `{role}` to {who} on the resource: Azure portal > the resource > Access control (IAM) > "
        f"Add role assignment, or {_az_line(s, role, '<resource id>')}. Role assignments take a few minutes "
        "to apply.",
    )


@SERVICE_GRANT_MISSING.detector
def _sql(s: Signals) -> Hit | None:
    text = s.api_text + " " + s.error_text
    if "login failed for user ''" in text:
        return None  # no principal at all: the driver got no usable token (packing), not a missing user
    if "token-identified principal" not in text and not (
        called_service(s) is Service.SQL and ("login failed for user" in text or "18456" in text)
    ):
        return None
    scopes = " ".join(s.evidence.config.scopes or ()).lower()
    aud = s.claim_str("aud") or ""
    if re.search(r"database\.[a-z.]+/\.default", scopes) or re.fullmatch(r"https://database\.[a-z.]+", aud):
        return None  # the token's audience lacks SQL's trailing slash: scope-v1-trailing-slash comes first
    reg = s.evidence.app_registration or {}
    name = str(reg.get("displayName") or "<app display name>")
    if "not currently configured to accept this token" in text:
        return Hit(
            API_SAYS,
            explanation="Azure SQL refused the token itself: the logical server has no Microsoft Entra admin "
            "(Entra authentication is not set up), or the token's audience is not SQL's "
            "`https://database.windows.net/` (a scope without the double slash).",
            fix="Set a Microsoft Entra admin on the server (`az sql server ad-admin create --resource-group <rg> "
            "--server-name <server> --display-name <admin group> --object-id <its object id>`), ask for the "
            "scope `https://database.windows.net//.default`, then as that admin in the database: "
            f"`CREATE USER [{name}] FROM EXTERNAL PROVIDER; ALTER ROLE db_datareader ADD MEMBER [{name}];`.",
        )
    return Hit(
        API_SAYS + 5,
        explanation="Azure SQL accepted the Entra token but has no database user for the app "
        "(`Login failed for user '<token-identified principal>'`, error 18456), or the server has no "
        "Microsoft Entra admin.",
        fix=f"Connected as the server's Microsoft Entra admin, in the database: `CREATE USER [{name}] FROM "
        f"EXTERNAL PROVIDER; ALTER ROLE db_datareader ADD MEMBER [{name}];` (db_datawriter to write). The "
        "token's scope must be `https://database.windows.net//.default`.",
    )


@SERVICE_GRANT_MISSING.detector
def _power_bi(s: Signals) -> Hit | None:
    if called_service(s) is not Service.POWER_BI and not s.api_says("powerbi"):
        return None
    if not (
        s.api_says(
            "api is not accessible for application",
            "powerbinotauthorizedexception",
            "powerbientitynotfound",
            "unauthorized",
        )
        or s.api.status in {401, 403}
    ):
        return None
    if s.api_says("api is not accessible for application") or "/admin/" in (s.api.path or "").lower():
        return Hit(
            API_SAYS + 5,
            explanation="Power BI's admin (read-only and scanner) APIs refuse this service principal: the admin "
            "setting does not include it, or the app holds Power BI application permissions, which these APIs "
            "refuse outright.",
            fix='Fabric admin portal > Tenant settings > Admin API settings > "Service principals can access '
            'read-only admin APIs" (a security group that contains the app); and remove every Power BI Service '
            "permission from the app's API permissions (with admin consent revoked). Then acquire a new token.",
        )
    group = _PBI_GROUP.search(s.api.path or "")
    where = f"workspace `{group.group(1)}`" if group else "the workspace"
    return Hit(
        API_SAYS + (5 if s.api_says("powerbinotauthorizedexception") else 0),
        explanation="Power BI refuses service principals unless a Fabric/Power BI admin allows them, and sees "
        "only the workspaces the app was added to; the token itself is fine (Power BI tokens of service "
        "principals carry no roles).",
        fix='Fabric admin portal > Tenant settings > Developer settings > "Service principals can use Fabric '
        'APIs" (scoped to a security group that contains the app); then '
        f"{where} > Manage access > add the app as Member or Contributor (or `POST https://api.powerbi.com/"
        f'v1.0/myorg/groups/{group.group(1) if group else "<workspace id>"}/users` with `{{"identifier": '
        f'"<service principal object id>", "principalType": "App", "groupUserAccessRight": "Member"}}`). '
        "Do not add Power BI API permissions that need admin consent.",
    )


@SERVICE_GRANT_MISSING.detector
def _dataverse_role(s: Signals) -> Hit | None:
    """The application user exists but its security roles lack the privilege (Dataverse's 0x80040220)."""
    missing = _DV_PRIVILEGE.search(s.api.text) or _DV_PRIVILEGE.search(s.error_text)
    if not missing or not (s.api_says("type=8", "principal user") or s.says("type=8", "principal user")):
        return None
    if s.claims is not None and not s.is_app_token:
        return None  # a person's own security roles: nothing to do with the app's registration
    return Hit(
        API_SAYS + 5,
        explanation="Dataverse knows the app (its application user exists) but none of that user's security "
        f"roles grants `{missing.group(1)}`.",
        fix="Power Platform admin center > the environment > Settings > Users + permissions > Application "
        "users > (the app) > Edit security roles: add a role with that privilege (a custom least-privileged "
        "role, or Basic User for ordinary tables).",
    )


@SERVICE_GRANT_MISSING.detector
def _dataverse(s: Signals) -> Hit | None:
    if not s.api_says(
        "is not a member of the organization", "0x80072560", "does not exist in the organization"
    ):
        return None
    return Hit(
        API_SAYS + 5,
        explanation="Dataverse (Dynamics 365) accepted the token, but the environment has no application user "
        "for this app.",
        fix="Power Platform admin center > the environment > Settings > Users + permissions > Application "
        "users > New app user: pick the app, the business unit and a security role.",
    )
