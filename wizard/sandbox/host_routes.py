"""Answer by host name: a request for `https://contosodata.blob.core.windows.net/...` (or the vault's, ARM's,
SharePoint's, ...) that reached the sandbox is routed to the imitation of that service.

The client connects the real host name to the sandbox's loopback address (`connect_to`, as curl's
connect-to option does: TLS still names the real host, the Host header stays), so no /etc/hosts entry, proxy or
DNS change is needed, and the token's audience follows from the real host as it would in production. The
sandbox's server certificate covers these names (`CERT_NAMES`); only clients trusting the sandbox's own CA
accept it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from wizard.service_hosts import CERT_NAMES, routed_prefix

if TYPE_CHECKING:
    from wizard.sandbox.web.types import ASGIApp, Receive, Scope, Send

__all__ = ["CERT_NAMES", "HostRouter"]


class HostRouter:
    """ASGI middleware: a request whose Host is a Microsoft service's gets that imitation's path prefix."""

    def __init__(self, app: ASGIApp, prefix_for: Callable[[str], str | None] = routed_prefix) -> None:
        self.app = app
        self.prefix_for = prefix_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            host = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"host"), "")
            prefix = self.prefix_for(host) if host else None
            if prefix is not None:
                path = prefix + scope["path"]
                server = scope.get("server") or ("127.0.0.1", 443)
                own = f"{server[0]}:{server[1]}".encode("latin-1")
                # The imitations build ids and links from the Host: give them the sandbox's own address.
                headers = [(k, own if k == b"host" else v) for k, v in scope["headers"]]
                headers.append((b"x-sandbox-routed-host", host.encode("latin-1")))
                scope = {**scope, "path": path, "raw_path": path.encode("utf-8"), "headers": headers}
        await self.app(scope, receive, send)
