"""GUID recognition, strict and forgiving."""

from __future__ import annotations

import re

GUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
GUID_SEARCH = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
NIL_GUID = "00000000-0000-0000-0000-000000000000"


def is_guid(value: str) -> bool:
    """True for the canonical 8-4-4-4-12 form (no braces)."""
    return bool(GUID_RE.match(value.strip()))


def normalise_guid(value: str) -> str | None:
    """Accept `{...}` braces and surrounding spaces; return lowercase canonical form or None."""
    v = value.strip().strip("{}").strip()
    return v.lower() if GUID_RE.match(v) else None
