"""Shared by the delegated sign-in tests: a private sandbox with fast device code polling, and its people."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from wizard.sandbox import Sandbox


def private_sandbox(tmp_path_factory: pytest.TempPathFactory, name: str) -> Iterator[Sandbox]:
    """A sandbox of one's own (consent given in a test must not reach others); device code polls each second."""
    box = Sandbox(data_dir=tmp_path_factory.mktemp(name))
    box.start()
    box.state.delegated.settings.device_code_interval = 1
    yield box
    box.stop()


def contoso(sb: Sandbox) -> dict[str, Any]:
    found: dict[str, Any] = next(t for t in sb.describe()["tenants"] if t["name"] == "contoso")
    return found


def person(sb: Sandbox, role: str | None) -> dict[str, Any]:
    """The ready line's user holding this directory role (None: a user without any)."""
    found: dict[str, Any] = next(
        u for u in contoso(sb)["users"] if (role in u["roles"]) or (role is None and not u["roles"])
    )
    return found


def public_client(sb: Sandbox, name: str = "wizard-admin") -> str:
    return str(next(c["client_id"] for c in contoso(sb)["public_clients"] if c["name"] == name))
