"""Well-known Microsoft APIs by their audience (App ID URI or appId), so `aud` reads as a name."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass(frozen=True)
class KnownApi:
    """One Microsoft API and the identifiers its tokens carry in `aud`."""

    name: str
    app_id: str | None
    uris: tuple[str, ...]
    #: True when the API's v1 identifier ends with "/" and `aud` must keep it.
    trailing_slash: bool = False
    #: Azure RBAC role names (read, write) when the API authorises by role assignment, not by token roles.
    rbac: tuple[str, str] | None = None


KNOWN_APIS: tuple[KnownApi, ...] = (
    KnownApi(
        "Microsoft Graph",
        "00000003-0000-0000-c000-000000000000",
        (
            "https://graph.microsoft.com",
            "https://graph.microsoft.us",
            "https://dod-graph.microsoft.us",
            "https://microsoftgraph.chinacloudapi.cn",
            "https://canary.graph.microsoft.com",
        ),
    ),
    KnownApi(
        "Azure AD Graph (retired)", "00000002-0000-0000-c000-000000000000", ("https://graph.windows.net",)
    ),
    KnownApi(
        "Azure Resource Manager",
        "797f4846-ba00-4fd7-ba43-dac1f8f63013",
        (
            "https://management.azure.com",
            "https://management.core.windows.net",
            "https://management.usgovcloudapi.net",
            "https://management.core.usgovcloudapi.net",
            "https://management.chinacloudapi.cn",
            "https://management.core.chinacloudapi.cn",
        ),
        trailing_slash=True,
        rbac=("Reader", "Contributor"),
    ),
    KnownApi(
        "Azure Key Vault",
        "cfa8b339-82a2-471a-a3c9-0fc0be7a4093",
        ("https://vault.azure.net", "https://vault.usgovcloudapi.net", "https://vault.azure.cn"),
        rbac=("Key Vault Secrets User", "Key Vault Secrets Officer"),
    ),
    KnownApi(
        "Azure SQL Database",
        "022907d3-0f1b-48f7-badc-1ba6abab6d66",
        (
            "https://database.windows.net",
            "https://database.usgovcloudapi.net",
            "https://database.chinacloudapi.cn",
        ),
        trailing_slash=True,
    ),
    KnownApi(
        "Azure Storage",
        "e406a681-f3d4-42a8-90b6-c2b029497af1",
        ("https://storage.azure.com",),
        rbac=("Storage Blob Data Reader", "Storage Blob Data Contributor"),
    ),
    KnownApi(
        "Azure Service Bus",
        "80a10ef9-8168-493d-abf9-3297c4ef6e3c",
        ("https://servicebus.azure.net",),
        rbac=("Azure Service Bus Data Receiver", "Azure Service Bus Data Sender"),
    ),
    KnownApi(
        "Azure Event Hubs",
        "80369ed6-5f11-4dd9-bef3-692475845e77",
        ("https://eventhubs.azure.net",),
        rbac=("Azure Event Hubs Data Receiver", "Azure Event Hubs Data Sender"),
    ),
    KnownApi(
        "Azure Cosmos DB",
        "a232010e-820c-4083-83bb-3ace5fc29d0b",
        ("https://cosmos.azure.com",),
        rbac=("Cosmos DB Built-in Data Reader", "Cosmos DB Built-in Data Contributor"),
    ),
    KnownApi("Azure DevOps", "499b84ac-1321-427f-aa17-267ca6975798", ("https://app.vssps.visualstudio.com",)),
    KnownApi(
        "Office 365 Exchange Online",
        "00000002-0000-0ff1-ce00-000000000000",
        ("https://outlook.office365.com",),
    ),
    KnownApi(
        "SharePoint Online", "00000003-0000-0ff1-ce00-000000000000", ("https://microsoft.sharepoint-df.com",)
    ),
    KnownApi(
        "Azure Data Explorer (Kusto)",
        "2746ea77-4702-4b45-80ca-3c97e680e8b7",
        ("https://kusto.kusto.windows.net",),
        rbac=("Database Viewer", "Database User"),
    ),
    KnownApi(
        "Azure Monitor / Log Analytics",
        "ca7f3f0b-7d91-482c-8e09-c5d840d0eac5",
        ("https://api.loganalytics.io",),
        rbac=("Log Analytics Reader", "Log Analytics Contributor"),
    ),
    KnownApi(
        "Power BI", "00000009-0000-0000-c000-000000000000", ("https://analysis.windows.net/powerbi/api",)
    ),
    KnownApi(
        "Azure Cognitive Services / OpenAI",
        None,
        ("https://cognitiveservices.azure.com",),
        rbac=("Cognitive Services User", "Cognitive Services Contributor"),
    ),
    KnownApi("Microsoft Dynamics CRM", "00000007-0000-0000-c000-000000000000", ()),
)

_BY_KEY: dict[str, KnownApi] = {}
for _api in KNOWN_APIS:
    if _api.app_id:
        _BY_KEY[_api.app_id] = _api
    for _uri in _api.uris:
        _BY_KEY[_uri] = _api


def _key(aud: str) -> str:
    value = aud.strip().lower()
    if value.endswith("/.default"):
        value = value[: -len("/.default")]
    return value.rstrip("/")


def known_api(aud: str) -> KnownApi | None:
    """The Microsoft API this audience names, if it is a well-known one."""
    if not isinstance(aud, str) or not aud:
        return None
    key = _key(aud)
    found = _BY_KEY.get(key)
    if found:
        return found
    if "://" in key:
        try:
            host = urlsplit(key).netloc
        except ValueError:
            return None
        if host.endswith(".sharepoint.com"):
            return _BY_KEY["https://microsoft.sharepoint-df.com"]
        if host.endswith(".kusto.windows.net"):
            return _BY_KEY["https://kusto.kusto.windows.net"]
        if host.endswith(".dynamics.com"):
            return next(a for a in KNOWN_APIS if a.name == "Microsoft Dynamics CRM")
    return None


#: Data-plane host suffixes -> the API whose token they accept.
_HOST_SUFFIXES: tuple[tuple[str, str], ...] = (
    (".vault.azure.net", "Azure Key Vault"),
    (".vault.usgovcloudapi.net", "Azure Key Vault"),
    (".vault.azure.cn", "Azure Key Vault"),
    (".database.windows.net", "Azure SQL Database"),
    (".blob.core.windows.net", "Azure Storage"),
    (".queue.core.windows.net", "Azure Storage"),
    (".table.core.windows.net", "Azure Storage"),
    (".file.core.windows.net", "Azure Storage"),
    (".dfs.core.windows.net", "Azure Storage"),
    (".servicebus.windows.net", "Azure Service Bus"),
    (".documents.azure.com", "Azure Cosmos DB"),
    (".sharepoint.com", "SharePoint Online"),
    (".kusto.windows.net", "Azure Data Explorer (Kusto)"),
    (".openai.azure.com", "Azure Cognitive Services / OpenAI"),
    (".cognitiveservices.azure.com", "Azure Cognitive Services / OpenAI"),
)
_HOSTS = {"dev.azure.com": "Azure DevOps", "outlook.office365.com": "Office 365 Exchange Online"}
#: APIs that accept each other's tokens (Event Hubs and Service Bus share the messaging audience).
_SAME = ({"Azure Service Bus", "Azure Event Hubs"},)


def api_for_url(url: str) -> KnownApi | None:
    """The well-known API that serves this request URL (by host), if any."""
    try:
        host = urlsplit(url.strip()).netloc.lower().split(":")[0] if "://" in url else ""
    except ValueError:
        return None
    if not host:
        return None
    by_name = {a.name: a for a in KNOWN_APIS}
    for api in KNOWN_APIS:
        if any(urlsplit(u).netloc == host for u in api.uris):
            return api
    if host in _HOSTS:
        return by_name[_HOSTS[host]]
    for suffix, name in _HOST_SUFFIXES:
        if host.endswith(suffix):
            return by_name[name]
    return None


def same_api(a: KnownApi | None, b: KnownApi | None) -> bool:
    """True when a token for `a` is accepted by `b`."""
    if a is None or b is None:
        return a is b
    return a == b or any(a.name in group and b.name in group for group in _SAME)


def known_hosts() -> list[str]:
    """Hosts of every known resource URI (to spot typos)."""
    return sorted({urlsplit(u).netloc for a in KNOWN_APIS for u in a.uris})


def api_name(aud: str) -> str | None:
    api = known_api(aud)
    return api.name if api else None


#: The audience a daemon asks for when it calls a data-plane host (the resource's identifier as the
#: service's docs give it: SQL keeps its trailing slash, `https://database.windows.net//.default`).
_AUDIENCE_BY_SUFFIX: tuple[tuple[str, str], ...] = (
    (".vault.azure.net", "https://vault.azure.net"),
    (".vault.usgovcloudapi.net", "https://vault.usgovcloudapi.net"),
    (".vault.azure.cn", "https://vault.azure.cn"),
    (".database.windows.net", "https://database.windows.net/"),
    (".database.usgovcloudapi.net", "https://database.usgovcloudapi.net/"),
    (".database.chinacloudapi.cn", "https://database.chinacloudapi.cn/"),
    (".blob.core.windows.net", "https://storage.azure.com"),
    (".queue.core.windows.net", "https://storage.azure.com"),
    (".table.core.windows.net", "https://storage.azure.com"),
    (".file.core.windows.net", "https://storage.azure.com"),
    (".dfs.core.windows.net", "https://storage.azure.com"),
    (".servicebus.windows.net", "https://servicebus.azure.net"),
    (".documents.azure.com", "https://cosmos.azure.com"),
    (".openai.azure.com", "https://cognitiveservices.azure.com"),
    (".cognitiveservices.azure.com", "https://cognitiveservices.azure.com"),
)
_AUDIENCE_BY_HOST = {
    "management.azure.com": "https://management.azure.com",
    "management.usgovcloudapi.net": "https://management.usgovcloudapi.net",
    "management.chinacloudapi.cn": "https://management.chinacloudapi.cn",
    "outlook.office365.com": "https://outlook.office365.com",
    "api.powerbi.com": "https://analysis.windows.net/powerbi/api",
}


def audience_for_url(url: str) -> str | None:
    """The resource to ask a token for when calling `url` (`https://x.vault.azure.net/...` ->
    `https://vault.azure.net`, a SharePoint site -> its `https://<tenant>.sharepoint.com`), or None when
    the host is not a Microsoft resource's."""
    try:
        host = (urlsplit(url.strip()).hostname or "").lower() if "://" in url else ""
    except ValueError:
        return None
    if not host:
        return None
    if host in _AUDIENCE_BY_HOST:
        return _AUDIENCE_BY_HOST[host]
    if host.endswith(".sharepoint.com"):
        return f"https://{host.split('.')[0].removesuffix('-admin').removesuffix('-my')}.sharepoint.com"
    for suffix, audience in _AUDIENCE_BY_SUFFIX:
        if host.endswith(suffix):
            return audience
    return None
