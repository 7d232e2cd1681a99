"""The default scenario's ISV case: contoso's multi-tenant daemon (and a single-tenant one registered by
mistake), and a customer tenant `northwind` whose admin has not consented yet."""

from __future__ import annotations

from collections.abc import Callable

from wizard.sandbox.delegated_catalog import GLOBAL_ADMINISTRATOR
from wizard.sandbox.scenario import GRAPH_NAME, AppSpec, Permission, TenantSpec, UserSpec

NORTHWIND_ID = "4b0c9e1d-2f3a-4c5d-8e6f-0c0ffee00003"
NORTHWIND_DOMAIN = "northwindtraders.onmicrosoft.com"
MULTI_TENANT = "AzureADMultipleOrgs"
ISV_DAEMON = "isv-daemon"
ISV_SINGLE_TENANT = "isv-single-tenant-daemon"

MakeApp = Callable[..., AppSpec]
#: What the ISV's daemon reads in each customer's tenant, and its own registration in the home tenant.
_ISV_PERMISSIONS = (Permission(GRAPH_NAME, "User.Read.All"), Permission(GRAPH_NAME, "Application.Read.All"))


def isv_apps(make: MakeApp) -> tuple[AppSpec, ...]:
    """Apps 31-32 of contoso; `make(n, name, display, **kw)` gives them their ids."""
    return (
        make(
            31,
            ISV_DAEMON,
            "ISV Daemon (multi-tenant)",
            permissions=_ISV_PERMISSIONS,
            consented=True,
            sign_in_audience=MULTI_TENANT,
        ),
        make(
            32,
            ISV_SINGLE_TENANT,
            "ISV Daemon (single-tenant by mistake)",
            permissions=_ISV_PERMISSIONS,
            consented=True,
        ),
    )


def northwind() -> TenantSpec:
    """A customer of contoso's ISV daemon: its own admin (who can consent), no app of contoso's yet."""
    p = "4b0c9e1d"

    def user(n: int, given: str, surname: str, title: str, *roles: str) -> UserSpec:
        return UserSpec(
            id=f"{p}-{n:04d}-4000-b000-000000005e75",
            display_name=f"{given} {surname}",
            user_principal_name=f"{given}{surname[0]}@{NORTHWIND_DOMAIN}",
            given_name=given,
            surname=surname,
            job_title=title,
            roles=roles,
        )

    return TenantSpec(
        name="northwind",
        id=NORTHWIND_ID,
        domain=NORTHWIND_DOMAIN,
        display_name="Northwind Traders (customer)",
        type="workforce",
        users=(
            user(1, "Nadia", "Okafor", "IT Administrator", GLOBAL_ADMINISTRATOR),
            user(2, "Tomas", "Berg", "Sales Lead"),
        ),
    )
