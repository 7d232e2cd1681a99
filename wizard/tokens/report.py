"""A decoded token turned into a readable report: every claim explained, plus what kind of token it is."""

from __future__ import annotations

import json
import math
import time
from dataclasses import dataclass, field
from typing import Any

from wizard.tokens.audiences import known_api
from wizard.tokens.claims import (
    CLAIM_MEANINGS,
    EXTERNAL_CLAIM_MEANINGS,
    HEADER_MEANINGS,
    TIME_CLAIMS,
    credential_type,
    describe_time,
    numeric_date,
)
from wizard.tokens.decode import DecodedToken

NOT_VERIFIED = "signature not verified"
EXTERNAL_KIND = "external token (a client_assertion for workload identity federation)"
GRAPH_NOT_VERIFIABLE = (
    "This is a Microsoft Graph token (its header has a `nonce`): Graph signs a hashed form of the nonce, "
    "so the "
    "signature cannot be checked by anyone but Graph, and it need not be: a client must treat tokens for "
    "APIs it "
    "does not own as opaque. Graph itself validates it."
)


@dataclass(frozen=True)
class ClaimLine:
    """One header field or claim: its name, value as shown, and what it means."""

    name: str
    value: str
    meaning: str

    def to_dict(self) -> dict[str, str]:
        return {"name": self.name, "value": self.value, "meaning": self.meaning}


@dataclass(frozen=True)
class TokenReport:
    """What `daemon-wizard decode` shows."""

    header: dict[str, Any]
    claims: dict[str, Any]
    header_lines: tuple[ClaimLine, ...]
    claim_lines: tuple[ClaimLine, ...]
    summary: dict[str, str | None]
    warnings: tuple[str, ...] = ()
    signature: dict[str, object] = field(default_factory=lambda: {"verified": False, "label": NOT_VERIFIED})

    def to_dict(self) -> dict[str, object]:
        return {
            "header": json_safe(self.header),
            "claims": json_safe(self.claims),
            "summary": self.summary,
            "explained": {
                "header": [c.to_dict() for c in self.header_lines],
                "claims": [c.to_dict() for c in self.claim_lines],
            },
            "warnings": list(self.warnings),
            "signature": self.signature,
        }


def json_safe(value: Any) -> Any:
    """The value with NaN and infinities as text, so `--json` stays valid JSON whatever the token holds."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [json_safe(v) for v in value]
    return value


def _show(value: object) -> str:
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError, RecursionError):
        return repr(value)


def _claim_meaning(name: str, value: object, now: float, external: bool = False) -> tuple[str, str]:
    meaning = (EXTERNAL_CLAIM_MEANINGS.get(name) if external else None) or CLAIM_MEANINGS.get(
        name, "Not a standard Entra claim (custom or optional claim)."
    )
    shown = _show(value)
    if name in TIME_CLAIMS:
        shown = describe_time(name, value, now)
    elif name in {"appidacr", "azpacr"}:
        kind = credential_type(value)
        if kind:
            shown = f"{shown} = {kind}"
    elif name == "aud" and isinstance(value, str):
        api = known_api(value)
        if api:
            shown = f"{value} = {api.name}"
    elif name == "idtyp":
        shown = f"{shown} ({'app-only' if value == 'app' else 'delegated, on behalf of a user'})"
    return shown, meaning


def _kind(token: DecodedToken, external: bool) -> str:
    if external:
        return EXTERNAL_KIND
    if token.is_app_only:
        return "app-only (client credentials: no user)"
    return "delegated (on behalf of a signed-in user)"


def build_report(token: DecodedToken, *, now: float | None = None, external: bool = False) -> TokenReport:
    """Explain every header field and claim; summarise version, kind, credential, audience and lifetime.

    `external`: a token from another issuer, presented to Entra as a federated client_assertion. It is
    not an Entra access token, so it gets no Entra version, client credential or consent warning."""
    now = time.time() if now is None else now
    header_lines = tuple(
        ClaimLine(k, _show(v), HEADER_MEANINGS.get(k, "Non-standard header field."))
        for k, v in token.header.items()
    )
    claim_lines = tuple(ClaimLine(k, *_claim_meaning(k, v, now, external)) for k, v in token.claims.items())
    claims = token.claims
    aud = claims.get("aud")
    api = known_api(aud) if isinstance(aud, str) else None
    acr = claims.get("appidacr", claims.get("azpacr"))
    exp = claims.get("exp")
    summary: dict[str, str | None] = {
        "version": None if external else token.version,
        "kind": _kind(token, external),
        "credential": None if external else credential_type(acr),
        "audience": aud if isinstance(aud, str) else _show(aud) if aud is not None else None,
        "audience_name": api.name if api else None,
        "client_id": _first_str(claims, "appid", "azp"),
        "tenant_id": _first_str(claims, "tid"),
        "roles": ", ".join(str(r) for r in claims["roles"])
        if isinstance(claims.get("roles"), list)
        else None,
        "scp": claims.get("scp") if isinstance(claims.get("scp"), str) else None,
        "expires": describe_time("exp", exp, now) if exp is not None else None,
    }
    warnings: list[str] = []
    if token.alg_none:
        warnings.append("alg is 'none': this token is unsigned and must never be accepted by an API.")
    if not token.signature_present and not token.alg_none:
        warnings.append("The signature part is empty.")
    exp_seconds = numeric_date(exp)
    if exp_seconds is not None and exp_seconds < now:
        warnings.append("This token has expired.")
    elif exp is not None and exp_seconds is None:
        warnings.append("The exp claim is not a valid time: no API would accept this token.")
    if not external and token.is_app_only and "roles" not in claims and not (api and api.rbac):
        warnings.append(
            "App-only token without roles: no application permission has admin consent "
            "(run `daemon-wizard explain` with the API's answer for the fix)."
        )
    if token.is_graph or "nonce" in token.header:
        warnings.append(GRAPH_NOT_VERIFIABLE)
    return TokenReport(
        header=token.header,
        claims=claims,
        header_lines=header_lines,
        claim_lines=claim_lines,
        summary=summary,
        warnings=tuple(warnings),
    )


def _first_str(claims: dict[str, Any], *names: str) -> str | None:
    for name in names:
        value = claims.get(name)
        if isinstance(value, str):
            return value
    return None
