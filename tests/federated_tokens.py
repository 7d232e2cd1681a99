"""Test helpers: mint external tokens from the sandbox's own OIDC issuers over HTTPS."""

from __future__ import annotations

from typing import Any

import httpx

from wizard.sandbox import Sandbox

EXCHANGE = "api://AzureADTokenExchange"
GITHUB_SUBJECT = "repo:contoso/daemon:environment:production"
K8S_SUBJECT = "system:serviceaccount:daemons:graph-reader"


def issuer(sb: Sandbox, name: str) -> dict[str, str]:
    """The ready line's entry for issuer `name`."""
    found: dict[str, str] = next(i for i in sb.describe()["issuers"] if i["name"] == name)
    return found


def mint(sb: Sandbox, http: httpx.Client, name: str, sub: str, **body: Any) -> str:
    """A token of issuer `name` for `sub` (body: `aud`, `lifetime`, `kid`), through its mint URL."""
    r = http.post(issuer(sb, name)["mint_url"], json={"sub": sub, **body})
    assert r.status_code == 200, r.text
    token: str = r.json()["token"]
    return token
