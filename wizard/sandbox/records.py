"""The sandbox's record type: msgspec's `Struct`, behind one module.

The sandbox describes its tenants with about fifty record classes (scenario specs, directory state,
credentials, the request log). As dataclasses, each class compiled its generated `__init__`, `__repr__`,
`__eq__` (and, frozen, `__hash__`, `__setattr__`, `__delattr__`) from source at import: about 140 M
instructions of every `doctor --sandbox` start (issue 12). msgspec builds a Struct class in C.

A `Record` behaves as a dataclass does here: fields in order with defaults last, positional or keyword
construction, `frozen=True`, `eq=False`, value equality and hashing, `replace`. What differs: no per-field
`repr=False` (write `__repr__`), no instance `__dict__` unless `dict=True` (which `functools.cached_property`
needs), and `to_dict` is msgspec's `to_builtins` (nested records become dicts, tuples stay tuples).
"""

from __future__ import annotations

from typing import Any, TypeVar

from msgspec import Struct as Record
from msgspec import field, structs, to_builtins

__all__ = ["Record", "field", "replace", "to_dict"]

R = TypeVar("R", bound=Record)


def replace(record: R, /, **changes: Any) -> R:
    """A copy of `record` with `changes` (as `dataclasses.replace`)."""
    return structs.replace(record, **changes)


def to_dict(record: Record) -> dict[str, Any]:
    """`record` as plain dicts, lists and values, nested records included (as `dataclasses.asdict`)."""
    data: dict[str, Any] = to_builtins(record)
    return data
