"""The scenario's `azure` table: role assignments by scope, vault models, directory roles, and its errors."""

from __future__ import annotations

import pytest

from wizard.errors import ConfigFileError
from wizard.sandbox.azure_spec import azure_from_dict
from wizard.sandbox.defaults import default_scenario

SUB = "/subscriptions/s"


def test_default_contoso_grants() -> None:
    azure = default_scenario().tenants[0].azure
    assert azure.allows(
        "arm-daemon",
        "Microsoft.Resources/subscriptions/resourcegroups/read",
        f"/subscriptions/{azure.subscription_id}",
    )
    assert not azure.allows(
        "arm-daemon-no-role",
        "Microsoft.Resources/subscriptions/resourcegroups/read",
        f"/subscriptions/{azure.subscription_id}",
    )
    vault = azure.vault("contoso-kv-rbac")
    assert vault is not None and vault.rbac
    secret = azure.vault_id(vault) + "/secrets/db-password"
    action = "Microsoft.KeyVault/vaults/secrets/getSecret/action"
    assert azure.allows("kv-rbac-daemon", action, secret, data=True)
    # Reader above the vault reads its control plane, never its secrets.
    assert not azure.allows("kv-rbac-daemon-no-role", action, secret, data=True)
    assert azure.directory_roles_of("pwreset-admin-daemon") == ("User Administrator",)
    assert azure.probe("spo-cert-daemon") is not None


def test_scope_is_a_prefix_by_path_segment() -> None:
    azure = azure_from_dict(
        {"role_assignments": [{"app": "a", "role": "Reader", "scope": f"{SUB}/resourceGroups/rg"}]},
        "t",
        {"a"},
    )
    assert azure.allows("a", "x/read", f"{SUB}/resourceGroups/rg/providers/p")
    assert not azure.allows("a", "x/read", f"{SUB}/resourceGroups/rg2")
    assert not azure.allows("a", "x/write", f"{SUB}/resourceGroups/rg")


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"role_assignments": [{"app": "zz", "role": "Reader", "scope": SUB}]}, "unknown app 'zz'"),
        ({"role_assignments": [{"app": "a", "role": "Wizard", "scope": SUB}]}, "unknown role 'Wizard'"),
        ({"directory_roles": [{"app": "a", "role": "Emperor"}]}, "is not known"),
        ({"vaults": [{"name": "v", "rbac": "yes"}]}, "'rbac' must be true or false"),
        ({"probes": [{"app": "zz", "path": "p", "resource": "r"}]}, "unknown app 'zz'"),
        ([], "'azure' must be a table"),
    ],
)
def test_bad_azure_tables_are_named(table: object, message: str) -> None:
    with pytest.raises(ConfigFileError, match=message):
        azure_from_dict(table, "scenario: tenant 't'", {"a"})
