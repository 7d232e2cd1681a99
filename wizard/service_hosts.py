"""Microsoft service host names the sandbox answers for, with the sandbox path each is served under.

Pure data, shared by the sandbox (which routes by the Host header) and the HTTP client (which, in sandbox
mode, connects these names to the sandbox's loopback address, as curl's connect-to option does).
"""

from __future__ import annotations

import re

#: (host pattern, the sandbox path prefix its requests go under; `{0}` is the host's first label).
HOST_ROUTES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"([a-z0-9-]+)\.vault\.azure\.net"), "/azure/keyvault/{0}"),
    (re.compile(r"management\.azure\.com"), "/azure/management"),
    (re.compile(r"([a-z0-9]+)\.blob\.core\.windows\.net"), "/azure/storage/{0}"),
    (re.compile(r"([a-z0-9-]+)\.servicebus\.windows\.net"), "/azure/servicebus/{0}"),
    (re.compile(r"([a-z0-9-]+)\.sharepoint\.com"), "/sharepoint"),
    (re.compile(r"api\.powerbi\.com"), "/powerbi"),
    (re.compile(r"([a-z0-9-]+)\.crm\d*\.dynamics\.com"), "/dataverse/{0}"),
    (re.compile(r"graph\.microsoft\.com"), ""),
    # The national clouds' Graph: the same imitation, which then wants tokens for that host's audience.
    (re.compile(r"(?:dod-)?graph\.microsoft\.us"), ""),
    (re.compile(r"microsoftgraph\.chinacloudapi\.cn"), ""),
)
#: What the sandbox's server certificate covers besides its own address (one wildcard level, as TLS allows).
CERT_NAMES: tuple[str, ...] = (
    "*.vault.azure.net",
    "management.azure.com",
    "*.blob.core.windows.net",
    "*.servicebus.windows.net",
    "*.sharepoint.com",
    "api.powerbi.com",
    "*.crm.dynamics.com",
    # Dataverse's regional hosts: crm2 (South America) ... crm21 (Germany), one wildcard each.
    *(f"*.crm{n}.dynamics.com" for n in range(2, 22)),
    "graph.microsoft.com",
    "graph.microsoft.us",
    "dod-graph.microsoft.us",
    "microsoftgraph.chinacloudapi.cn",
)


def routed_prefix(host: str) -> str | None:
    """The sandbox path prefix for a request sent to `host` (port ignored), or None for the sandbox's own."""
    name = host.lower().rsplit(":", 1)[0] if not host.startswith("[") else ""
    for pattern, prefix in HOST_ROUTES:
        found = pattern.fullmatch(name)
        if found:
            return prefix.format(*found.groups())
    return None


def is_routed(host: str) -> bool:
    """Whether a client in sandbox mode connects `host` to the sandbox."""
    return routed_prefix(host) is not None
