"""A secret value that cannot leak by accident: masked in str, repr and f-strings."""

from __future__ import annotations

from typing import Final

ELLIPSIS: Final = "…"


def mask(value: str, *, keep: int = 3) -> str:
    """Show `abc…xyz`: enough to recognise a value, never enough to use it."""
    if not value:
        return "(empty)"
    if len(value) <= keep * 2 + 2:
        return ELLIPSIS * 3 if len(value) > 2 else ELLIPSIS
    return f"{value[:keep]}{ELLIPSIS}{value[-keep:]}"


class Secret:
    """Holds a client secret, passphrase or token; only `reveal()` gives the value back."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        from wizard.redact import remember  # late: wizard.redact imports `mask` from here

        self._value = value
        remember(value)  # from now on every message this process prints masks the value

    def reveal(self) -> str:
        """The real value, for the one place that must send it (the token request, a file)."""
        return self._value

    @property
    def masked(self) -> str:
        return mask(self._value)

    def __bool__(self) -> bool:
        return bool(self._value)

    def __len__(self) -> int:
        return len(self._value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(("Secret", self._value))

    def __str__(self) -> str:
        return self.masked

    def __repr__(self) -> str:
        return f"Secret({self.masked!r})"

    def __format__(self, spec: str) -> str:
        return format(self.masked, spec)

    def __reduce__(self) -> tuple[object, ...]:
        raise TypeError("Secret values are not picklable")
