"""Who signed in, read from the delegated token: user, tenant, directory roles (`wids`), scopes, expiry."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from wizard.secret import Secret

#: Directory role template ids (the `wids` claim) the wizard cares about, by name.
ROLE_NAMES: dict[str, str] = {
    "62e90394-69f5-4237-9190-012177145e10": "Global Administrator",
    "e8611ab8-c189-46e8-94e1-60213ab1f814": "Privileged Role Administrator",
    "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3": "Application Administrator",
    "158c047a-c907-4556-b7ef-446551a6b5f7": "Cloud Application Administrator",
    "cf1c38e5-3621-4004-a7cb-879624dced7c": "Application Developer",
}
MEMBER_USER = "b79fbf4d-3ef9-4689-8143-76b194e85509"


@dataclass(frozen=True)
class AdminIdentity:
    """The signed-in person as the token describes them (never the token itself)."""

    user: str
    object_id: str
    tenant_id: str
    client_id: str
    roles: tuple[str, ...]
    role_ids: tuple[str, ...]
    scopes: tuple[str, ...]
    expires_on: int

    @classmethod
    def from_claims(cls, claims: dict[str, Any], *, client_id: str = "") -> AdminIdentity:
        wids = [str(w) for w in claims.get("wids") or [] if isinstance(w, str)]
        exp = claims.get("exp")
        return cls(
            user=str(
                claims.get("upn") or claims.get("preferred_username") or claims.get("unique_name") or ""
            ),
            object_id=str(claims.get("oid") or ""),
            tenant_id=str(claims.get("tid") or ""),
            client_id=str(claims.get("appid") or claims.get("azp") or client_id),
            roles=tuple(ROLE_NAMES[w] for w in wids if w in ROLE_NAMES),
            role_ids=tuple(w for w in wids if w != MEMBER_USER),
            scopes=tuple(str(claims.get("scp") or "").split()),
            expires_on=int(exp) if isinstance(exp, (int, float)) else 0,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "user": self.user,
            "object_id": self.object_id,
            "tenant_id": self.tenant_id,
            "client_id": self.client_id,
            "roles": list(self.roles),
            "role_ids": list(self.role_ids),
            "scopes": list(self.scopes),
            "expires_on": self.expires_on,
            "expires_in": max(0, self.expires_on - int(time.time())),
        }


@dataclass(frozen=True)
class AdminToken:
    """A delegated Graph token (kept as a Secret) and the identity it carries."""

    access_token: Secret
    identity: AdminIdentity
    source: str  # "interactive" | "device_code" | "cache" | "azure_cli"
