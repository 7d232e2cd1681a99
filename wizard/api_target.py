"""The API a daemon calls, from the URL it calls and the resource it asks a token for (Graph or its own)."""

from __future__ import annotations

from urllib.parse import urlsplit

from wizard.clouds import CLOUDS, Cloud, cloud_for_graph_host
from wizard.profile import DEFAULT_GRAPH_PATH, ApiKind, ApiTarget

__all__ = ["api_target", "split_origin"]


def split_origin(url: str) -> tuple[str, str | None]:
    """`https://host:port/` and the path after it (None when empty)."""
    parts = urlsplit(url.strip())
    rest = parts.path.lstrip("/")
    if parts.query:
        rest += "?" + parts.query
    return f"{parts.scheme}://{parts.netloc}/", rest or None


def api_target(*, endpoint: str | None, resource: str | None) -> tuple[ApiTarget, Cloud | None]:
    """Rebuild the API target from a called URL and a resource; also the cloud a Graph host implies.

    Without a resource, a Microsoft resource's host gives it (Key Vault, ARM, Storage, SQL, SharePoint, ...)."""
    if not resource and endpoint:
        from wizard.tokens.audiences import audience_for_url

        resource = audience_for_url(endpoint)
    graph_cloud = _graph_cloud(resource) if resource else None
    if resource and graph_cloud is None:
        base, relative = split_origin(endpoint) if endpoint else (None, None)
        return ApiTarget(kind=ApiKind.OWN, resource=resource, base_url=base, relative_path=relative), None
    if endpoint is None:
        return ApiTarget(), graph_cloud
    host = (urlsplit(endpoint).hostname or "").lower()
    cloud = cloud_for_graph_host(host) or graph_cloud
    if cloud is None:  # Graph resource but another URL (a sandbox, a proxy)
        base, relative = split_origin(endpoint)
        return ApiTarget(kind=ApiKind.GRAPH, base_url=base, relative_path=relative), graph_cloud
    v1 = f"{CLOUDS[cloud].graph_resource}/v1.0"
    if endpoint.rstrip("/") == f"{v1}/{DEFAULT_GRAPH_PATH}":
        return ApiTarget(), cloud
    if endpoint.startswith(v1 + "/"):
        return ApiTarget(relative_path=endpoint[len(v1) + 1 :] or None), cloud
    base, relative = split_origin(endpoint)
    return ApiTarget(kind=ApiKind.GRAPH, base_url=base, relative_path=relative), cloud


def _graph_cloud(resource: str) -> Cloud | None:
    for cloud, hosts in CLOUDS.items():
        if resource.rstrip("/").lower() == hosts.graph_resource:
            return cloud
    return None
