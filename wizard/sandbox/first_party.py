"""Microsoft's first-party resources every tenant knows (ARM, Key Vault, Storage, SQL, Service Bus, ...).

Entra issues app-only tokens for them without app roles: these services authorise by Azure RBAC (or their
own grants), not by the token's `roles`. Their tokens are v1 (`iss` https://sts.windows.net/<tid>/) and carry
the audience in the form it was asked for: `https://management.core.windows.net/` keeps its slash,
`https://vault.azure.net` has none, and SQL's `https://database.windows.net//.default` gives the slash form.
Power BI, Dataverse (one audience per environment, `https://<org>.crm.dynamics.com`) and Exchange Online are
there too: Power BI and Dataverse authorise by their own grants, not by Entra app roles.
"""

from __future__ import annotations

import re

from wizard.sandbox.scenario import ApiSpec


def _api(name: str, app_id: str, display: str, *uris: str) -> ApiSpec:
    return ApiSpec(
        name=name,
        app_id=app_id,
        app_id_uri=uris[0],
        display_name=display,
        access_token_version=1,
        object_id=app_id,
        sp_object_id=app_id,
    )


ARM = _api(
    "azure-resource-manager",
    "797f4846-ba00-4fd7-ba43-dac1f8f63013",
    "Windows Azure Service Management API",
    "https://management.core.windows.net/",
)
KEY_VAULT = _api(
    "azure-key-vault", "cfa8b339-82a2-471a-a3c9-0fc0be7a4093", "Azure Key Vault", "https://vault.azure.net"
)
STORAGE = _api(
    "azure-storage", "e406a681-f3d4-42a8-90b6-c2b029497af1", "Azure Storage", "https://storage.azure.com"
)
SQL = _api(
    "azure-sql-database",
    "022907d3-0f1b-48f7-badc-1ba6abab6d66",
    "Azure SQL Database",
    "https://database.windows.net/",
)
SERVICE_BUS = _api(
    "azure-service-bus",
    "80a10ef9-8168-493d-abf9-3297c4ef6e3c",
    "Microsoft.ServiceBus",
    "https://servicebus.azure.net",
)
EVENT_HUBS = _api(
    "azure-event-hubs",
    "80369ed6-5f11-4dd9-bef3-692475845e77",
    "Microsoft.EventHubs",
    "https://eventhubs.azure.net",
)
COSMOS = _api(
    "azure-cosmos-db", "a232010e-820c-4083-83bb-3ace5fc29d0b", "Azure Cosmos DB", "https://cosmos.azure.com"
)

POWER_BI = _api(
    "power-bi",
    "00000009-0000-0000-c000-000000000000",
    "Power BI Service",
    "https://analysis.windows.net/powerbi/api",
)
#: Dataverse answers to each environment's own URL (`https://<org>.crm.dynamics.com`), like SharePoint.
DYNAMICS = _api("dataverse", "00000007-0000-0000-c000-000000000000", "Dataverse", "https://crm.dynamics.com")
EXCHANGE = _api(
    "exchange-online",
    "00000002-0000-0ff1-ce00-000000000000",
    "Office 365 Exchange Online",
    "https://outlook.office365.com",
)

FIRST_PARTY_APIS: tuple[ApiSpec, ...] = (
    ARM,
    KEY_VAULT,
    STORAGE,
    SQL,
    SERVICE_BUS,
    EVENT_HUBS,
    COSMOS,
    POWER_BI,
    DYNAMICS,
    EXCHANGE,
)
#: Compiled on first use (the re module caches it): most starts never ask about Dataverse.
_DATAVERSE_ORG = r"https://[a-z0-9-]+\.crm\d*\.dynamics\.com"

#: Every identifier (servicePrincipalNames) each resource answers to, trailing slash ignored.
_NAMES: dict[str, tuple[str, ...]] = {
    ARM.app_id: (
        "https://management.core.windows.net",
        "https://management.azure.com",
        "https://management.core.windows.net/",
    ),
    KEY_VAULT.app_id: ("https://vault.azure.net",),
    STORAGE.app_id: ("https://storage.azure.com",),
    SQL.app_id: ("https://database.windows.net",),
    SERVICE_BUS.app_id: ("https://servicebus.azure.net",),
    EVENT_HUBS.app_id: ("https://eventhubs.azure.net",),
    COSMOS.app_id: ("https://cosmos.azure.com",),
    POWER_BI.app_id: ("https://analysis.windows.net/powerbi/api",),
    DYNAMICS.app_id: (),
    EXCHANGE.app_id: ("https://outlook.office365.com", "https://outlook.office.com"),
}


def first_party_api(resource: str) -> ApiSpec | None:
    """The first-party resource a `resource` (identifier URI or appId) names, or None."""
    r = resource.strip().rstrip("/").lower()
    for api in FIRST_PARTY_APIS:
        if r == api.app_id or r in (n.rstrip("/") for n in _NAMES[api.app_id]):
            return api
    return DYNAMICS if re.fullmatch(_DATAVERSE_ORG, r, re.I) else None


def is_first_party(api: ApiSpec) -> bool:
    return any(api is a for a in FIRST_PARTY_APIS)


def first_party_audience(api: ApiSpec, resource: str) -> str:
    """`aud` as Entra writes it for these resources: the identifier as requested (the appId when asked by
    appId), so `https://management.azure.com` and `https://database.windows.net/` come back as asked."""
    return api.app_id if resource.strip().lower() == api.app_id else resource.strip()


def audiences_of(api: ApiSpec) -> set[str]:
    """What the resource accepts in `aud` (compared without a trailing slash, as the services do)."""
    return {api.app_id, *(n.rstrip("/") for n in _NAMES[api.app_id])}
