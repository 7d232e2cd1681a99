"""Delegated sign-in pieces of the sandbox: scenario users and public clients, redirect and PKCE checks."""

from __future__ import annotations

import base64
import hashlib

import pytest

from wizard.errors import ConfigFileError
from wizard.sandbox import default_scenario
from wizard.sandbox.authorize import redirect_allowed
from wizard.sandbox.delegated_catalog import ROLE_TEMPLATES
from wizard.sandbox.delegated_sessions import pkce_matches
from wizard.sandbox.scenario import scenario_from_dict
from wizard.sandbox.users import DelegatedDirectory, SignInFailed


def _tenant(**extra: object) -> dict[str, object]:
    return {
        "tenants": [
            {
                "name": "acme",
                "id": "11111111-1111-4111-8111-111111111111",
                "domain": "acme.onmicrosoft.com",
                **extra,
            }
        ]
    }


def test_scenario_users_carry_passwords_and_roles() -> None:
    users = [
        {
            "id": "u1",
            "display_name": "Ada",
            "user_principal_name": "ada@acme.onmicrosoft.com",
            "password": "Fixed-Pass-123",
            "roles": ["Global Administrator"],
        }
    ]
    clients = [{"name": "own", "client_id": "ABC", "required_scopes": ["Application.Read.All"]}]
    scenario = scenario_from_dict(_tenant(users=users, public_clients=clients, block_device_code=True))
    tenant = scenario.tenants[0]
    assert tenant.users[0].roles == ("Global Administrator",)
    assert tenant.public_clients[0].client_id == "abc"
    assert tenant.block_device_code
    directory = DelegatedDirectory(scenario.tenants)
    assert directory.sign_in("ADA@acme.onmicrosoft.com", "Fixed-Pass-123").wids == [
        ROLE_TEMPLATES["Global Administrator"],
        "b79fbf4d-3ef9-4689-8143-76b194e85509",
    ]
    with pytest.raises(SignInFailed) as failed:
        directory.sign_in("ada@acme.onmicrosoft.com", "wrong")
    assert failed.value.code == 50126
    assert directory.device_code_blocked(tenant.id)


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        (
            {"users": [{"id": "u", "display_name": "U", "user_principal_name": "u@a", "roles": ["Boss"]}]},
            "Boss",
        ),
        ({"public_clients": [{"name": "c", "client_id": "c", "required_scopes": ["Nope.All"]}]}, "Nope.All"),
    ],
)
def test_scenario_rejects_unknown_roles_and_scopes(extra: dict[str, object], needle: str) -> None:
    with pytest.raises(ConfigFileError) as exc:
        scenario_from_dict(_tenant(**extra))
    assert needle in exc.value.title


def test_default_scenario_has_a_user_per_role_and_keeps_its_apps() -> None:
    contoso = default_scenario().tenants[0]
    assert {r for u in contoso.users for r in u.roles} == set(ROLE_TEMPLATES)
    assert [u.display_name for u in contoso.users[:4]] == [
        "Adele Vance",
        "Alex Wilber",
        "Diego Siciliani",
        "Megan Bowen",
    ]
    # 11, the ten beyond the token (defaults_azure), federated-daemon, the 14 of defaults_services, two ISV,
    # the three of defaults_fic
    assert len(contoso.apps) == 41
    passwords = {a.password for a in DelegatedDirectory(default_scenario().tenants).accounts.values()}
    assert len(passwords) == len(
        DelegatedDirectory(default_scenario().tenants).accounts
    )  # generated per user


@pytest.mark.parametrize(
    ("uri", "allowed"),
    [
        ("http://localhost", True),
        ("http://localhost:53117", True),
        ("http://localhost:53117/", True),
        ("http://127.0.0.1:53117", False),  # not registered: Entra compares the host
        ("http://localhost.evil.example:53117", False),
        ("https://localhost:53117", False),
        ("http://localhost:53117/other", False),
        ("http://localhost:53117/#x", False),
    ],
)
def test_loopback_redirect_any_port(uri: str, allowed: bool) -> None:
    assert redirect_allowed(uri, ("http://localhost",)) is allowed


def test_pkce_s256_and_plain() -> None:
    verifier = "a" * 50
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    assert pkce_matches(verifier, challenge, "S256")
    assert not pkce_matches("b" * 50, challenge, "S256")
    assert pkce_matches(verifier, verifier, "plain")
    assert not pkce_matches(verifier, verifier, "S256")
