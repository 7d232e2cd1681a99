"""Which cloud the admin sign-in talks to: the Graph resource its scopes name, the login host, the Graph URL.

`--cloud` names it; else a known Graph host in `--graph-url` (graph.microsoft.us, dod-graph.microsoft.us,
microsoftgraph.chinacloudapi.cn) does; else the login host of `--authority`; else the global cloud. A Graph URL
on any other host (a sandbox, a proxy) is used as given, with the resource of the chosen cloud, and an explicit
`--authority` is always kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from wizard.clouds import CLOUDS, Cloud, cloud_for_graph_host, cloud_for_login_host
from wizard.errors import UsageError

#: Graph hosts of a cloud other than its main one: US Government DoD shares login.microsoftonline.us.
EXTRA_GRAPH_HOSTS: dict[str, Cloud] = {"dod-graph.microsoft.us": Cloud.USGOV}


@dataclass(frozen=True)
class AdminCloud:
    """The hosts one admin sign-in uses: `resource` prefixes every scope and is the token's `aud`."""

    cloud: Cloud
    resource: str  # https://graph.microsoft.us
    login_host: str  # https://login.microsoftonline.us
    graph_url: str  # where Graph requests go (the resource itself, or a sandbox's URL)


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def graph_cloud(host: str) -> Cloud | None:
    """The cloud a Graph host belongs to, if it is one of Microsoft's."""
    return EXTRA_GRAPH_HOSTS.get(host.lower()) or cloud_for_graph_host(host)


def graph_resource_of(host: str, cloud: Cloud) -> str:
    """The token audience for Graph at `host`: the host itself when it is a Graph host, else the cloud's."""
    if graph_cloud(host) is not None:
        return f"https://{host.lower()}"
    return CLOUDS[cloud].graph_resource


def admin_cloud(*, cloud: str | None, graph_url: str | None, authority: str | None = None) -> AdminCloud:
    """The cloud of a sign-in from its flags; a --cloud that contradicts the Graph host is refused."""
    graph_host = _host(graph_url) if graph_url else ""
    from_graph = graph_cloud(graph_host) if graph_host else None
    chosen: Cloud | None = None
    if cloud:
        try:
            chosen = Cloud(cloud.strip().lower())
        except ValueError:
            raise UsageError(
                f"--cloud {cloud!r} is not a cloud", hint="Use one of: " + ", ".join(c.value for c in Cloud)
            ) from None
        if from_graph is not None and from_graph is not chosen:
            raise UsageError(
                f"--graph-url {graph_url} is the Graph of the {from_graph.value} cloud, not of --cloud "
                f"{chosen.value}",
                hint=f"Drop --graph-url, or pass --cloud {from_graph.value}.",
            )
    if chosen is None:
        chosen = from_graph
    if chosen is None and authority:
        chosen = cloud_for_login_host(_host(authority))
    chosen = chosen or Cloud.GLOBAL
    hosts = CLOUDS[chosen]
    resource = graph_resource_of(graph_host, chosen) if graph_host else hosts.graph_resource
    return AdminCloud(
        cloud=chosen,
        resource=resource,
        login_host=f"https://{hosts.login_host}",
        graph_url=(graph_url or hosts.graph_resource).rstrip("/"),
    )


@dataclass(frozen=True)
class SignInPlace:
    """A place to sign in at, as the TUI offers them: a cloud, or a sandbox (its own hosts and CA)."""

    name: str  # global | usgov | china | sandbox
    label: str
    login_host: str  # https://login.microsoftonline.us
    graph_url: str
    ca_file: str | None = None

    @property
    def resource(self) -> str:
        """The Graph resource the scopes name (the sandbox's is the global one, as its tokens say)."""
        known = self.name if self.name in {c.value for c in Cloud} else None
        return admin_cloud(cloud=known, graph_url=self.graph_url, authority=self.login_host).resource


CLOUD_LABELS: dict[Cloud, str] = {
    Cloud.GLOBAL: "Microsoft Entra ID (global)",
    Cloud.USGOV: "US Government",
    Cloud.CHINA: "China (21Vianet)",
}


def national_places() -> tuple[SignInPlace, ...]:
    """The national clouds, global first."""
    return tuple(
        SignInPlace(c.value, CLOUD_LABELS[c], f"https://{h.login_host}", h.graph_resource)
        for c, h in CLOUDS.items()
    )
