"""`--api-url` at a Microsoft resource: the token's resource follows from the host, as the daemon asks it."""

from __future__ import annotations

import argparse

import pytest

from wizard.cli.profile_args import add_profile_arguments, apply_flags
from wizard.profile import ApiKind, Profile
from wizard.tokens.audiences import audience_for_url


@pytest.mark.parametrize(
    ("url", "audience"),
    [
        ("https://contoso-kv.vault.azure.net/secrets/db?api-version=7.4", "https://vault.azure.net"),
        (
            "https://management.azure.com/subscriptions/s/resourcegroups?api-version=2021-04-01",
            "https://management.azure.com",
        ),
        ("https://contosodata.blob.core.windows.net/reports/q1.csv", "https://storage.azure.com"),
        ("https://contoso-sql.database.windows.net/", "https://database.windows.net/"),
        ("https://contoso.sharepoint.com/sites/hr/_api/web", "https://contoso.sharepoint.com"),
        ("https://contoso-admin.sharepoint.com/_api/web", "https://contoso.sharepoint.com"),
        ("https://outlook.office365.com/EWS/Exchange.asmx", "https://outlook.office365.com"),
        ("https://contoso-bus.servicebus.windows.net/orders/messages", "https://servicebus.azure.net"),
        ("https://api.contoso.example/items", None),
        ("https://127.0.0.1:8443/azure/keyvault/v/secrets/s", None),
        ("not a url", None),
    ],
)
def test_audience_for_url(url: str, audience: str | None) -> None:
    assert audience_for_url(url) == audience


def _args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_profile_arguments(parser)
    return parser.parse_args(list(argv))


@pytest.mark.parametrize(
    ("url", "scope"),
    [
        ("https://contoso-kv.vault.azure.net/secrets/db?api-version=7.4", "https://vault.azure.net/.default"),
        ("https://contoso-sql.database.windows.net/", "https://database.windows.net//.default"),
        (
            "https://management.azure.com/subscriptions/s/resourcegroups?api-version=2021-04-01",
            "https://management.azure.com/.default",
        ),
    ],
)
def test_api_url_alone_gives_the_resource_scope(url: str, scope: str) -> None:
    profile = apply_flags(Profile(tenant="contoso.onmicrosoft.com", client_id="c"), _args("--api-url", url))
    assert profile.api.kind is ApiKind.OWN
    assert profile.scope == scope
    assert profile.api_url == url


def test_an_explicit_resource_still_wins() -> None:
    url = "https://contoso-kv.vault.azure.net/secrets/db?api-version=7.4"
    profile = apply_flags(Profile(), _args("--api-url", url, "--resource", "api://my-proxy"))
    assert profile.scope == "api://my-proxy/.default"
