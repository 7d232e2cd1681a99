"""The customer tenants of a multi-tenant daemon's profile, each with its consent state; never a secret."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from enum import Enum
from typing import Any

from wizard.errors import ConfigFileError, UsageError
from wizard.guids import is_guid

_DOMAIN = re.compile(r"^(?=.{3,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{1,62}$")
MULTI_ORG_SEGMENTS = frozenset({"common", "organizations", "consumers"})


class ConsentState(str, Enum):
    """Where a customer's admin consent stands, as far as the wizard saw it."""

    NOT_REQUESTED = "not-requested"
    PENDING = "pending"  # a consent URL with a state went out; no answer recorded yet
    CONSENTED = "consented"  # the redirect said admin_consent=True for this tenant
    DECLINED = "declined"  # the admin cancelled (AADSTS65004)
    FAILED = "failed"  # the redirect carried another error


def check_tenant(value: str) -> str:
    """A customer tenant as given: a tenant ID (GUID) or a domain; lower case. Bad input is a UsageError."""
    text = value.strip().lower()
    if text in MULTI_ORG_SEGMENTS:
        raise UsageError(
            f"{value!r} is not a customer's tenant",
            hint="Name the customer's own tenant: its Directory (tenant) ID or a verified domain such as "
            "contoso.onmicrosoft.com. An app-only token needs a specific tenant.",
        )
    if not (is_guid(text) or _DOMAIN.match(text)):
        raise UsageError(
            f"{value!r} is neither a tenant ID nor a domain",
            hint="Use the customer's Directory (tenant) ID (a GUID) or a domain such as contoso.onmicrosoft.com.",
        )
    return text


@dataclass(frozen=True)
class Customer:
    """One customer tenant: as the user named it, its tenant ID once known, and its consent state."""

    tenant: str
    tenant_id: str | None = None
    consent: ConsentState = ConsentState.NOT_REQUESTED
    #: When the consent answer was recorded (ISO 8601, UTC).
    consented_at: str | None = None
    #: The AADSTS error of a declined or failed consent (its first line).
    error: str | None = None
    #: The `state` of the consent URL that went out last (random, one use); maps the answer back here.
    state: str | None = None

    @property
    def authority_tenant(self) -> str:
        """What goes in the authority: the tenant ID once known, else the name given."""
        return self.tenant_id or self.tenant

    def names(self, ident: str) -> bool:
        key = ident.strip().lower()
        return key in (self.tenant, (self.tenant_id or "").lower())

    def to_dict(self) -> dict[str, Any]:
        data = {
            "tenant": self.tenant,
            "tenant_id": self.tenant_id,
            "consent": self.consent.value,
            "consented_at": self.consented_at,
            "error": self.error,
            "state": self.state,
        }
        return {k: v for k, v in data.items() if v is not None}


@dataclass(frozen=True)
class CustomerBook:
    """A profile's customers, plus what is known of the app: its home tenant and whether it is multi-tenant."""

    profile: str
    home_tenant: str = ""
    #: From the registration's signInAudience (AzureADMultipleOrgs) when it was read; None when unknown.
    multi_tenant: bool | None = None
    sign_in_audience: str | None = None
    customers: tuple[Customer, ...] = field(default_factory=tuple)

    def find(self, ident: str) -> Customer | None:
        return next((c for c in self.customers if c.names(ident)), None)

    def get(self, ident: str) -> Customer:
        found = self.find(ident)
        if found is None:
            known = ", ".join(c.tenant for c in self.customers) or "none yet"
            raise UsageError(
                f"{ident!r} is not a customer of profile {self.profile!r}",
                hint=f"Its customers: {known}. Add one with `daemon-wizard customers add TENANT`.",
            )
        return found

    def add(self, tenant: str) -> CustomerBook:
        """With one more customer; the home tenant and duplicates are refused."""
        name = check_tenant(tenant)
        if self.home_tenant and name == self.home_tenant.lower():
            raise UsageError(
                f"{tenant} is the app's home tenant, not a customer",
                hint="Customers are the other organisations' tenants the multi-tenant app serves.",
            )
        if self.find(name) is not None:
            raise UsageError(f"{tenant} is already a customer of profile {self.profile!r}")
        customer = Customer(tenant=name, tenant_id=name if is_guid(name) else None)
        return replace(self, customers=(*self.customers, customer))

    def remove(self, tenant: str) -> CustomerBook:
        gone = self.get(tenant)
        return replace(self, customers=tuple(c for c in self.customers if c is not gone))

    def updated(self, customer: Customer, **changes: Any) -> CustomerBook:
        new = replace(customer, **changes)
        return replace(self, customers=tuple(new if c is customer else c for c in self.customers))

    def to_dict(self) -> dict[str, Any]:
        return {
            "profile": self.profile,
            "home_tenant": self.home_tenant,
            "multi_tenant": self.multi_tenant,
            "sign_in_audience": self.sign_in_audience,
            "customers": [c.to_dict() for c in self.customers],
        }


def _opt(data: dict[str, Any], key: str, where: str) -> str | None:
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        raise ConfigFileError(f"{where}: {key} must be a string")
    return value


def book_from_dict(data: Any, *, where: str) -> CustomerBook:
    """A book read back from its file; anything malformed is a ConfigFileError naming the file."""
    if not isinstance(data, dict) or not isinstance(data.get("customers", []), list):
        raise ConfigFileError(f"{where}: not a customers file", path=where)
    customers = []
    for item in data.get("customers", []):
        if not isinstance(item, dict) or not isinstance(item.get("tenant"), str):
            raise ConfigFileError(f"{where}: each customer needs a tenant", path=where)
        try:
            consent = ConsentState(item.get("consent", ConsentState.NOT_REQUESTED.value))
        except ValueError:
            raise ConfigFileError(
                f"{where}: unknown consent state {item.get('consent')!r}", path=where
            ) from None
        customers.append(
            Customer(
                tenant=check_tenant(item["tenant"]),
                tenant_id=_opt(item, "tenant_id", where),
                consent=consent,
                consented_at=_opt(item, "consented_at", where),
                error=_opt(item, "error", where),
                state=_opt(item, "state", where),
            )
        )
    multi = data.get("multi_tenant")
    return CustomerBook(
        profile=str(data.get("profile", "")),
        home_tenant=str(data.get("home_tenant", "")),
        multi_tenant=multi if isinstance(multi, bool) else None,
        sign_in_audience=_opt(data, "sign_in_audience", where),
        customers=tuple(customers),
    )
