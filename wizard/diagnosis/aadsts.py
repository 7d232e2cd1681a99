"""Parse an Entra token-endpoint error (JSON body or pasted text): AADSTS codes, ids, timestamp, text."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

_CODE = re.compile(r"AADSTS(\d{4,8})", re.IGNORECASE)
_TRACE = re.compile(r"Trace\s*ID\s*[:=]\s*([0-9a-fA-F-]{36})", re.IGNORECASE)
_CORR = re.compile(r"Correlation\s*ID\s*[:=]\s*([0-9a-fA-F-]{36})", re.IGNORECASE)
_TS = re.compile(r"Timestamp\s*[:=]\s*(\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}Z?)", re.IGNORECASE)
_ERROR_FIELD = re.compile(r'"error"\s*:\s*"([a-z_]+)"')
_OAUTH_ERRORS = (
    "invalid_client",
    "invalid_scope",
    "invalid_request",
    "invalid_grant",
    "unauthorized_client",
    "invalid_tenant",
    "invalid_instance",
    "invalid_resource",
    "access_denied",
    "temporarily_unavailable",
)


@dataclass(frozen=True)
class AadstsError:
    """What an Entra error says, in whatever form it was pasted."""

    text: str = ""
    error: str | None = None
    codes: tuple[int, ...] = ()
    trace_id: str | None = None
    correlation_id: str | None = None
    timestamp: str | None = None
    body: dict[str, Any] = field(default_factory=dict)

    @property
    def code(self) -> int | None:
        """The first (most specific) AADSTS code."""
        return self.codes[0] if self.codes else None

    def has(self, *codes: int) -> bool:
        return any(c in self.codes for c in codes)


def _unescape(text: str) -> str:
    # A JSON body pasted as text keeps its escapes (\r\n, \", \u0027); make it read like the message.
    return (
        text.replace("\\r\\n", "\n")
        .replace("\\n", "\n")
        .replace('\\"', '"')
        .replace("\\u0027", "'")
        .replace("\\/", "/")
    )


def _try_json(text: str) -> dict[str, Any] | None:
    start = text.find("{")
    if start < 0:
        return None
    try:
        value = json.loads(text[start:])
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def _int_codes(value: object) -> list[int]:
    if not isinstance(value, list):
        return []
    out: list[int] = []
    for item in value:
        if isinstance(item, bool):
            continue
        if isinstance(item, int):
            out.append(item)
        elif isinstance(item, str) and item.isdigit():
            out.append(int(item))
    return out


def parse_aadsts(value: object) -> AadstsError:
    """Read a token error from a JSON body (dict), a JSON string, or any pasted text. Never raises."""
    body: dict[str, Any] = {}
    if isinstance(value, dict):
        body = {str(k): v for k, v in value.items()}
    elif isinstance(value, (bytes, bytearray)):
        value = bytes(value).decode("utf-8", "replace")
    if isinstance(value, str):
        body = _try_json(value) or {}
        raw = value
    else:
        raw = ""
    parts: list[str] = []
    for key in ("error", "error_description", "message", "errorMessage", "description"):
        item = body.get(key)
        if isinstance(item, str):
            parts.append(item)
        elif isinstance(item, dict):  # {"error": {"code": ..., "message": ...}}
            parts.extend(str(v) for v in item.values() if isinstance(v, str))
    if raw:
        parts.append(raw)
    elif not parts and value is not None and not isinstance(value, dict):
        parts.append(str(value))
    text = _unescape("\n".join(parts))
    codes: list[int] = []
    for match in _CODE.finditer(text):
        number = int(match.group(1))
        if number not in codes:
            codes.append(number)
    for number in _int_codes(body.get("error_codes")):
        if number not in codes:
            codes.append(number)
    error = body.get("error") if isinstance(body.get("error"), str) else None
    if error is None:
        found = _ERROR_FIELD.search(text)
        error = found.group(1) if found else next((e for e in _OAUTH_ERRORS if e in text.lower()), None)
    trace = _first(body.get("trace_id"), _TRACE.search(text))
    corr = _first(body.get("correlation_id"), _CORR.search(text))
    stamp = _first(body.get("timestamp"), _TS.search(text))
    return AadstsError(
        text=text,
        error=error,
        codes=tuple(codes),
        trace_id=trace,
        correlation_id=corr,
        timestamp=stamp,
        body=body,
    )


def _first(value: object, match: re.Match[str] | None) -> str | None:
    if isinstance(value, str) and value:
        return value
    return match.group(1) if match else None
