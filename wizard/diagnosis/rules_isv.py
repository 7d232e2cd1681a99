"""Rules for multi-tenant (ISV) daemons: consent in each customer's tenant, the app's audience, the authority.

AADSTS700016 reads the same whether the client ID is wrong or a customer has simply not consented yet; what
tells them apart is the context the `customer` part of the evidence carries (the home tenant, the app's
signInAudience, the consent recorded for this customer, and how the other customers fared).
"""

from __future__ import annotations

from wizard.diagnosis.evidence_customer import MULTI_ORG_AUDIENCES, CustomerEvidence
from wizard.diagnosis.registry import INFERRED, LEARN, RULES, SERVER_SAYS, Hit
from wizard.diagnosis.signals import Signals

SECTION = "Tenant, app and authority"
MULTI_TENANT_DOCS = f"{LEARN}/howto-convert-app-to-be-multi-tenant"
CONSENT_DOCS = "https://learn.microsoft.com/entra/identity/enterprise-apps/grant-admin-consent"
DAEMON_DOCS = f"{LEARN}/scenario-daemon-app-registration#multi-tenant-daemons"
#: Above the generic `app-not-in-tenant` / `service-principal-missing` / `app-disabled` (SERVER_SAYS): with
#: the customer's context the cause is more specific than the AADSTS code alone.
MORE_SPECIFIC = SERVER_SAYS + 5

CONSENT_MISSING = RULES.add(
    "customer-consent-missing",
    section=SECTION,
    title="This customer's admin has not consented to the app yet",
    meaning="The multi-tenant app has no service principal in this customer's tenant: its admin has not "
    "consented yet.",
    fix="Send the customer's admin the admin-consent URL for their tenant (`daemon-wizard customers consent "
    "TENANT`); once they accept, the app has a service principal and its roles there.",
    links=(CONSENT_DOCS, DAEMON_DOCS),
)
NOT_MULTI_TENANT = RULES.add(
    "app-not-multi-tenant",
    section=SECTION,
    title="The registration is single-tenant",
    meaning="The registration is single-tenant, so consent and tokens in other tenants cannot work.",
    fix="In the home tenant: App registrations > (the app) > Authentication > Supported account types: "
    "'Accounts in any organizational directory' (or `az ad app update --id <client id> --sign-in-audience "
    "AzureADMultipleOrgs`); then each customer's admin consents.",
    links=(MULTI_TENANT_DOCS,),
)
RECONSENT = RULES.add(
    "customer-reconsent-needed",
    section=SECTION,
    title="The customer's consent predates permissions the app now asks for",
    meaning="The app now asks for application permissions the customer's consent predates; its tokens lack "
    "the new roles.",
    fix="Ask the customer's admin to open the admin-consent URL for their tenant again: consent is granted "
    "for the permissions the app asks for at that moment, and never grows by itself.",
    links=(CONSENT_DOCS,),
)
REVOKED = RULES.add(
    "customer-consent-revoked",
    section=SECTION,
    title="The customer removed or disabled the app",
    meaning="The app's service principal was removed or disabled in the customer's tenant.",
    fix="Ask the customer's admin: re-enable it (Enterprise applications > the app > Properties > Enabled "
    "for users to sign in), or consent again with the admin-consent URL for their tenant if it was deleted.",
    links=(CONSENT_DOCS,),
)
HOME_AUTHORITY = RULES.add(
    "home-tenant-authority",
    section=SECTION,
    title="The home tenant was used as the authority for a customer's data",
    meaning="The token came from the ISV's home tenant, so it cannot read a customer's data: a multi-tenant "
    "daemon takes each customer's tenant as its authority.",
    fix="Use `https://login.microsoftonline.com/<customer tenant>` as the authority for that customer "
    "(`daemon-wizard customers export` writes one config per customer).",
    links=(DAEMON_DOCS,),
)


def _customer(s: Signals) -> CustomerEvidence | None:
    c = s.evidence.customer
    return c if c is not None and c.is_customer else None


def _multi_tenant(s: Signals, c: CustomerEvidence) -> bool | None:
    if c.multi_tenant is not None:
        return c.multi_tenant
    audience = (s.evidence.app_registration or {}).get("signInAudience")
    return audience in MULTI_ORG_AUDIENCES if isinstance(audience, str) else None


def _not_found(s: Signals) -> bool:
    """No service principal of the app in the tenant asked: deleted, never made, or never consented."""
    return (
        s.code(700016, 7000229)
        or bool(s.matches(r"application with identifier .{0,60}was not found in the directory"))
        or s.says("missing service principal")
    )


def _disabled(s: Signals) -> bool:
    return (s.code(7000112, 7000114) and s.says("disabled")) or bool(
        s.matches(r"application .{0,80} is disabled")
    )


def _url_fix(c: CustomerEvidence, prefix: str) -> str:
    if not c.consent_url:
        return prefix
    return f"{prefix} Admin-consent URL for {c.customer_tenant}: {c.consent_url}"


def _fleet_all_missing(c: CustomerEvidence) -> bool:
    """Every customer answered "not found" while the home tenant gives tokens: the app is home-only."""
    return c.home_ok is True and c.fleet_size >= 2 and c.fleet_not_found == c.fleet_size


@CONSENT_MISSING.detector
def _consent_missing(s: Signals) -> Hit | None:
    c = _customer(s)
    if c is None or not _not_found(s) or c.consent == "consented":
        return None
    multi = _multi_tenant(s, c)
    if multi is False:
        return None
    asked = {
        "pending": " A consent request was sent and has not been answered yet.",
        "declined": " Its admin declined the last consent request.",
        "failed": " The last consent attempt failed.",
    }.get(c.consent or "", "")
    explanation = (
        f"Entra has no service principal of this multi-tenant app in {c.customer_tenant} (AADSTS700016): "
        f"its admin has not consented to it yet.{asked}"
    )
    if multi is None:
        explanation += " (The app's signInAudience could not be read, so it may also be single-tenant.)"
    # The home tenant gives a token with the same client ID: the ID is right, this tenant lacks the app.
    confidence = MORE_SPECIFIC if multi else (MORE_SPECIFIC - 2 if c.home_ok else INFERRED)
    return Hit(confidence, explanation=explanation, fix=_url_fix(c, CONSENT_MISSING.fix))


@NOT_MULTI_TENANT.detector
def _not_multi_tenant(s: Signals) -> Hit | None:
    if s.code(50194) or s.says("is not configured as a multi-tenant application"):
        return Hit(MORE_SPECIFIC + 2)
    c = _customer(s)
    if c is None:
        return None
    multi = _multi_tenant(s, c)
    if multi is False and _not_found(s):
        return Hit(
            MORE_SPECIFIC + 2,
            explanation=f"The registration's signInAudience is AzureADMyOrg: only {c.home_tenant} can use it, "
            f"so {c.customer_tenant} can neither consent nor issue tokens (AADSTS700016 there).",
        )
    if multi is None and _not_found(s) and _fleet_all_missing(c):
        return Hit(
            MORE_SPECIFIC + 2,
            explanation=f"All {c.fleet_size} customer tenants answer AADSTS700016 while the home tenant "
            "issues tokens: the app is most likely single-tenant (its signInAudience could not be read).",
        )
    return None


@REVOKED.detector
def _revoked(s: Signals) -> Hit | None:
    c = _customer(s)
    if c is None:
        return None
    if _disabled(s):
        return Hit(
            MORE_SPECIFIC + 1,
            explanation=f"The app's service principal in {c.customer_tenant} is disabled (AADSTS7000112): "
            "its admin turned the app off.",
            fix=_url_fix(c, REVOKED.fix),
        )
    if _not_found(s) and c.consent == "consented" and _multi_tenant(s, c) is not False:
        return Hit(
            MORE_SPECIFIC + 1,
            explanation=f"{c.customer_tenant} consented before, yet now has no service principal of the app "
            "(AADSTS700016): its admin deleted the enterprise application.",
            fix=_url_fix(c, REVOKED.fix),
        )
    return None


@RECONSENT.detector
def _reconsent(s: Signals) -> Hit | None:
    c = _customer(s)
    if c is None or s.roles is None or not s.is_app_token:
        return None
    have = set(s.roles)
    missing = [r for r in c.required_roles if r not in have]
    short = c.required_role_count is not None and len(have) < c.required_role_count
    if not missing and not short:
        return None
    if not have and c.consent != "consented":
        return None  # no consent at all is not a re-consent
    what = ", ".join(missing) if missing else f"{c.required_role_count - len(have)} of them"  # type: ignore[operator]
    return Hit(
        SERVER_SAYS,
        explanation=f"The registration asks for application permissions that {c.customer_tenant}'s consent "
        f"does not cover: its token carries {', '.join(sorted(have)) or 'no roles'}, and lacks {what}.",
        fix=_url_fix(c, RECONSENT.fix),
    )


@HOME_AUTHORITY.detector
def _home_authority(s: Signals) -> Hit | None:
    c = s.evidence.customer
    if c is None or not c.home_tenant or not c.customer_tenant:
        return None
    home, customer = c.home_tenant.lower(), c.customer_tenant.lower()
    if home == customer:
        return None
    tid = (s.claim_str("tid") or "").lower()
    segment = (s.tenant_segment or "").lower()
    if tid == home or (not tid and segment == home):
        where = "token's tid" if tid == home else "authority"
        return Hit(
            SERVER_SAYS,
            explanation=f"The {where} is the home tenant {c.home_tenant}, while this is {c.customer_tenant}'s "
            "data: the API answers with the home tenant's data (or refuses), never the customer's.",
        )
    return None
