"""The scenario's `[tenants.azure.services]` table: parsed into ServiceGrants, unknown apps refused."""

from __future__ import annotations

import pytest

from wizard.errors import ConfigFileError
from wizard.sandbox.azure_spec import azure_from_dict
from wizard.sandbox.defaults import default_scenario


def test_services_table_is_read() -> None:
    spec = azure_from_dict(
        {
            "services": {
                "storage_accounts": ["data1"],
                "powerbi_allowed": ["a"],
                "workspaces": [{"id": "w1", "name": "Finance", "members": ["a"]}],
                "dataverse_org": "Contoso",
                "app_users": [{"app": "a", "roles": ["Basic User"]}],
                "mailbox_policies": [{"app": "a", "mailboxes": ["CEO@contoso.com"]}],
            }
        },
        "tenant x",
        {"a"},
    )
    s = spec.services
    assert s.storage_accounts == ("data1",) and s.dataverse_org == "contoso"
    assert s.workspace("W1") is not None and s.app_user("a") is not None
    policy = s.mailbox_policy("a")
    assert policy is not None and policy.mailboxes == ("ceo@contoso.com",)


@pytest.mark.parametrize(
    "services",
    [
        {"powerbi_allowed": ["nobody"]},
        {"app_users": [{"app": "nobody"}]},
        {"mailbox_policies": [{"app": "nobody", "mailboxes": []}]},
        {"storage_accounts": "data1"},
        "not a table",
    ],
)
def test_bad_services_table_is_a_clear_error(services: object) -> None:
    with pytest.raises(ConfigFileError):
        azure_from_dict({"services": services}, "tenant x", {"a"})


def test_default_scenario_grants_name_only_its_own_apps() -> None:
    contoso = next(t for t in default_scenario().tenants if t.name == "contoso")
    names = {a.name for a in contoso.apps}
    s = contoso.azure.services
    assert set(s.powerbi_allowed) <= names
    assert {u.app for u in s.app_users} <= names
    assert {p.app for p in contoso.azure.probes} <= names
