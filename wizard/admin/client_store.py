"""The public clients `login bootstrap` registered, remembered so later sign-ins use them (no token, no secret).

Kept in the config folder, not beside the token cache: `logout` removes tokens, while the registration stays
in the tenant and stays usable.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from wizard.errors import UsageError
from wizard.paths import config_dir

FILE_NAME = "admin_clients.json"


@dataclass(frozen=True)
class SavedClient:
    """A bootstrapped public client: where it lives and which authority signs in through it."""

    client_id: str
    tenant_id: str
    authority: str
    object_id: str = ""
    unique_name: str = ""

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SavedClient:
        return cls(
            client_id=str(data["client_id"]),
            tenant_id=str(data["tenant_id"]),
            authority=str(data["authority"]),
            object_id=str(data.get("object_id", "")),
            unique_name=str(data.get("unique_name", "")),
        )


def store_path() -> Path:
    return config_dir() / FILE_NAME


def load_all() -> list[SavedClient]:
    path = store_path()
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return [SavedClient.from_dict(d) for d in raw.get("clients", [])]
    except FileNotFoundError:
        return []
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise UsageError(
            f"The saved public clients file {path} is unreadable ({type(exc).__name__})",
            hint="Delete it and run `daemon-wizard login bootstrap` again, or pass --client-id.",
        ) from None


def save(client: SavedClient) -> Path:
    """Remember `client`, replacing an earlier one of the same tenant and authority."""
    kept = [c for c in load_all() if (c.tenant_id, c.authority) != (client.tenant_id, client.authority)]
    path = store_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"clients": [asdict(c) for c in (*kept, client)]}, indent=2) + "\n", "utf-8")
    os.replace(tmp, path)
    return path


def _tenant_of(authority: str) -> str:
    return authority.rstrip("/").rsplit("/", 1)[-1].lower()


def find(authority: str) -> SavedClient | None:
    """The saved client for this authority: the same authority, else the same tenant (by ID in the URL);
    for /organizations or /common, the one saved client when there is exactly one."""
    saved = load_all()
    for client in reversed(saved):
        if client.authority.rstrip("/") == authority.rstrip("/"):
            return client
    tenant = _tenant_of(authority)
    for client in reversed(saved):
        if client.tenant_id.lower() == tenant:
            return client
    host = authority.rstrip("/").rsplit("/", 1)[0]
    if tenant in ("organizations", "common"):
        same_host = [c for c in saved if c.authority.rstrip("/").rsplit("/", 1)[0] == host]
        if len(same_host) == 1:
            return same_host[0]
    return None
