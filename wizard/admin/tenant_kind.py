"""Workforce or External ID: what the plan read of the tenant (`/organization` tenantType "CIAM"), and what
it changes for the daemon: its authority `https://<subdomain>.ciamlogin.com/`, and a sign-in audience that
can only be the tenant itself (AzureADMyOrg, the value apply always writes)."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from wizard.clouds import TenantType

if TYPE_CHECKING:
    from wizard.admin.plan import Step
    from wizard.admin.tenant_reads import TenantFacts

CIAM = "CIAM"
MY_ORG = "AzureADMyOrg"


def tenant_type(facts: TenantFacts) -> TenantType:
    """External when `/organization` says tenantType "CIAM" (External ID), else workforce."""
    kind = str((facts.organization or {}).get("tenantType") or "")
    return TenantType.EXTERNAL if kind.upper() == CIAM else TenantType.WORKFORCE


def subdomain(facts: TenantFacts) -> str | None:
    """`fabrikamext` of the initial domain `fabrikamext.onmicrosoft.com`, which names the ciamlogin host."""
    domains = [d for d in (facts.organization or {}).get("verifiedDomains") or [] if isinstance(d, dict)]
    initial = [d for d in domains if d.get("isInitial")] or domains
    for d in initial:
        name = str(d.get("name") or "").lower()
        if name.endswith(".onmicrosoft.com"):
            return name[: -len(".onmicrosoft.com")]
    return None


def daemon_tenant(facts: TenantFacts, tenant_id: str) -> tuple[TenantType, str]:
    """The profile's tenant type and tenant: the subdomain for External ID (its authority is then
    `https://<subdomain>.ciamlogin.com/<subdomain>.onmicrosoft.com`), else the tenant id."""
    kind = tenant_type(facts)
    if kind is TenantType.EXTERNAL:
        return kind, subdomain(facts) or tenant_id
    return kind, tenant_id


def external_steps(steps: list[Step], facts: TenantFacts) -> list[Step]:
    """In an External ID tenant: say so on the app's step, and refuse to adopt an app whose sign-in audience
    is not the tenant alone (External ID registers apps for its own directory only)."""
    if tenant_type(facts) is not TenantType.EXTERNAL:
        return steps
    audience = str((facts.app or {}).get("signInAudience") or MY_ORG)
    out = []
    for s in steps:
        if s.action == "create application" and s.status == "todo":
            s = replace(s, reason=f"{s.reason}; External ID tenant: sign-in audience {MY_ORG}")
        elif s.action == "create application" and audience != MY_ORG:
            s = replace(
                s,
                status="blocked",
                reason=f"External ID tenant: the app's sign-in audience is {audience}, and a daemon here "
                f"must be {MY_ORG} (this tenant's accounts only); change it in the app's manifest",
            )
        out.append(s)
    return out


def plan_tenant(facts: TenantFacts) -> dict[str, Any]:
    """The plan JSON's tenant type words: `workforce` or `external`, and the ciamlogin host's subdomain."""
    kind = tenant_type(facts)
    return {"kind": kind.value, "subdomain": subdomain(facts) if kind is TenantType.EXTERNAL else None}
