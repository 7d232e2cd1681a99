"""The command-line profile flags that point a live command at one sandbox app (shared by canary tests)."""

from __future__ import annotations

from wizard.sandbox import Sandbox


def profile_flags(sb: Sandbox, app_name: str = "graph-daemon", *, timeout: float | None = 10) -> list[str]:
    """Explicit flags (not --sandbox) for `token`/`probe`/`doctor` against an app of a running sandbox."""
    app = sb.app(app_name)
    return [
        "--authority",
        sb.authority(app.tenant_id),
        "--client-id",
        app.client_id,
        "--object-id",
        app.object_id,
        "--scope",
        "https://graph.microsoft.com/.default",
        "--api-url",
        sb.graph_base_url,
        "--ca-file",
        sb.ca_file,
        "--no-prompt",
    ] + (["--timeout", f"{timeout:g}"] if timeout is not None else [])
