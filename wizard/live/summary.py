"""A short summary of an acquired token: who it is for, what it allows, how long it lives."""

from __future__ import annotations

import time
from typing import Any

from wizard.live.results import TokenResult
from wizard.tokens.claims import numeric_date

SUMMARY_CLAIMS = ("aud", "iss", "tid", "appid", "azp", "oid", "idtyp", "ver", "appidacr", "azpacr")


def decode_claims(token: str) -> dict[str, Any] | None:
    """The payload of a JWT, signature not verified (this is a summary, not a validation)."""
    from wizard.errors import TokenFormatError
    from wizard.tokens import decode_token

    try:
        return decode_token(token).claims
    except TokenFormatError:
        return None


def summarize_token(result: TokenResult, *, now: float | None = None) -> dict[str, Any]:
    """Claims that matter to a daemon (roles, audience, expiry) plus where the token came from."""
    now = time.time() if now is None else now
    claims = decode_claims(result.access_token.reveal()) or {}
    roles = claims.get("roles") if isinstance(claims.get("roles"), list) else []
    exp = numeric_date(claims.get("exp"))
    iat = numeric_date(claims.get("iat"))
    summary: dict[str, Any] = {
        **result.to_dict(),
        "jwt": bool(claims),
        "signature_verified": False,
        "roles": [str(r) for r in roles or []],
        "scp": claims.get("scp"),
        "app_only": claims.get("idtyp") == "app" or ("roles" in claims and "scp" not in claims),
        "expires_at": int(exp) if exp is not None else (result.to_dict()["expires_at"]),
        "expires_in": int(exp - now) if exp is not None else result.expires_in,
        "lifetime_s": int(exp - iat) if exp is not None and iat is not None else None,
    }
    for key in SUMMARY_CLAIMS:
        if key in claims:
            summary[key] = claims[key]
    if isinstance(claims.get("aud"), str):
        from wizard.tokens import api_name

        summary["audience_name"] = api_name(claims["aud"])
    return summary


def summary_lines(summary: dict[str, Any]) -> list[str]:
    """Human lines for `daemon-wizard token`."""
    lines = [
        f"token:      {summary['access_token']} ({summary['token_type']}, via {summary['via']}, "
        f"{summary['credential']})",
        f"source:     {'cache' if summary['source'] == 'cache' else 'identity provider'}",
        f"scope:      {summary['scope']}",
    ]
    if summary.get("jwt"):
        lines += [
            f"audience:   {summary.get('aud')}"
            + (f" ({summary['audience_name']})" if summary.get("audience_name") else ""),
            f"issuer:     {summary.get('iss')}",
            f"app:        {summary.get('appid') or summary.get('azp')} (tenant {summary.get('tid')})",
            f"roles:      {', '.join(summary['roles']) if summary['roles'] else '(none)'}",
        ]
        if summary.get("scp"):
            lines.append(f"scp:        {summary['scp']} (delegated: not an app-only token)")
    else:
        lines.append("format:     not a JWT (opaque token): claims cannot be shown")
    if summary.get("expires_in") is not None:
        lifetime = f", lifetime {summary['lifetime_s'] // 60} min" if summary.get("lifetime_s") else ""
        lines.append(f"expires:    in {int(summary['expires_in']) // 60} min{lifetime}")
    lines.append("signature:  not verified (summary only)")
    return lines
