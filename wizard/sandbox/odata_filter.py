"""Graph's `$filter` over the sandbox's JSON objects: `eq`/`ne`, `startswith`/`endswith`, `and`/`or`/`not`.

A small recursive-descent parser. What Graph serves without advanced queries (`eq` on common properties,
`startswith`) always works; `ne`, `not` and `endswith` need `ConsistencyLevel: eventual` with `$count=true`,
as on Graph. Anything else is refused with Graph's `Request_UnsupportedQuery`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from wizard.sandbox.records import Record

_TOKEN = re.compile(
    r"\s*(?:(?P<str>'(?:[^']|'')*')|(?P<lp>\()|(?P<rp>\))|(?P<comma>,)|(?P<word>[A-Za-z_][\w.]*)"
    r"|(?P<num>-?\d+(?:\.\d+)?))"
)
MAX_DEPTH = 32
ADVANCED = frozenset({"ne", "not", "endswith"})

Predicate = Callable[[dict[str, Any]], bool]


class FilterError(Exception):
    """Why a `$filter` was refused: Graph's error code and message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class _Tok(Record):
    kind: str
    text: str


def _tokens(text: str) -> list[_Tok]:
    out: list[_Tok] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise FilterError("BadRequest", f"Invalid filter clause: syntax error at position {pos}.")
        kind = m.lastgroup or ""
        out.append(_Tok(kind, m.group(kind)))
        pos = m.end()
    return out


class _Parser:
    def __init__(self, text: str, *, type_name: str, fields: dict[str, str], advanced: bool) -> None:
        self.toks = _tokens(text)
        self.i = 0
        self.type_name = type_name
        self.fields = fields  # lower-case name -> property name
        self.advanced = advanced
        self.depth = 0

    def _peek(self) -> _Tok | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def _next(self, kind: str | None = None) -> _Tok:
        tok = self._peek()
        if tok is None or (kind is not None and tok.kind != kind):
            raise FilterError("BadRequest", "Invalid filter clause: unexpected end or token.")
        self.i += 1
        return tok

    def _keyword(self, *words: str) -> str | None:
        tok = self._peek()
        if tok is not None and tok.kind == "word" and tok.text.lower() in words:
            self.i += 1
            return tok.text.lower()
        return None

    def _needs_advanced(self, word: str) -> None:
        if word in ADVANCED and not self.advanced:
            raise FilterError(
                "Request_UnsupportedQuery",
                f"Operator '{word}' is not supported because the required parameters might be missing. "
                "Try adding $count with a value of true and set the ConsistencyLevel header to eventual.",
            )

    def parse(self) -> Predicate:
        pred = self._or()
        if self._peek() is not None:
            raise FilterError("BadRequest", "Invalid filter clause: unexpected token after the expression.")
        return pred

    def _or(self) -> Predicate:
        left = self._and()
        while self._keyword("or"):
            right = self._and()
            left = (lambda a, b: lambda o: a(o) or b(o))(left, right)
        return left

    def _and(self) -> Predicate:
        left = self._unary()
        while self._keyword("and"):
            right = self._unary()
            left = (lambda a, b: lambda o: a(o) and b(o))(left, right)
        return left

    def _unary(self) -> Predicate:
        if self._keyword("not"):
            self._needs_advanced("not")
            inner = self._unary()
            return lambda o: not inner(o)
        tok = self._peek()
        if tok is not None and tok.kind == "lp":
            self._next()
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise FilterError("BadRequest", "Invalid filter clause: the expression is nested too deeply.")
            inner = self._or()
            self._next("rp")
            self.depth -= 1
            return inner
        return self._comparison()

    def _property(self, name: str) -> str:
        found = self.fields.get(name.lower())
        if found is None:
            raise FilterError(
                "BadRequest", f"Could not find a property named '{name}' on type '{self.type_name}'."
            )
        return found

    def _literal(self) -> object:
        tok = self._next()
        if tok.kind == "str":
            return tok.text[1:-1].replace("''", "'")
        if tok.kind == "num":
            return float(tok.text) if "." in tok.text else int(tok.text)
        if tok.kind == "word" and tok.text.lower() in ("true", "false", "null"):
            return {"true": True, "false": False, "null": None}[tok.text.lower()]
        raise FilterError("BadRequest", f"Invalid filter clause: '{tok.text}' is not a literal.")

    def _comparison(self) -> Predicate:
        word = self._next("word").text
        low = word.lower()
        if low in ("startswith", "endswith"):
            self._needs_advanced(low)
            self._next("lp")
            prop = self._property(self._next("word").text)
            self._next("comma")
            value = self._literal()
            self._next("rp")
            if not isinstance(value, str):
                raise FilterError("BadRequest", f"Invalid filter clause: {low} needs a string.")
            needle = value.lower()
            if low == "startswith":
                return lambda o: str(o.get(prop) or "").lower().startswith(needle)
            return lambda o: str(o.get(prop) or "").lower().endswith(needle)
        prop = self._property(word)
        op = self._keyword("eq", "ne")
        if op is None:
            tok = self._peek()
            shown = tok.text if tok else ""
            raise FilterError(
                "Request_UnsupportedQuery",
                f"Unsupported or invalid query filter clause specified: '{shown}'.",
            )
        self._needs_advanced(op)
        value = self._literal()
        want = value.lower() if isinstance(value, str) else value

        def equal(o: dict[str, Any]) -> bool:
            have = o.get(prop)
            # The directory compares strings without regard to case.
            return (have.lower() if isinstance(have, str) else have) == want

        return equal if op == "eq" else (lambda o: not equal(o))


def compile_filter(text: str, *, type_name: str, fields: list[str], advanced: bool) -> Predicate:
    """A predicate for `$filter=text` over objects with these property names; raises FilterError."""
    return _Parser(
        text, type_name=type_name, fields={f.lower(): f for f in fields}, advanced=advanced
    ).parse()
