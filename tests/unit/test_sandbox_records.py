"""The sandbox's record type (wizard.sandbox.records): what the sandbox relies on from dataclasses."""

from __future__ import annotations

import dataclasses
import functools
import importlib
import inspect
import pkgutil

import pytest

import wizard.sandbox
from wizard.sandbox.records import Record, field, replace, to_dict
from wizard.sandbox.scenario import ApiSpec, AppRole


class _Frozen(Record, frozen=True, dict=True):
    name: str
    tags: tuple[str, ...] = ()

    @functools.cached_property
    def shout(self) -> str:
        return self.name.upper()


class _Mutable(Record):
    items: list[int] = field(default_factory=list)


def test_replace_copies_with_changes_and_keeps_the_type() -> None:
    first = _Frozen("a", ("x",))
    second = replace(first, name="b")
    assert (type(second), second.name, second.tags, first.name) == (_Frozen, "b", ("x",), "a")


def test_frozen_records_refuse_assignment_and_hash_by_value() -> None:
    one = _Frozen("a")
    with pytest.raises(AttributeError):
        one.name = "b"  # type: ignore[misc]
    assert one == _Frozen("a") and hash(one) == hash(_Frozen("a")) and one != _Frozen("b")


def test_cached_property_works_on_a_dict_record() -> None:
    one = _Frozen("abc")
    assert one.shout == "ABC" and one.shout is one.shout


def test_default_factory_gives_each_record_its_own_list() -> None:
    a, b = _Mutable(), _Mutable()
    a.items.append(1)
    assert (a.items, b.items) == ([1], [])


def test_to_dict_converts_nested_records() -> None:
    api = ApiSpec(
        name="api", display_name="API", app_id="1", app_id_uri="api://x", roles=(AppRole("R", "2"),)
    )
    data = to_dict(api)
    assert data["roles"][0]["value"] == "R" and data["roles"][0]["id"] == "2" and data["name"] == "api"


def test_no_sandbox_module_defines_a_dataclass() -> None:
    """Each dataclass compiles its generated methods at import, on every `doctor --sandbox` start (issue 12);
    records are `Record`s (an Exception keeps a plain class)."""
    found = []
    for info in pkgutil.iter_modules(wizard.sandbox.__path__, "wizard.sandbox."):
        module = importlib.import_module(info.name)
        for name, obj in inspect.getmembers(module, inspect.isclass):
            if obj.__module__ == module.__name__ and dataclasses.is_dataclass(obj):
                found.append(f"{module.__name__}.{name}")
    assert found == []
