"""Split and decode a JWT without trusting it: header, claims, and what kind of token it is."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from typing import Any

from wizard.errors import TokenFormatError

GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000"
_MAX_LEN = 64 * 1024
_USER_CLAIMS = ("upn", "name", "preferred_username", "unique_name", "given_name")
_PREFIXES = ("bearer ", "authorization: bearer ")


def _b64url(segment: str, *, part: str) -> bytes:
    if not segment:
        raise TokenFormatError(f"The JWT's {part} is empty", hint="Paste the whole token (three parts).")
    if any(c not in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=" for c in segment):
        raise TokenFormatError(
            f"The JWT's {part} is not base64url",
            hint="A JWT only contains letters, digits, '-', '_' and two dots. Check the copy/paste.",
        )
    padded = segment.rstrip("=") + "=" * (-len(segment.rstrip("=")) % 4)
    try:
        return base64.urlsafe_b64decode(padded)
    except (binascii.Error, ValueError) as exc:
        raise TokenFormatError(f"The JWT's {part} is not valid base64url") from exc


def _json_object(raw: bytes, *, part: str) -> dict[str, Any]:
    try:
        value = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise TokenFormatError(
            f"The JWT's {part} is not JSON", hint="The token is damaged or truncated."
        ) from exc
    if not isinstance(value, dict):
        raise TokenFormatError(f"The JWT's {part} is not a JSON object")
    return {str(k): v for k, v in value.items()}


@dataclass(frozen=True)
class DecodedToken:
    """A JWT's parts, decoded but not verified."""

    header: dict[str, Any]
    claims: dict[str, Any]
    signature_present: bool
    signing_input: str = field(repr=False, default="")

    @property
    def version(self) -> str | None:
        ver = self.claims.get("ver")
        if isinstance(ver, str) and ver in {"1.0", "2.0"}:
            return ver
        iss = self.claims.get("iss")
        if isinstance(iss, str):
            if "sts.windows.net" in iss:
                return "1.0"
            if iss.rstrip("/").endswith("/v2.0"):
                return "2.0"
        return None

    @property
    def is_app_only(self) -> bool:
        """App-only (daemon) token: idtyp=app, or roles without scp and no user claims."""
        idtyp = self.claims.get("idtyp")
        if idtyp == "app":
            return True
        if idtyp == "user" or "scp" in self.claims:
            return False
        return not any(k in self.claims for k in _USER_CLAIMS)

    @property
    def is_graph(self) -> bool:
        aud = self.claims.get("aud")
        if not isinstance(aud, str):
            return False
        return aud == GRAPH_APP_ID or "graph.microsoft" in aud or "microsoftgraph.chinacloudapi" in aud

    @property
    def alg_none(self) -> bool:
        alg = self.header.get("alg")
        return isinstance(alg, str) and alg.lower() == "none"


def clean_token_text(text: str) -> str:
    """Strip whitespace, quotes and a `Bearer ` prefix around a pasted token."""
    value = text.strip().strip("'\"").strip()
    lowered = value.lower()
    for prefix in _PREFIXES:
        if lowered.startswith(prefix):
            value = value[len(prefix) :].strip()
            break
    return "".join(value.split())


def decode_token(text: object) -> DecodedToken:
    """Decode a compact JWT; raise TokenFormatError (never anything else) when it is not one."""
    if isinstance(text, (bytes, bytearray)):
        try:
            text = bytes(text).decode("ascii")
        except UnicodeDecodeError as exc:
            raise TokenFormatError("The token contains non-ASCII bytes") from exc
    if not isinstance(text, str):
        raise TokenFormatError("No token given", hint="Pass the access token as text.")
    value = clean_token_text(text)
    if not value:
        raise TokenFormatError("No token given", hint="Pass the access token, or - to read it from stdin.")
    if len(value) > _MAX_LEN:
        raise TokenFormatError("The input is far too long to be an access token")
    parts = value.split(".")
    if len(parts) == 5:
        raise TokenFormatError(
            "This is an encrypted token (JWE, five parts)",
            hint="Only the API it was issued for can read it; a client cannot decode it.",
        )
    if len(parts) != 3:
        raise TokenFormatError(
            f"A JWT has three dot-separated parts; this has {len(parts)}",
            hint="Paste the access_token value itself (it starts with 'eyJ').",
        )
    header = _json_object(_b64url(parts[0], part="header"), part="header")
    claims = _json_object(_b64url(parts[1], part="payload"), part="payload")
    return DecodedToken(
        header=header,
        claims=claims,
        signature_present=bool(parts[2]),
        signing_input=f"{parts[0]}.{parts[1]}",
    )
