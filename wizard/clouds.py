"""National clouds and External ID: the hosts that belong together."""

from __future__ import annotations

from enum import Enum
from typing import NamedTuple


class TenantType(str, Enum):
    """Workforce Entra ID, or External ID (CIAM, authority on ciamlogin.com)."""

    WORKFORCE = "workforce"
    EXTERNAL = "external"


class Cloud(str, Enum):
    """The national clouds a workforce tenant can live in."""

    GLOBAL = "global"
    USGOV = "usgov"
    CHINA = "china"


class CloudHosts(NamedTuple):
    """The login and Graph hosts of one cloud."""

    login_host: str
    graph_host: str
    portal: str

    @property
    def login_url(self) -> str:
        return f"https://{self.login_host}/"

    @property
    def graph_resource(self) -> str:
        return f"https://{self.graph_host}"


CLOUDS: dict[Cloud, CloudHosts] = {
    Cloud.GLOBAL: CloudHosts(
        "login.microsoftonline.com", "graph.microsoft.com", "https://entra.microsoft.com"
    ),
    Cloud.USGOV: CloudHosts("login.microsoftonline.us", "graph.microsoft.us", "https://portal.azure.us"),
    Cloud.CHINA: CloudHosts(
        "login.chinacloudapi.cn", "microsoftgraph.chinacloudapi.cn", "https://portal.azure.cn"
    ),
}

#: Hosts msal and azure-identity know as Entra instances (plus the retired German cloud).
KNOWN_LOGIN_HOSTS = frozenset(
    {c.login_host for c in CLOUDS.values()} | {"login.windows.net", "login.microsoft.com", "sts.windows.net"}
)
CIAM_SUFFIX = ".ciamlogin.com"
GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000"


def cloud_for_login_host(host: str) -> Cloud | None:
    """The cloud whose login host this is, if any."""
    host = host.lower()
    for cloud, hosts in CLOUDS.items():
        if hosts.login_host == host:
            return cloud
    if host in {"login.windows.net", "login.microsoft.com"}:
        return Cloud.GLOBAL
    return None


def cloud_for_graph_host(host: str) -> Cloud | None:
    """The cloud whose Graph host this is, if any."""
    host = host.lower()
    for cloud, hosts in CLOUDS.items():
        if hosts.graph_host == host:
            return cloud
    return None


def ciam_authority(subdomain: str) -> str:
    """`https://<subdomain>.ciamlogin.com/`, the authority External ID samples use."""
    return f"https://{subdomain}{CIAM_SUFFIX}/"
