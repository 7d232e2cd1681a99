"""Rules about the tenant, the app's presence in it, and the authority."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from wizard.clouds import CIAM_SUFFIX, KNOWN_LOGIN_HOSTS
from wizard.consent import admin_consent_url
from wizard.diagnosis.registry import HINT, INFERRED, LEARN, RULES, SERVER_SAYS, WEAK, Hit
from wizard.diagnosis.signals import Signals
from wizard.guids import is_guid

SECTION = "Tenant, app and authority"
ERRORS = f"{LEARN}/reference-error-codes"
AUTHORITY = f"{LEARN}/msal-client-application-configuration#authority"
APP_OBJECTS = f"{LEARN}/app-objects-and-service-principals"
_PLACEHOLDER = re.compile(
    r"[<>{}]|your[-_ ]|enter[-_ ]|xxxx|placeholder|tenant[-_ ]?id|client[-_ ]?id|todo", re.I
)
_DOMAIN = re.compile(r"^(?=.{3,253}$)([a-z0-9-]+\.)+[a-z]{2,}$", re.I)

APP_NOT_IN_TENANT = RULES.add(
    "app-not-in-tenant",
    section=SECTION,
    title="The client ID is not an application in this tenant",
    meaning="The client ID is not an application in the tenant named by the authority (typo, wrong tenant, "
    "placeholder left in).",
    fix="Copy the Application (client) ID and Directory (tenant) ID from the app's Overview blade "
    "(Entra admin center > App registrations > your app) and use the authority of that tenant.",
    links=(ERRORS, f"{LEARN}/quickstart-register-app"),
)
CLIENT_ID_IS_TENANT = RULES.add(
    "client-id-is-tenant-id",
    section=SECTION,
    title="The tenant ID was used as the client ID",
    meaning="The tenant ID was used as the client ID (or the two were swapped).",
    fix="On the app's Overview blade, the *Application (client) ID* goes in client_id and the *Directory "
    "(tenant) ID* in the authority.",
    links=(f"{LEARN}/quickstart-register-app",),
)
TENANT_NOT_FOUND = RULES.add(
    "tenant-not-found",
    section=SECTION,
    title="The tenant does not exist in this cloud",
    meaning="The tenant does not exist in the cloud being called (wrong GUID or domain, wrong cloud, an "
    "External "
    "ID tenant sent to `login.microsoftonline.com`).",
    fix="Copy the Directory (tenant) ID from the Entra admin center Overview, and use the login host of "
    "its cloud "
    "(`login.microsoftonline.com`, `.us`, `login.chinacloudapi.cn`; External ID: `<tenant>.ciamlogin.com`).",
    links=(ERRORS, f"{LEARN}/authentication-national-cloud"),
)
TENANT_INVALID = RULES.add(
    "tenant-invalid",
    section=SECTION,
    title="The tenant part of the authority is not a tenant",
    meaning="The tenant position of the authority holds something that is neither a GUID nor a domain (an "
    "`/oauth2/...` path, an unsubstituted template).",
    fix="Use `https://login.microsoftonline.com/<tenant GUID or domain>` as the authority, with nothing "
    "after it.",
    links=(AUTHORITY,),
)
TENANT_COMMON = RULES.add(
    "tenant-common",
    section=SECTION,
    title="A multi-tenant endpoint was used for an app-only token",
    meaning="`/common`, `/organizations` or `/consumers` used for app-only tokens; a specific tenant is "
    "required.",
    fix="Use the tenant's own authority: `https://login.microsoftonline.com/<tenant id>`.",
    links=(f"{LEARN}/v2-oauth2-client-creds-grant-flow", AUTHORITY),
)
TENANT_NOT_ALLOWED = RULES.add(
    "tenant-not-allowed",
    section=SECTION,
    title="The credential refuses the requested tenant",
    meaning="The credential library refuses a tenant other than the one it was built for.",
    fix="Build the credential for the right tenant, or add that tenant to `additionally_allowed_tenants` "
    "(`AdditionallyAllowedTenants` in .NET).",
    links=("https://aka.ms/azsdk/python/identity/troubleshoot",),
)
AUTHORITY_UNKNOWN_HOST = RULES.add(
    "authority-unknown-host",
    section=SECTION,
    title="The authority host is not an Entra instance",
    meaning="The authority host is not an Entra instance the library can validate (B2C, custom domain, "
    "typo) or "
    "the wrong authority type is configured.",
    fix="Use `https://login.microsoftonline.com/<tenant>` (workforce) or `https://<tenant>.ciamlogin.com/` "
    "(External ID). B2C and custom domains need `validate_authority=False` / the B2C authority type.",
    links=(AUTHORITY,),
)
SP_MISSING = RULES.add(
    "service-principal-missing",
    section=SECTION,
    title="The app has no service principal in the tenant",
    meaning="The app has no service principal (enterprise application) in the tenant.",
    fix="Create it: `az ad sp create --id <client id>` (or New-MgServicePrincipal -AppId), or open the admin-"
    "consent URL for the app in this tenant.",
    links=(APP_OBJECTS, f"{LEARN}/deprecate-service-principal-less-authentication"),
)
APP_DISABLED = RULES.add(
    "app-disabled",
    section=SECTION,
    title="The app's service principal is disabled",
    meaning="The app's service principal is disabled.",
    fix='Entra admin center > Enterprise applications > (the app) > Properties: set "Enabled for users to '
    'sign in" to Yes (or ask why it was disabled).',
    links=(ERRORS,),
)
RESOURCE_NOT_IN_TENANT = RULES.add(
    "resource-not-in-tenant",
    section=SECTION,
    title="The target API has no service principal in this tenant",
    meaning="The target API has no service principal in this tenant (never consented or provisioned).",
    fix="Provision the API in this tenant (admin consent, or `az ad sp create --id <api app id>`), or check "
    "that the scope names the right API and the authority the right tenant.",
    links=(ERRORS, APP_OBJECTS),
)
ASSIGNMENT_REQUIRED = RULES.add(
    "assignment-required",
    section=SECTION,
    title="The API requires an app role assignment the daemon lacks",
    meaning="The API requires app role assignment and the daemon has none.",
    fix="Grant the daemon an application permission (app role) of the API with admin consent, or turn off "
    '"Assignment required?" on the API\'s enterprise application.',
    links=(f"{LEARN}/v2-oauth2-client-creds-grant-flow#controlling-tokens-without-the-roles-claim",),
)
CONDITIONAL_ACCESS = RULES.add(
    "conditional-access",
    section=SECTION,
    title="Conditional Access blocked the token",
    meaning="A Conditional Access policy for workload identities blocked the request.",
    fix="Entra admin center > Protection > Conditional Access: find the workload-identity policy (sign-in "
    "logs, "
    "Service principal sign-ins, by correlation id) and allow this app's location or exclude it.",
    links=("https://learn.microsoft.com/entra/identity/conditional-access/workload-identity",),
)
TLS_OUTDATED = RULES.add(
    "tls-outdated",
    section=SECTION,
    title="TLS version or cipher too old for the token service",
    meaning="The client negotiated a TLS version or cipher the token service no longer accepts.",
    fix="Use TLS 1.2 or later (update the runtime/OpenSSL; .NET Framework: enable SchUseStrongCrypto).",
    links=(
        "https://learn.microsoft.com/troubleshoot/azure/entra/entra-id/ad-dmn-services/enable-support-tls-environment",
    ),
)


def _consent_fix(s: Signals, prefix: str) -> str:
    if not s.client_id:
        return prefix
    url = admin_consent_url(authority=s.consent_authority, client_id=s.client_id)
    return f"{prefix} Admin-consent URL for this app: {url}"


@APP_NOT_IN_TENANT.detector
def _app_not_in_tenant(s: Signals) -> Hit | None:
    if s.code(700016) or s.matches(r"application with identifier .{0,60}was not found in the directory"):
        return Hit(SERVER_SAYS)
    if s.code(700038) or s.says("is not a valid application identifier"):
        return Hit(
            SERVER_SAYS, explanation="Entra says the client ID is not a GUID: a placeholder or a typo."
        )
    if s.code(7000112, 50020) and s.says("not found"):
        return Hit(SERVER_SAYS - 10)
    if s.matches(r"must contain the following parameter: '?client_id"):
        return Hit(
            SERVER_SAYS - 5, explanation="No client_id reached the token endpoint (configuration not loaded)."
        )
    cid = s.evidence.config.client_id
    if cid and (_PLACEHOLDER.search(cid) or not is_guid(cid)):
        return Hit(
            INFERRED if s.has_token_failure else HINT,
            explanation=f"The client ID `{cid}` is not a GUID: a placeholder or a typo.",
        )
    return None


@CLIENT_ID_IS_TENANT.detector
def _client_is_tenant(s: Signals) -> Hit | None:
    cfg = s.evidence.config
    cid = (cfg.client_id or "").lower()
    if cid and cid == (s.tenant_id or "") and is_guid(cid):
        return Hit(SERVER_SAYS + 3 if s.has_token_failure else INFERRED)
    found = re.search(
        r"application with identifier '?([0-9a-f-]{36})'? was not found in the directory '?([^'\s]+)",
        s.error_text,
    )
    if found and found.group(1) == found.group(2).strip("'."):
        return Hit(SERVER_SAYS + 3, explanation="The error names the same GUID as application and directory.")
    return None


@TENANT_NOT_FOUND.detector
def _tenant_not_found(s: Signals) -> Hit | None:
    discovery = _discovery_failed_host(s)
    if discovery is not None and _is_entra_host(discovery) and not _authority_has_endpoint_path(s):
        return Hit(
            SERVER_SAYS - 2,
            explanation="MSAL could not read the tenant's OpenID configuration from a valid Entra host: the "
            "tenant (GUID or domain) does not exist in this cloud.",
        )
    if s.code(90002) or s.matches(r"tenant '?[^']{1,80}'? not found|tenant .{0,40}does not exist"):
        if _bad_tenant_segment(s):
            return Hit(SERVER_SAYS - 5)  # tenant-invalid is more precise
        return Hit(SERVER_SAYS)
    if s.evidence.config.tenant_type == "external" and s.authority_host.endswith("microsoftonline.com"):
        return Hit(
            INFERRED if s.has_token_failure else HINT,
            explanation="An External ID tenant is configured but the authority is login.microsoftonline.com; "
            "External ID tenants answer on `<tenant>.ciamlogin.com`.",
        )
    if s.authority_host in {"login.microsoftonline.de"} and s.has_token_failure:
        return Hit(INFERRED, explanation="The German cloud (login.microsoftonline.de) is retired.")
    return None


def _bad_tenant_segment(s: Signals) -> str | None:
    cfg = s.evidence.config
    seg = s.tenant_segment if (cfg.authority or cfg.tenant) else None  # only judge what was configured
    if not seg:
        return None
    low = seg.lower()
    if low in {"common", "organizations", "consumers"} or is_guid(seg) or _DOMAIN.match(seg):
        return None
    if s.authority_host.endswith(CIAM_SUFFIX) or "b2clogin" in s.authority_host:
        return None
    return seg


@TENANT_INVALID.detector
def _tenant_invalid(s: Signals) -> Hit | None:
    if s.code(900023, 90005) or s.says("is neither a valid dns name, nor a valid external domain"):
        return Hit(SERVER_SAYS)
    if _authority_has_endpoint_path(s):
        return Hit(
            SERVER_SAYS + 2 if s.has_token_failure else HINT + 10,
            explanation="The authority includes an endpoint path (`/oauth2/...`); the library appends those itself.",
            fix="Use only `https://login.microsoftonline.com/<tenant>` as the authority.",
        )
    seg = _bad_tenant_segment(s)
    if seg:
        if s.code(90002):
            return Hit(
                SERVER_SAYS + 1, explanation=f"`{seg}` in the tenant position is neither a GUID nor a domain."
            )
        return Hit(
            HINT if not s.has_token_failure else INFERRED - 10,
            explanation=f"`{seg}` in the tenant position of the authority is neither a GUID nor a domain.",
        )
    return None


@TENANT_COMMON.detector
def _tenant_common(s: Signals) -> Hit | None:
    if s.code(9001023, 50059) or s.says(
        "not supported over the /common or /consumers",
        "/common or /consumers endpoints",
        "no tenant-identifying information found",
    ):
        return Hit(SERVER_SAYS)
    if (s.tenant_segment or "").lower() in {"common", "organizations", "consumers"}:
        return Hit(INFERRED if s.has_token_failure else HINT + 10)
    return None


@TENANT_NOT_ALLOWED.detector
def _tenant_not_allowed(s: Signals) -> Hit | None:
    if s.says(
        "not configured to acquire tokens for tenant",
        "additionallyallowedtenants",
        "additionally_allowed_tenants",
        "additionally allowed tenants",
    ):
        return Hit(SERVER_SAYS)
    return None


def _is_entra_host(host: str) -> bool:
    return (
        host in KNOWN_LOGIN_HOSTS or host.endswith(CIAM_SUFFIX) or host.startswith(("127.0.0.1", "localhost"))
    )


def _discovery_failed_host(s: Signals) -> str | None:
    """MSAL's "Unable to get authority configuration for URL": the URL's host (or the configured one)."""
    if not s.says("unable to get authority configuration", "failed to discover the authority"):
        return None
    found = s.matches(r"authority configuration for (https?://[^\s'\"]+)")
    url = found.group(1) if found else (s.authority or "")
    try:
        return urlsplit(url).netloc.lower() if "://" in url else s.authority_host
    except ValueError:
        return s.authority_host


def _authority_has_endpoint_path(s: Signals) -> bool:
    authority = s.evidence.config.authority or ""
    try:
        path = urlsplit(authority).path.lower() if "://" in authority else ""
    except ValueError:
        return False
    return "/oauth2" in path or path.rstrip("/").endswith(("/token", "/authorize", "openid-configuration"))


@AUTHORITY_UNKNOWN_HOST.detector
def _unknown_host(s: Signals) -> Hit | None:
    discovery = _discovery_failed_host(s)
    if discovery is not None:
        if _is_entra_host(discovery):  # the host is fine: MSAL could not find the tenant (or the path) there
            return Hit(WEAK + 10)
        return Hit(SERVER_SAYS, explanation=f"`{discovery}` is not an Entra login host MSAL can discover.")
    if s.code(50049) or s.says(
        "unknown or invalid instance",
        "invalid_instance",
        "authority validation",
        "not a known authority",
        "untrusted_authority",
        "authority host must",
        "not a trusted authority",
        "knownauthorities",
        "authority is not in the list",
        "authority_not_in_valid_list",
    ):
        return Hit(SERVER_SAYS)
    host = s.authority_host
    if (
        host
        and host not in KNOWN_LOGIN_HOSTS
        and not host.endswith(CIAM_SUFFIX)
        and not host.startswith(("127.0.0.1", "localhost"))
    ):
        if host == "login.microsoftonline.de":
            return Hit(WEAK)
        return Hit(
            INFERRED - 10 if s.has_token_failure else HINT,
            explanation=f"`{host}` is not a login host of any Entra cloud.",
        )
    return None


@SP_MISSING.detector
def _sp_missing(s: Signals) -> Hit | None:
    if s.code(7000229) or s.says(
        "missing service principal", "service principal-less", "has no service principal"
    ):
        return Hit(SERVER_SAYS, fix=_consent_fix(s, SP_MISSING.fix))
    claims = s.claims or {}
    complete = "tid" in claims and ("appid" in claims or "azp" in claims) and "idtyp" in claims
    if complete and s.is_app_token and "oid" not in claims:
        return Hit(
            WEAK + 10,
            severity="warning",
            explanation="The app-only token has no `oid`: no service principal.",
        )
    return None


@APP_DISABLED.detector
def _app_disabled(s: Signals) -> Hit | None:
    if (s.code(7000112, 7000114) and s.says("disabled")) or s.matches(r"application .{0,60} is disabled"):
        return Hit(SERVER_SAYS)
    sp = s.evidence.service_principal or {}
    if sp.get("accountEnabled") is False:
        return Hit(INFERRED + 10)
    return None


@RESOURCE_NOT_IN_TENANT.detector
def _resource_not_in_tenant(s: Signals) -> Hit | None:
    if s.code(500011, 650052) or s.says(
        "resource principal named",
        "lacks a service principal",
        "resource principal was not found",
    ):
        return Hit(SERVER_SAYS)
    return None


@ASSIGNMENT_REQUIRED.detector
def _assignment(s: Signals) -> Hit | None:
    if s.code(50105, 501051) or s.says(
        "is not assigned to a role for the application", "not assigned to a role"
    ):
        return Hit(SERVER_SAYS, fix=_consent_fix(s, ASSIGNMENT_REQUIRED.fix))
    return None


@CONDITIONAL_ACCESS.detector
def _ca(s: Signals) -> Hit | None:
    if s.code(53003, 53000, 53001, 530003) or s.says("conditional access", "blocked by conditional access"):
        return Hit(SERVER_SAYS)
    return None


@TLS_OUTDATED.detector
def _tls(s: Signals) -> Hit | None:
    if s.code(1002016) or s.matches(
        r"tls (version )?1\.[01]|3des|tlsv1_alert_protocol_version|protocol version"
    ):
        return Hit(SERVER_SAYS)
    return None
