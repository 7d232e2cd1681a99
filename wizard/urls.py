"""URL splitting that never raises: user-typed URLs can be anything."""

from __future__ import annotations

from typing import NamedTuple
from urllib.parse import urlsplit


class Url(NamedTuple):
    scheme: str
    netloc: str
    host: str
    path: str
    query: str


EMPTY = Url("", "", "", "", "")


def split_url(value: str) -> Url:
    """Like urlsplit, but malformed input (`https://[`, bad ports) gives empty parts instead of ValueError."""
    try:
        parts = urlsplit(value)
        host = parts.hostname or ""
    except ValueError:
        return EMPTY
    return Url(parts.scheme, parts.netloc, host, parts.path, parts.query)
