"""Which resource a call went to (Key Vault, ARM, Storage, SharePoint, ...), judged by host and `aud`.

The rules beyond the token need to know the service before they read its error: the same 403 means an
Azure role assignment on Key Vault, an application access policy on Exchange, a database user on SQL.
"""

from __future__ import annotations

import re
from enum import Enum
from urllib.parse import urlsplit

from wizard.diagnosis.signals import Signals
from wizard.tokens.audiences import api_for_url, known_api


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


#: The names of wizard.tokens.audiences' table (one table of Microsoft APIs for the whole core).
_BY_NAME = {
    "Azure Resource Manager": Service.ARM,
    "Azure Key Vault": Service.KEY_VAULT,
    "Azure Storage": Service.STORAGE,
    "Azure Service Bus": Service.SERVICE_BUS,
    "Azure Event Hubs": Service.EVENT_HUBS,
    "Azure SQL Database": Service.SQL,
    "SharePoint Online": Service.SHAREPOINT,
    "Office 365 Exchange Online": Service.EXCHANGE,
    "Microsoft Graph": Service.GRAPH,
    "Power BI": Service.POWER_BI,
    "Microsoft Dynamics CRM": Service.DATAVERSE,
}


def _host_of(value: str) -> str:
    text = value.strip().lower()
    if "://" not in text:
        text = "https://" + text.lstrip("/")
    try:
        return urlsplit(text).hostname or ""
    except ValueError:
        return ""


def service_of(value: str | None) -> Service | None:
    """The service a request URL or an audience (App ID URI or appId) belongs to."""
    if not value:
        return None
    api = known_api(value) or api_for_url(value)
    if api is None and _host_of(value) == "api.powerbi.com":
        return Service.POWER_BI
    return _BY_NAME.get(api.name) if api is not None else None


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
