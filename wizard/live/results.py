"""Our typed results of the live steps: a token, an API answer (library types never leak past here)."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from wizard.live.trace import Trace
from wizard.secret import Secret

if TYPE_CHECKING:
    from wizard.diagnosis.evidence import ApiEvidence

TokenSource = Literal["identity_provider", "cache"]


@dataclass(frozen=True)
class TokenResult:
    """An access token and how it was obtained; the token itself stays a Secret."""

    access_token: Secret
    expires_in: int | None
    source: TokenSource
    token_type: str
    scope: str
    via: str
    trace: Trace
    credential: str = "secret"
    obtained_at: float = field(default_factory=time.time)

    @property
    def expires_at(self) -> float | None:
        return self.obtained_at + self.expires_in if self.expires_in is not None else None

    def to_dict(self) -> dict[str, Any]:
        """Summary without the token (the raw token is only ever printed by `token --raw`)."""
        return {
            "via": self.via,
            "credential": self.credential,
            "source": self.source,
            "token_type": self.token_type,
            "scope": self.scope,
            "expires_in": self.expires_in,
            "expires_at": int(self.expires_at) if self.expires_at is not None else None,
            "access_token": self.access_token.masked,
        }


@dataclass(frozen=True)
class ApiResult:
    """One API answer as the diagnosis engine needs it."""

    method: str
    url: str
    status: int
    headers: dict[str, str]
    body: str
    duration_ms: float = 0.0
    summary: str = ""

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def www_authenticate(self) -> str | None:
        for key, value in self.headers.items():
            if key.lower() == "www-authenticate":
                return value
        return None

    def body_json(self) -> Any:
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    def to_evidence(self) -> ApiEvidence:
        """The `api` part of the diagnosis evidence, typed (the engine reads it as is)."""
        from wizard.diagnosis.evidence import ApiEvidence

        body = self.body_json()
        return ApiEvidence(
            method=self.method.upper(),
            url=self.url,
            status=self.status if 100 <= self.status <= 599 else None,
            status_text=None if 100 <= self.status <= 599 else str(self.status),
            body_text=self.body,
            body_json={str(k): v for k, v in body.items()} if isinstance(body, dict) else None,
            www_authenticate=self.www_authenticate or "",
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "url": self.url,
            "status": self.status,
            "ok": self.ok,
            "www_authenticate": self.www_authenticate,
            "summary": self.summary,
            "duration_ms": round(self.duration_ms, 1),
            "body": self.body_json() if self.body_json() is not None else self.body[:2000],
        }


@dataclass(frozen=True)
class Registration:
    """What the probe could read of the app's own registration (Graph's JSON shape, kept as is)."""

    data: dict[str, Any]

    KEYS = (
        "id",
        "appId",
        "displayName",
        "signInAudience",
        "requiredResourceAccess",
        "passwordCredentials",
        "keyCredentials",
        "federatedIdentityCredentials",
    )

    def to_evidence(self) -> dict[str, Any]:
        """The `app_registration` part of a diagnosis evidence document (no secret values exist here)."""
        return {k: self.data[k] for k in self.KEYS if k in self.data}

    def credential_end_dates(self) -> dict[str, list[str]]:
        return {
            kind: [str(c.get("endDateTime")) for c in self.data.get(kind) or [] if isinstance(c, dict)]
            for kind in ("passwordCredentials", "keyCredentials")
        }

    def to_dict(self) -> dict[str, Any]:
        return self.to_evidence()
