"""The default scenario's apps beyond the token: Key Vault, ARM, SharePoint and a password reset, each
refused as the real service refuses it, with a granted twin that passes."""

from __future__ import annotations

import json
from collections.abc import Callable

from wizard.sandbox.azure_spec import (
    AccessPolicySpec,
    AzureSpec,
    DirectoryRoleSpec,
    ProbeSpec,
    RoleAssignmentSpec,
    SecretSpec,
    VaultSpec,
)
from wizard.sandbox.defaults_services import service_grants, service_probes, service_role_assignments
from wizard.sandbox.scenario import CERTIFICATE, GRAPH_NAME, AppSpec, Permission

SUBSCRIPTION = "5f4e3d2c-0c0a-4000-8000-00000000a2b0"
POLICY_VAULT = "contoso-kv-policies"
RBAC_VAULT = "contoso-kv-rbac"
SITE = "hr"
RESET_USER = "c0c0a000-0002-4000-b000-000000005e75"  # Alex Wilber, no directory role

MakeApp = Callable[..., AppSpec]
_SPO_READ = (Permission("sharepoint", "Sites.Read.All"),)
_USERS_WRITE = (Permission(GRAPH_NAME, "User.ReadWrite.All"),)


def azure_apps(make: MakeApp) -> tuple[AppSpec, ...]:
    """Apps 12-21 of contoso; `make(n, name, display, **kw)` gives them their ids."""
    return (
        make(12, "kv-daemon-no-access", "Key Vault Daemon (no access policy)"),
        make(13, "kv-daemon", "Key Vault Daemon"),
        make(14, "kv-rbac-daemon-no-role", "Key Vault RBAC Daemon (no role)"),
        make(15, "kv-rbac-daemon", "Key Vault RBAC Daemon"),
        make(16, "arm-daemon-no-role", "ARM Daemon (no role assignment)"),
        make(17, "arm-daemon", "ARM Daemon"),
        make(18, "spo-secret-daemon", "SharePoint Daemon (secret)", permissions=_SPO_READ, consented=True),
        make(
            19,
            "spo-cert-daemon",
            "SharePoint Daemon (certificate)",
            credentials=(CERTIFICATE,),
            permissions=_SPO_READ,
            consented=True,
        ),
        make(
            20,
            "pwreset-daemon",
            "Password-reset Daemon (no directory role)",
            permissions=_USERS_WRITE,
            consented=True,
        ),
        make(
            21,
            "pwreset-admin-daemon",
            "Password-reset Daemon (User Administrator)",
            permissions=_USERS_WRITE,
            consented=True,
        ),
    )


def _probes() -> tuple[ProbeSpec, ...]:
    kv = "https://vault.azure.net"
    arm = "https://management.azure.com"
    spo = "https://contoso.sharepoint.com"
    secret = "secrets/db-password?api-version=7.4"
    groups = f"azure/management/subscriptions/{SUBSCRIPTION}/resourcegroups?api-version=2021-04-01"
    reset = json.dumps(
        {"passwordProfile": {"forceChangePasswordNextSignIn": True, "password": "Reset-0nly-Sandbox!"}}
    )
    out = [
        ProbeSpec("kv-daemon-no-access", f"azure/keyvault/{POLICY_VAULT}/{secret}", kv),
        ProbeSpec("kv-daemon", f"azure/keyvault/{POLICY_VAULT}/{secret}", kv),
        ProbeSpec("kv-rbac-daemon-no-role", f"azure/keyvault/{RBAC_VAULT}/{secret}", kv),
        ProbeSpec("kv-rbac-daemon", f"azure/keyvault/{RBAC_VAULT}/{secret}", kv),
        ProbeSpec("arm-daemon-no-role", groups, arm),
        ProbeSpec("arm-daemon", groups, arm),
        ProbeSpec("spo-secret-daemon", f"sharepoint/sites/{SITE}/_api/web", spo),
        ProbeSpec("spo-cert-daemon", f"sharepoint/sites/{SITE}/_api/web", spo),
    ]
    for app in ("pwreset-daemon", "pwreset-admin-daemon"):
        out.append(ProbeSpec(app, f"v1.0/users/{RESET_USER}", "https://graph.microsoft.com", "PATCH", reset))
    return tuple(out)


def contoso_azure() -> AzureSpec:
    rbac_vault_id = f"/subscriptions/{SUBSCRIPTION}/resourceGroups/rg-daemons/providers/Microsoft.KeyVault/vaults/{RBAC_VAULT}"
    return AzureSpec(
        subscription_id=SUBSCRIPTION,
        resource_groups=("rg-daemons", "rg-network"),
        vaults=(
            VaultSpec(
                POLICY_VAULT,
                rbac=False,
                secrets=(SecretSpec("db-password", "sandbox-db-password-value"),),
                access_policies=(AccessPolicySpec("kv-daemon", ("get", "list")),),
            ),
            VaultSpec(
                RBAC_VAULT, rbac=True, secrets=(SecretSpec("db-password", "sandbox-db-password-value"),)
            ),
        ),
        role_assignments=(
            RoleAssignmentSpec("kv-rbac-daemon", "Key Vault Secrets User", rbac_vault_id),
            # Reader on the resource group (control plane), yet no data role: the RBAC vault refuses its secrets.
            RoleAssignmentSpec(
                "kv-rbac-daemon-no-role", "Reader", f"/subscriptions/{SUBSCRIPTION}/resourceGroups/rg-daemons"
            ),
            RoleAssignmentSpec("arm-daemon", "Reader", f"/subscriptions/{SUBSCRIPTION}"),
            *service_role_assignments(SUBSCRIPTION),
        ),
        sharepoint_sites=(SITE,),
        directory_roles=(DirectoryRoleSpec("pwreset-admin-daemon", "User Administrator"),),
        probes=(*_probes(), *service_probes()),
        services=service_grants(),
    )
