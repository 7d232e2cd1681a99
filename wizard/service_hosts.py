"""Microsoft service host names the sandbox answers for, with the sandbox path each is served under.

Pure data, shared by the sandbox (which routes by the Host header) and the HTTP client (which, in sandbox
mode, connects these names to the sandbox's loopback address, as curl's connect-to option does).
"""

from __future__ import annotations

import re

#: (the literal end of the host names, their pattern, the sandbox path prefix their requests go under; `{0}`
#: is the host's first label). A pattern is compiled (and cached by the re module) the first time a host
#: with its ending is asked about: the sandbox's own address never compiles one.
HOST_ROUTES: tuple[tuple[str, str, str], ...] = (
    (".vault.azure.net", r"([a-z0-9-]+)\.vault\.azure\.net", "/azure/keyvault/{0}"),
    ("management.azure.com", r"management\.azure\.com", "/azure/management"),
    (".blob.core.windows.net", r"([a-z0-9]+)\.blob\.core\.windows\.net", "/azure/storage/{0}"),
    (".servicebus.windows.net", r"([a-z0-9-]+)\.servicebus\.windows\.net", "/azure/servicebus/{0}"),
    (".sharepoint.com", r"([a-z0-9-]+)\.sharepoint\.com", "/sharepoint"),
    ("api.powerbi.com", r"api\.powerbi\.com", "/powerbi"),
    (".dynamics.com", r"([a-z0-9-]+)\.crm\d*\.dynamics\.com", "/dataverse/{0}"),
    ("graph.microsoft.com", r"graph\.microsoft\.com", ""),
    # The national clouds' Graph: the same imitation, which then wants tokens for that host's audience.
    ("graph.microsoft.us", r"(?:dod-)?graph\.microsoft\.us", ""),
    ("microsoftgraph.chinacloudapi.cn", r"microsoftgraph\.chinacloudapi\.cn", ""),
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
    for ending, pattern, prefix in HOST_ROUTES:
        found = re.fullmatch(pattern, name) if name.endswith(ending) else None
        if found:
            return prefix.format(*found.groups())
    return None


def is_routed(host: str) -> bool:
    """Whether a client in sandbox mode connects `host` to the sandbox."""
    return routed_prefix(host) is not None
