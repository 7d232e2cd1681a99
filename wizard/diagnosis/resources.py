"""Which resource a call went to (Key Vault, ARM, Storage, SharePoint, ...), judged by host and `aud`.

The rules beyond the token need to know the service before they read its error: the same 403 means an
Azure role assignment on Key Vault, an application access policy on Exchange, a database user on SQL.
"""

from __future__ import annotations

import re
from enum import Enum
from urllib.parse import urlsplit

from wizard.diagnosis.signals import Signals


class Service(str, Enum):
    """Services whose own authorization sits beside Entra's app roles."""

    ARM = "Azure Resource Manager"
    KEY_VAULT = "Azure Key Vault"
    STORAGE = "Azure Storage"
    SERVICE_BUS = "Azure Service Bus"
    EVENT_HUBS = "Azure Event Hubs"
    SQL = "Azure SQL Database"
    SHAREPOINT = "SharePoint Online"
    EXCHANGE = "Exchange Online"
    GRAPH = "Microsoft Graph"
    POWER_BI = "Power BI"
    DATAVERSE = "Dataverse (Dynamics 365)"


#: (host suffix or audience prefix, service); the first match wins, so specific forms come first.
_HOSTS: tuple[tuple[str, Service], ...] = (
    ("management.azure.com", Service.ARM),
    ("management.core.windows.net", Service.ARM),
    ("management.usgovcloudapi.net", Service.ARM),
    ("management.core.usgovcloudapi.net", Service.ARM),
    ("management.chinacloudapi.cn", Service.ARM),
    ("management.core.chinacloudapi.cn", Service.ARM),
    ("vault.azure.net", Service.KEY_VAULT),
    ("vault.usgovcloudapi.net", Service.KEY_VAULT),
    ("vault.azure.cn", Service.KEY_VAULT),
    ("managedhsm.azure.net", Service.KEY_VAULT),
    ("storage.azure.com", Service.STORAGE),
    ("core.windows.net", Service.STORAGE),  # <account>.blob|queue|table|dfs|file.core.windows.net
    ("core.usgovcloudapi.net", Service.STORAGE),
    ("core.chinacloudapi.cn", Service.STORAGE),
    ("eventhubs.azure.net", Service.EVENT_HUBS),
    ("servicebus.azure.net", Service.SERVICE_BUS),
    ("servicebus.windows.net", Service.SERVICE_BUS),  # Event Hubs namespaces share this host
    ("database.windows.net", Service.SQL),
    ("database.usgovcloudapi.net", Service.SQL),
    ("database.chinacloudapi.cn", Service.SQL),
    ("sharepoint.com", Service.SHAREPOINT),
    ("sharepoint.us", Service.SHAREPOINT),
    ("sharepoint.cn", Service.SHAREPOINT),
    ("outlook.office365.com", Service.EXCHANGE),
    ("outlook.office.com", Service.EXCHANGE),
    ("graph.microsoft.com", Service.GRAPH),
    ("graph.microsoft.us", Service.GRAPH),
    ("microsoftgraph.chinacloudapi.cn", Service.GRAPH),
    ("api.powerbi.com", Service.POWER_BI),
    ("analysis.windows.net", Service.POWER_BI),
    ("crm.dynamics.com", Service.DATAVERSE),
    ("dynamics.com", Service.DATAVERSE),
)

_APP_IDS = {
    "797f4846-ba00-4fd7-ba43-dac1f8f63013": Service.ARM,
    "cfa8b339-82a2-471a-a3c9-0fc0be7a4093": Service.KEY_VAULT,
    "e406a681-f3d4-42a8-90b6-c2b029497af1": Service.STORAGE,
    "80a10ef9-8168-493d-abf9-3297c4ef6e3c": Service.SERVICE_BUS,
    "022907d3-0f1b-48f7-badc-1ba6abab6d66": Service.SQL,
    "00000003-0000-0ff1-ce00-000000000000": Service.SHAREPOINT,
    "00000002-0000-0ff1-ce00-000000000000": Service.EXCHANGE,
    "00000003-0000-0000-c000-000000000000": Service.GRAPH,
    "00000009-0000-0000-c000-000000000000": Service.POWER_BI,
    "00000007-0000-0000-c000-000000000000": Service.DATAVERSE,
}


def _host_of(value: str) -> str:
    text = value.strip().lower()
    if "://" not in text:
        text = "https://" + text.lstrip("/")
    try:
        host = urlsplit(text).hostname or ""
    except ValueError:
        return ""
    return host


def service_of(value: str | None) -> Service | None:
    """The service a URL, a host or an audience (App ID URI or appId) belongs to."""
    if not value:
        return None
    if value.lower() in _APP_IDS:
        return _APP_IDS[value.lower()]
    host = _host_of(value)
    for suffix, service in _HOSTS:
        if host == suffix or host.endswith("." + suffix):
            return service
    return None


def called_service(s: Signals) -> Service | None:
    """The service called: by the request's host first (what was refused), else by the token's `aud`."""
    by_url = service_of(s.api.url) or service_of(s.evidence.config.api_url)
    return by_url or service_of(s.claim_str("aud")) or service_of(s.evidence.config.resource)


def api_mentions(s: Signals) -> Service | None:
    """A service named by the error text itself (a pasted SDK message carries no URL)."""
    text = s.api_text + " " + s.error_text
    for needle, service in (
        ("microsoft.keyvault", Service.KEY_VAULT),
        ("key vault", Service.KEY_VAULT),
        ("vault.azure.net", Service.KEY_VAULT),
        ("servicebus.windows.net", Service.SERVICE_BUS),
        ("sb://", Service.SERVICE_BUS),
        ("authorizationpermissionmismatch", Service.STORAGE),
        (".blob.core.windows.net", Service.STORAGE),
        ("token-identified principal", Service.SQL),
        ("sharepoint.com", Service.SHAREPOINT),
        ("authorizationfailed", Service.ARM),
    ):
        if needle in text:
            return service
    return None


def storage_kind(url: str | None) -> str:
    """blob, queue, table, file or dfs, from a Storage account URL (blob when unknown)."""
    host = _host_of(url or "")
    match = re.match(r"[a-z0-9]+\.(blob|queue|table|file|dfs)\.", host)
    return match.group(1) if match else "blob"


def storage_account(url: str | None) -> str | None:
    host = _host_of(url or "")
    match = re.match(r"([a-z0-9]+)\.(?:blob|queue|table|file|dfs)\.", host)
    return match.group(1) if match else None
