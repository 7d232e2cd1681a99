"""A ready-made large tenant: one auditor daemon (Application.Read.All) and N generated app registrations."""

from __future__ import annotations

from wizard.sandbox.large_tenant import GenerateSpec, ThrottleSpec
from wizard.sandbox.scenario import GRAPH_NAME, AppSpec, Permission, Scenario, TenantSpec, UserSpec

AUDITOR = "auditor"
_PREFIX = "1a2e0000"


def large_tenant_scenario(
    apps: int, *, seed: int = 1, throttle_rate: int = 0, retry_after: int = 1
) -> Scenario:
    """A tenant of `apps` generated registrations; the `auditor` app may read them all (consented)."""
    auditor = AppSpec(
        name=AUDITOR,
        client_id=f"{_PREFIX}-0001-4000-a000-00000000c11e",
        object_id=f"{_PREFIX}-0001-4000-a000-0000000000b0",
        sp_object_id=f"{_PREFIX}-0001-4000-a000-0000000005b0",
        display_name="Credential Auditor",
        permissions=(Permission(GRAPH_NAME, "Application.Read.All"),),
        consented=True,
        owners=(f"{_PREFIX}-0000-4000-a000-000000000001",),
    )
    owners = tuple(
        UserSpec(
            id=f"{_PREFIX}-0000-4000-a000-{n:012d}",
            display_name=f"Owner {n}",
            user_principal_name=f"owner{n}@large.onmicrosoft.com",
        )
        for n in range(1, 6)
    )
    tenant = TenantSpec(
        name="large",
        id=f"{_PREFIX}-7e7e-4e7e-8e7e-000000000001",
        domain="large.onmicrosoft.com",
        display_name="Large Tenant",
        apps=(auditor,),
        users=owners,
        generate=GenerateSpec(apps=apps, seed=seed),
        throttle=ThrottleSpec(rate=throttle_rate, retry_after=retry_after),
    )
    return Scenario(tenants=(tenant,))
