"""Scope normalisation: one `<resource>/.default`, with the exact fix for every wrong shape."""

from __future__ import annotations

import pytest

from wizard.errors import ValidationError
from wizard.scopes import normalise_scope, resource_from_scope, split_scopes


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("https://graph.microsoft.com", "https://graph.microsoft.com/.default"),
        ("https://graph.microsoft.com/", "https://graph.microsoft.com/.default"),
        ("https://graph.microsoft.com/.default", "https://graph.microsoft.com/.default"),
        ("https://graph.microsoft.us", "https://graph.microsoft.us/.default"),
        ("https://database.windows.net/", "https://database.windows.net//.default"),
        ("https://database.windows.net//.default", "https://database.windows.net//.default"),
        ("https://management.core.windows.net/", "https://management.core.windows.net//.default"),
        ("api://11112222-bbbb-3333-cccc-4444dddd5555", "api://11112222-bbbb-3333-cccc-4444dddd5555/.default"),
        (
            "api://11112222-bbbb-3333-cccc-4444dddd5555/",
            "api://11112222-bbbb-3333-cccc-4444dddd5555/.default",
        ),
        ("11112222-bbbb-3333-cccc-4444dddd5555", "11112222-bbbb-3333-cccc-4444dddd5555/.default"),
        ("  https://vault.azure.net  ", "https://vault.azure.net/.default"),
        (["https://graph.microsoft.com/.default"], "https://graph.microsoft.com/.default"),
    ],
)
def test_resources_become_one_default_scope(given: str | list[str], expected: str) -> None:
    assert normalise_scope(given) == expected


@pytest.mark.parametrize(
    ("given", "code", "in_hint"),
    [
        ("", "scope-missing", "/.default"),
        ([], "scope-missing", "/.default"),
        ("/.default", "scope-missing", "App ID URI"),
        ("openid", "scope-oidc", "https://graph.microsoft.com/.default"),
        (
            "openid offline_access https://graph.microsoft.com/.default",
            "scope-oidc",
            "https://graph.microsoft.com/.default",
        ),
        ("User.Read", "scope-not-default", "https://graph.microsoft.com/.default"),
        (
            "https://graph.microsoft.com/User.Read.All",
            "scope-not-default",
            "https://graph.microsoft.com/.default",
        ),
        (
            "api://4ab1a0b7-da1d-423d-9fc3-e3a6fabd98af/access_as_user",
            "scope-not-default",
            "api://4ab1a0b7-da1d-423d-9fc3-e3a6fabd98af/.default",
        ),
        (
            "https://graph.microsoft.com/.default https://graph.microsoft.com/User.Read",
            "scope-multiple",
            "Request only https://graph.microsoft.com/.default",
        ),
        (
            "https://graph.microsoft.com/.default,https://vault.azure.net/.default",
            "scope-multiple",
            "one token per resource",
        ),
    ],
)
def test_wrong_scopes_name_the_fix(given: str | list[str], code: str, in_hint: str) -> None:
    with pytest.raises(ValidationError) as info:
        normalise_scope(given)
    assert info.value.code == code
    assert info.value.field == "scope"
    assert in_hint in (info.value.hint or "")


def test_split_and_resource_helpers() -> None:
    assert split_scopes(" a  b,c;d ") == ["a", "b", "c", "d"]
    assert resource_from_scope("https://database.windows.net//.default") == "https://database.windows.net/"
    assert resource_from_scope("https://graph.microsoft.com/User.Read") == "https://graph.microsoft.com"
