"""What a scan finds: one result per thing to fix, with its file, line and level, never a secret's value."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any


class Level(str, Enum):
    """SARIF's levels; `error` results make `scan` exit 1."""

    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"


@dataclass(frozen=True)
class ScanRule:
    """A kind of result, with the text a reader (and SARIF's rule metadata) needs."""

    id: str
    level: Level
    title: str
    help: str


@dataclass(frozen=True)
class ScanResult:
    """One thing found in one file."""

    rule: ScanRule
    path: str  # relative to the scanned root, with '/' separators
    message: str
    line: int = 1
    column: int = 1
    level: Level | None = None  # overrides the rule's level
    #: Extra data for JSON: the masked value, a secret's hint (its first three characters, as Graph shows).
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def effective_level(self) -> Level:
        return self.level or self.rule.level

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule.id,
            "level": self.effective_level.value,
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "message": self.message,
            **({"data": dict(self.data)} if self.data else {}),
        }


@dataclass(frozen=True)
class ConfigSeen:
    """A daemon config found in the tree, with its format."""

    path: str
    format: str
    ok: bool

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "format": self.format, "ok": self.ok}


@dataclass(frozen=True)
class ScanReport:
    """Everything one scan found, files in walk order, results by file then line."""

    root: str
    files_scanned: int
    results: tuple[ScanResult, ...] = ()
    configs: tuple[ConfigSeen, ...] = ()
    skipped: tuple[str, ...] = ()

    @property
    def errors(self) -> int:
        return sum(1 for r in self.results if r.effective_level is Level.ERROR)

    def rules(self) -> list[ScanRule]:
        return list({r.rule.id: r.rule for r in self.results}.values())

    def to_dict(self) -> dict[str, Any]:
        return {
            "root": self.root,
            "files_scanned": self.files_scanned,
            "errors": self.errors,
            "warnings": sum(1 for r in self.results if r.effective_level is Level.WARNING),
            "configs": [c.to_dict() for c in self.configs],
            "results": [r.to_dict() for r in self.results],
        }
