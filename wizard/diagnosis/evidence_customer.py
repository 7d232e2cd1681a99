"""The `customer` part of an evidence document: a multi-tenant daemon checked in one customer's tenant."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

#: signInAudience values of a registration other organisations' tenants may consent to.
MULTI_ORG_AUDIENCES = frozenset({"AzureADMultipleOrgs", "AzureADandPersonalMicrosoftAccount"})


@dataclass(frozen=True)
class CustomerEvidence:
    """What is known around one customer's attempt: the ISV's home tenant, the app's audience, the consent
    recorded for this customer, the roles the app asks for, and how the other customers fared."""

    home_tenant: str | None = None
    customer_tenant: str | None = None
    #: From the registration's signInAudience when it was readable; None when unknown.
    multi_tenant: bool | None = None
    #: The consent state recorded for this customer: not-requested, pending, consented, declined, failed.
    consent: str | None = None
    consent_url: str | None = None
    #: The application permissions (role values) the app asks for on the called API, where known by name.
    required_roles: tuple[str, ...] = ()
    #: How many Application permissions the registration asks for on that API (names may be unknown).
    required_role_count: int | None = None
    #: Customers checked in this run, how many of them answered "not found in the directory" (AADSTS700016),
    #: and whether the home tenant itself gave a token.
    fleet_size: int = 0
    fleet_not_found: int = 0
    home_ok: bool | None = None

    @property
    def is_customer(self) -> bool:
        """A tenant other than the home tenant (when both are known)."""
        home, customer = (self.home_tenant or "").lower(), (self.customer_tenant or "").lower()
        return bool(home and customer and home != customer)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["required_roles"] = list(self.required_roles)
        return {k: v for k, v in data.items() if v not in (None, (), [])}


def _text(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _count(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def customer_evidence(value: object) -> CustomerEvidence | None:
    """Parse the `customer` part; None when absent or not an object (tolerant, like the rest of Evidence)."""
    if not isinstance(value, dict):
        return None
    roles = value.get("required_roles")
    multi = value.get("multi_tenant")
    audience = _text(value.get("sign_in_audience"))
    if not isinstance(multi, bool) and audience:
        multi = audience in MULTI_ORG_AUDIENCES
    home_ok = value.get("home_ok")
    return CustomerEvidence(
        home_tenant=_text(value.get("home_tenant")),
        customer_tenant=_text(value.get("customer_tenant")),
        multi_tenant=multi if isinstance(multi, bool) else None,
        consent=_text(value.get("consent")),
        consent_url=_text(value.get("consent_url")),
        required_roles=tuple(str(r) for r in roles if isinstance(r, str) and r)
        if isinstance(roles, list)
        else (),
        required_role_count=_count(value.get("required_role_count")),
        fleet_size=_count(value.get("fleet_size")) or 0,
        fleet_not_found=_count(value.get("fleet_not_found")) or 0,
        home_ok=home_ok if isinstance(home_ok, bool) else None,
    )
