"""Graph's collection answers: `$filter`, `$select`, `$orderby`, `$count` and server-driven paging.

Paging is Graph's: at most `$top` (default 100, 1 to 999) items per page, and an `@odata.nextLink` that
repeats the query with an opaque `$skiptoken`, until the last page, which has none.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from wizard.sandbox.odata_filter import FilterError, compile_filter
from wizard.sandbox.web.requests import Request

DEFAULT_PAGE = 100
MAX_PAGE = 999


class ODataError(Exception):
    """A query Graph refuses: status, Graph error code and message."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def eventual(request: Request) -> bool:
    return request.headers.get("consistencylevel", "").strip().lower() == "eventual"


def _param(request: Request, name: str) -> str | None:
    """A system query option, matched as Graph does: with or without `$`, any case."""
    for key, value in request.query_params.items():
        if key.lower().lstrip("$") == name:
            return value
    return None


def _fields(items: list[dict[str, Any]]) -> list[str]:
    names: dict[str, None] = {}
    for item in items:
        names.update(dict.fromkeys(k for k in item if not k.startswith("@")))
    return list(names)


def select_fields(request: Request, fields: list[str], type_name: str) -> list[str] | None:
    """The `$select` list in Graph's spelling of each property, or None for all."""
    raw = _param(request, "select")
    if not raw:
        return None
    by_lower = {"id": "id", **{f.lower(): f for f in fields}}  # every entity has an id, even in an empty page
    out = []
    for name in (n.strip() for n in raw.split(",")):
        if not name:
            continue
        found = by_lower.get(name.lower())
        if found is None:
            raise ODataError(
                400, "BadRequest", f"Could not find a property named '{name}' on type '{type_name}'."
            )
        out.append(found)
    return out


def _project(item: dict[str, Any], select: list[str] | None) -> dict[str, Any]:
    return item if select is None else {k: item.get(k) for k in select}


def context_suffix(select: list[str] | None) -> str:
    return "" if select is None else f"({','.join(select)})"


def entity(request: Request, item: dict[str, Any], type_name: str) -> tuple[dict[str, Any], str]:
    """One object with `$select` applied, and the suffix for its `@odata.context`."""
    select = select_fields(request, _fields([item]), type_name)
    return _project(item, select), context_suffix(select)


def _top(request: Request) -> int:
    raw = _param(request, "top")
    if raw is None:
        return DEFAULT_PAGE
    if not raw.strip().isdigit() or not 1 <= int(raw) <= MAX_PAGE:
        raise ODataError(
            400,
            "Request_BadRequest",
            f"Invalid page size specified: '{raw}'. Must be between 1 and {MAX_PAGE} inclusive.",
        )
    return int(raw)


def _token_mac(key: bytes, path: str, offset: int) -> bytes:
    return hmac.new(key, f"{path}|{offset}".encode(), hashlib.sha256).digest()[:12]


def skiptoken(key: bytes, path: str, offset: int) -> str:
    """An opaque continuation token bound to this collection; clients only pass it back."""
    raw = b"\x01" + offset.to_bytes(4, "big") + _token_mac(key, path, offset)
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _offset(key: bytes, path: str, token: str | None) -> int:
    if token is None:
        return 0
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) == 17 and raw[0] == 1:
        offset = int.from_bytes(raw[1:5], "big")
        if hmac.compare_digest(raw[5:], _token_mac(key, path, offset)):
            return offset
    raise ODataError(400, "Request_BadRequest", "Invalid paging token.")


def _order(request: Request, items: list[dict[str, Any]], fields: list[str], type_name: str) -> None:
    raw = _param(request, "orderby")
    if not raw:
        return
    name, _, direction = raw.strip().partition(" ")
    found = {f.lower(): f for f in fields}.get(name.lower())
    if found is None:
        raise ODataError(
            400, "BadRequest", f"Could not find a property named '{name}' on type '{type_name}'."
        )
    items.sort(key=lambda o: str(o.get(found) or "").lower(), reverse=direction.strip().lower() == "desc")


def _filtered(
    request: Request, items: list[dict[str, Any]], type_name: str, *, advanced: bool
) -> list[dict[str, Any]]:
    flt = _param(request, "filter")
    if not flt:
        return list(items)
    try:
        keep = compile_filter(flt, type_name=type_name, fields=_fields(items), advanced=advanced)
    except FilterError as exc:
        raise ODataError(400, exc.code, exc.message) from None
    return [o for o in items if keep(o)]


#: A navigation property `$expand` may name: the related objects of one item.
Expander = Callable[[dict[str, Any]], list[dict[str, Any]]]
_EXPAND = r"\s*(\w+)\s*(?:\(\s*\$?select\s*=\s*([^)]*)\))?\s*(?:,|$)"  # compiled on first use (re caches it)


def expansions(
    request: Request, known: dict[str, Expander], type_name: str
) -> list[tuple[str, Expander, list[str] | None]]:
    """`$expand=owners` or `$expand=owners($select=id,displayName)`: (property, expander, inner select)."""
    raw = (_param(request, "expand") or "").strip()
    out: list[tuple[str, Expander, list[str] | None]] = []
    pos = 0
    while pos < len(raw):
        match = re.compile(_EXPAND, re.IGNORECASE).match(raw, pos)
        if match is None or match.end() == pos:
            raise ODataError(400, "BadRequest", f"Invalid $expand: '{raw}'.")
        pos = match.end()
        name = next((k for k in known if k.lower() == match.group(1).lower()), None)
        if name is None:
            raise ODataError(
                400,
                "BadRequest",
                f"Could not find a property named '{match.group(1)}' on type '{type_name}'.",
            )
        inner = [f.strip() for f in match.group(2).split(",") if f.strip()] if match.group(2) else None
        out.append((name, known[name], inner))
    return out


def collection(
    request: Request,
    items: list[dict[str, Any]],
    *,
    type_name: str,
    base_url: str,
    expand: dict[str, Expander] | None = None,
) -> tuple[dict[str, Any], str]:
    """The page of `items` this request asks for, with `@odata.count` and `@odata.nextLink` as Graph adds
    them, `$expand` of the navigation properties in `expand`, and the suffix the caller's `@odata.context`
    takes for the selection."""
    expanded = expansions(request, expand or {}, type_name)
    fields = _fields(items)
    count = (_param(request, "count") or "").lower() == "true"
    items = _filtered(request, items, type_name, advanced=eventual(request) and count)
    _order(request, items, fields, type_name)
    select = select_fields(request, fields, type_name)
    top = _top(request)
    key: bytes = request.app.state.paging_key
    path = request.url.path
    start = _offset(key, path, _param(request, "skiptoken"))
    body: dict[str, Any] = {}
    if count and eventual(request):
        body["@odata.count"] = len(items)
    if start + top < len(items):
        query = [
            (k, v) for k, v in request.query_params.multi_items() if k.lower().lstrip("$") != "skiptoken"
        ]
        query.append(("$skiptoken", skiptoken(key, path, start + top)))
        body["@odata.nextLink"] = f"{base_url}{path}?{urlencode(query)}"
    body["value"] = [_project(o, select) for o in items[start : start + top]]
    for name, related, inner in expanded:
        for original, shown in zip(items[start : start + top], body["value"], strict=True):
            shown[name] = [_expanded(r, inner) for r in related(original)]
    return body, context_suffix(select)


def _expanded(item: dict[str, Any], select: list[str] | None) -> dict[str, Any]:
    """A related object under `$expand`: its type annotation and the selected properties (id always)."""
    if select is None:
        return item
    keep = {"@odata.type", "id", *select}
    return {k: v for k, v in item.items() if k in keep}


def raw_count(request: Request, items: list[dict[str, Any]], *, type_name: str) -> int:
    """`GET /<collection>/$count` (with `$filter` if given): needs `ConsistencyLevel: eventual`, as on Graph."""
    if not eventual(request):
        raise ODataError(
            400,
            "Request_UnsupportedQuery",
            "Raw count (/$count) is not supported because the 'ConsistencyLevel:eventual' header is missing. "
            "Refer to https://aka.ms/graph-docs/advanced-queries for more information",
        )
    return len(_filtered(request, items, type_name, advanced=True))
