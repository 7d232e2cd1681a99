"""Multi-tenant apps in customer tenants: the service principal admin consent makes, and its removal.

An app registered in its home tenant with `sign_in_audience = AzureADMultipleOrgs` has no service principal in
any other tenant until that tenant's admin consents; then the tenant holds a service principal of its own (its
own object id, its own app role assignments) while the credentials stay on the home tenant's application
object. Single-tenant apps cannot be consented elsewhere. Tests revoke (delete or disable) as a customer's
admin would.
"""

from __future__ import annotations

import datetime as dt
import uuid

from wizard.errors import UsageError
from wizard.sandbox.records import replace
from wizard.sandbox.scenario import APPLICATION, Permission
from wizard.sandbox.state import AppState, SandboxState, TenantState, _assignment_id

MULTI_TENANT = "AzureADMultipleOrgs"
#: Audiences whose apps may have service principals in other organisations' tenants.
MULTI_ORG_AUDIENCES = frozenset({MULTI_TENANT, "AzureADandPersonalMicrosoftAccount"})


def is_multi_tenant(app: AppState) -> bool:
    return app.spec.sign_in_audience in MULTI_ORG_AUDIENCES


def home_of(state: SandboxState, client_id: str) -> tuple[TenantState, AppState] | None:
    """The tenant where the app is registered, and its application object; None for an unknown client id."""
    key = client_id.lower()
    for tenant in state.tenants.values():
        if key in tenant.apps:
            return tenant, tenant.apps[key]
    return None


def _sp_object_id(tenant_id: str, client_id: str) -> str:
    """The service principal's object id in the customer tenant: stable for a tenant and app."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"sandbox-sp:{tenant_id}:{client_id.lower()}"))


def _assign(customer: TenantState, sp: AppState, resource_app_ids: set[str] | None) -> int:
    """App role assignments in the customer tenant for the app's Application permissions it can resolve."""
    added = 0
    for perm in sp.spec.permissions:
        api = customer.api_by_name(perm.api)
        if api is None or perm.type != APPLICATION:
            continue  # an API of the home tenant the customer does not have
        if resource_app_ids is not None and api.app_id not in resource_app_ids:
            continue
        role = api.role(perm.value)
        if role is None or any(r == api.app_id and i == role.id for r, i, _, _ in sp.assignments):
            continue
        sp.assignments.append((api.app_id, role.id, _assignment_id(), dt.datetime.now(dt.timezone.utc)))
        added += 1
    return added


def provision(
    state: SandboxState, customer_id: str, client_id: str, resource_app_ids: set[str] | None = None
) -> AppState:
    """What the customer admin's consent does: the service principal (made or re-enabled) and its roles."""
    with state.lock:
        customer = _tenant(state, customer_id)
        found = home_of(state, client_id)
        if found is None:
            raise UsageError(f"No sandbox app with client id {client_id}")
        home_tenant, home = found
        if home_tenant is customer:
            state.grant_consent(client_id)
            return home
        if not is_multi_tenant(home):
            raise UsageError(
                f"{home.spec.name} is single-tenant: it cannot be consented in {customer.spec.name}"
            )
        key = client_id.lower()
        sp = customer.guests.get(key)
        if sp is None:
            sp = AppState(
                spec=replace(home.spec, sp_object_id=_sp_object_id(customer.spec.id, client_id)),
                tenant_id=customer.spec.id,
                secrets=home.secrets,  # credentials live on the home tenant's application object
                certificates=home.certificates,
            )
            customer.guests[key] = sp
        sp.disabled = False
        sp.spec = replace(sp.spec, permissions=home.spec.permissions)
        _assign(customer, sp, resource_app_ids)
        return sp


def remove_service_principal(state: SandboxState, customer_id: str, client_id: str) -> None:
    """The customer's admin deletes the app's enterprise application: consent and roles go with it."""
    with state.lock:
        if _tenant(state, customer_id).guests.pop(client_id.lower(), None) is None:
            raise UsageError(f"{client_id} has no service principal in {customer_id}")


def disable_service_principal(state: SandboxState, customer_id: str, client_id: str) -> None:
    """The customer's admin sets 'Enabled for users to sign in' to No."""
    with state.lock:
        sp = _tenant(state, customer_id).guests.get(client_id.lower())
        if sp is None:
            raise UsageError(f"{client_id} has no service principal in {customer_id}")
        sp.disabled = True


def add_permission(state: SandboxState, client_id: str, api: str, value: str) -> None:
    """The ISV adds an Application permission to the registration; consents already given do not grow."""
    with state.lock:
        found = home_of(state, client_id)
        if found is None:
            raise UsageError(f"No sandbox app with client id {client_id}")
        home = found[1]
        perms = (*home.spec.permissions, Permission(api, value))
        home.spec = replace(home.spec, permissions=perms)
        for tenant in state.tenants.values():
            guest = tenant.guests.get(client_id.lower())
            if guest is not None:
                guest.spec = replace(guest.spec, permissions=perms)


def _tenant(state: SandboxState, ident: str) -> TenantState:
    by_name = next((t for t in state.tenants.values() if t.spec.name == ident), None)
    tenant = by_name or state.tenant(ident)
    if tenant is None:
        raise UsageError(f"No sandbox tenant {ident!r}")
    return tenant
