"""Keyring backends as keyring's API has them (set/get/delete_password), kept in a dict: for unit tests."""

from __future__ import annotations


class MemoryKeyring:
    """A backend as keyring's API has it (set/get/delete_password), kept in a dict: a pure unit test."""

    priority = 5.0

    def __init__(self) -> None:
        self.items: dict[tuple[str, str], str] = {}

    def set_password(self, service: str, user: str, value: str) -> None:
        self.items[(service, user)] = value

    def get_password(self, service: str, user: str) -> str | None:
        return self.items.get((service, user))

    def delete_password(self, service: str, user: str) -> None:
        del self.items[(service, user)]


class PlaintextKeyring(MemoryKeyring):
    """Named as keyrings.alt's plain-file backend is."""


class Keyring(MemoryKeyring):
    """keyring's "fail" backend: no keyring at all."""

    priority = 0


Keyring.__module__ = "keyring.backends.fail"
