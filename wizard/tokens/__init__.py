"""Access tokens: decode, explain and (optionally) verify a JWT without ever printing it."""

from __future__ import annotations

from wizard.tokens.audiences import KnownApi, api_name, known_api
from wizard.tokens.decode import DecodedToken, decode_token

__all__ = ["DecodedToken", "KnownApi", "api_name", "decode_token", "known_api"]
