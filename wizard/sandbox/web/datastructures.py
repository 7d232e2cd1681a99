"""What a request carries: query or form fields, headers, its URL and the client's address."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Iterator, Mapping
from functools import cached_property
from typing import NamedTuple
from urllib.parse import SplitResult, urlsplit

from wizard.sandbox.web.types import Scope


class Address(NamedTuple):
    host: str
    port: int


class MultiDict(Mapping[str, str]):
    """Fields in their order, repeats kept: `get` and `[]` give a name's last value, `getlist` all of them,
    `multi_items` every pair (a query string's or a form's)."""

    __slots__ = ("_dict", "_list")

    def __init__(self, items: Iterable[tuple[str, str]] = ()) -> None:
        self._list = list(items)
        self._dict = dict(self._list)

    def __getitem__(self, key: str) -> str:
        return self._dict[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._dict)

    def __len__(self) -> int:
        return len(self._dict)

    def __contains__(self, key: object) -> bool:
        return key in self._dict

    def getlist(self, key: str) -> list[str]:
        return [v for k, v in self._list if k == key]

    def multi_items(self) -> list[tuple[str, str]]:
        return list(self._list)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._list!r})"


class Headers(Mapping[str, str]):
    """Header fields by case-insensitive name over the raw latin-1 pairs: `get` and `[]` give the first
    value, `getlist` every one; iterating gives each field's (lower-case) name."""

    __slots__ = ("raw",)

    def __init__(self, raw: list[tuple[bytes, bytes]]) -> None:
        self.raw = raw

    def __getitem__(self, key: str) -> str:
        name = key.lower().encode("latin-1")
        for k, v in self.raw:
            if k == name:
                return v.decode("latin-1")
        raise KeyError(key)

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, str):
            return False
        name = key.lower().encode("latin-1")
        return any(k == name for k, _ in self.raw)

    def __iter__(self) -> Iterator[str]:
        return (k.decode("latin-1") for k, _ in self.raw)

    def __len__(self) -> int:
        return len(self.raw)

    def getlist(self, key: str) -> list[str]:
        name = key.lower().encode("latin-1")
        return [v.decode("latin-1") for k, v in self.raw if k == name]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({[(k.decode('latin-1'), v.decode('latin-1')) for k, v in self.raw]!r})"


class MutableHeaders(Headers):
    """A response's headers: setting a name replaces its fields (or adds one), `append` adds another."""

    __slots__ = ()

    def __setitem__(self, key: str, value: str) -> None:
        name, data = key.lower().encode("latin-1"), value.encode("latin-1")
        found = [i for i, (k, _) in enumerate(self.raw) if k == name]
        for i in reversed(found[1:]):
            del self.raw[i]
        if found:
            self.raw[found[0]] = (name, data)
        else:
            self.raw.append((name, data))

    def __delitem__(self, key: str) -> None:
        name = key.lower().encode("latin-1")
        self.raw[:] = [(k, v) for k, v in self.raw if k != name]

    def append(self, key: str, value: str) -> None:
        self.raw.append((key.lower().encode("latin-1"), value.encode("latin-1")))


#: A Host header's authority (RFC 3986: a name, or an IP literal in brackets, and a port): Starlette's pattern.
_HOST = (
    r"(?P<host>[a-z0-9._~%!$&'()*+,;=-]+|\[(?:(?P<ipv6>[a-f0-9]*:[a-f0-9.:]+)|"
    r"(?-i:v)[a-f0-9]+\.[a-z0-9._~!$&'()*+,;=:-]+)\])(?::(?P<port>[0-9]+))?"
)


def valid_host(header: str) -> str:
    """The Host header when it is a valid authority (port at most 65535), else "" (the server's address is
    used then, as Starlette does)."""
    found = re.fullmatch(_HOST, header, re.IGNORECASE) if header else None
    if found is None:
        return ""
    if found["ipv6"] is not None:
        try:
            ipaddress.IPv6Address(found["ipv6"])
        except ValueError:
            return ""
    port = (found["port"] or "").lstrip("0")
    return header if len(port) <= 5 and int(port or "0") <= 65535 else ""


class URL:
    """The URL a request named, as Starlette's `URL(scope=...)` builds it: the Host header's valid authority (else
    the server's address), the path with `?`, `#` and `\\` escaped, the query; its parts as `urlsplit` reads
    them (which drops tabs and newlines)."""

    def __init__(self, scope: Scope) -> None:
        scheme: str = scope.get("scheme", "http")
        path: str = scope["path"].replace("?", "%3F").replace("#", "%23").replace("\\", "%5C")
        host = valid_host(
            next((v.decode("latin-1") for k, v in scope.get("headers", ()) if k == b"host"), "")
        )
        if not host and scope.get("server"):
            name, port = scope["server"]
            name = f"[{name}]" if ":" in name and not name.startswith("[") else name
            default = {"http": 80, "https": 443, "ws": 80, "wss": 443}.get(scheme)
            host = name if port == default else f"{name}:{port}"
        query = scope.get("query_string", b"").decode("utf-8", "replace")
        if host:
            self._url = SplitResult(scheme, host, path, query, "").geturl()
        else:
            path = "/%2F" + path[2:] if path.startswith("//") else path  # else `//` would read as a host
            self._url = f"{path}?{query}" if query else path

    @cached_property
    def parts(self) -> SplitResult:
        return urlsplit(self._url)

    @property
    def path(self) -> str:
        return self.parts.path

    @property
    def query(self) -> str:
        return self.parts.query

    @property
    def hostname(self) -> str | None:
        return self.parts.hostname

    @property
    def port(self) -> int | None:
        return self.parts.port

    def __str__(self) -> str:
        return self._url

    def __repr__(self) -> str:
        return f"URL({self._url!r})"
