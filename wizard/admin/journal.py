"""The journal of what `register apply` created (object and key IDs only, never a secret value), which
`register undo` reads to remove exactly that, newest first. A 0600 JSON file, rewritten atomically after
every entry, so a run that stops half-way still says what it left behind."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from wizard.errors import ConfigFileError, UsageError
from wizard.paths import config_dir

VERSION = 1
#: What an entry may record; undo knows how to remove each.
KINDS = (
    "application",
    "service_principal",
    "password",
    "key_credential",
    "app_role_assignment",
    "identifier_uri",
    "federated_credential",
)
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def default_path(tenant_id: str, unique_name: str) -> Path:
    """Where a run's journal goes without --journal: beside the profiles, one file per tenant and app."""
    name = _SAFE.sub("_", f"{tenant_id or 'tenant'}-{unique_name or 'app'}")[:120]
    return config_dir() / "journals" / f"{name}.json"


@dataclass
class Entry:
    """One thing the tool created. `object_id` is the object; `parent` the object it hangs on (the app of a
    password or key, the resource service principal of an assignment); `key_id` a credential's id."""

    kind: str
    object_id: str
    parent: str = ""
    key_id: str = ""
    app_id: str = ""
    label: str = ""
    created: str = ""
    removed: bool = False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Journal:
    """The file and its entries, oldest first."""

    path: Path
    tenant_id: str = ""
    graph_url: str = ""
    unique_name: str = ""
    entries: list[Entry] = field(default_factory=list)

    @classmethod
    def open(
        cls, path: str | Path, *, tenant_id: str = "", graph_url: str = "", unique_name: str = ""
    ) -> Journal:
        """The journal at `path`, or a new empty one (not written until the first entry)."""
        target = Path(path).expanduser()
        if not target.exists():
            return cls(target, tenant_id, graph_url, unique_name)
        return cls.load(target)

    @classmethod
    def load(cls, path: str | Path) -> Journal:
        target = Path(path).expanduser()
        try:
            data = json.loads(target.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise UsageError(
                f"No journal at {target}", hint="Give the --journal that `register apply` wrote."
            ) from None
        except (OSError, ValueError) as exc:
            raise ConfigFileError(f"The journal {target} cannot be read ({type(exc).__name__})") from None
        if (
            not isinstance(data, dict)
            or data.get("version") != VERSION
            or not isinstance(data.get("entries"), list)
        ):
            raise ConfigFileError(f"{target} is not a journal of `register apply` (version {VERSION})")
        entries = []
        for raw in data["entries"]:
            if not isinstance(raw, dict) or raw.get("kind") not in KINDS or not raw.get("object_id"):
                raise ConfigFileError(f"{target} has an entry undo cannot use: {str(raw)[:80]}")
            entries.append(Entry(**{k: raw[k] for k in Entry.__dataclass_fields__ if k in raw}))
        return cls(
            target,
            str(data.get("tenant_id") or ""),
            str(data.get("graph_url") or ""),
            str(data.get("unique_name") or ""),
            entries,
        )

    def add(self, entry: Entry) -> Entry:
        """Record `entry` and write the file at once (0600)."""
        entry.created = entry.created or dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        self.entries.append(entry)
        self.save()
        return entry

    def mark_removed(self, entry: Entry) -> None:
        entry.removed = True
        self.save()

    def pending(self) -> list[Entry]:
        """What undo still has to remove, newest first."""
        return [e for e in reversed(self.entries) if not e.removed]

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": VERSION,
            "tool": "entra-daemon-wizard",
            "tenant_id": self.tenant_id,
            "graph_url": self.graph_url,
            "unique_name": self.unique_name,
            "entries": [e.to_dict() for e in self.entries],
        }

    def save(self) -> None:
        """Atomic replace of the file, 0600 from the first byte (the folder 0700)."""
        folder = self.path.parent
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        data = json.dumps(self.to_dict(), indent=2).encode("utf-8")
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".journal-", suffix=".tmp")
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
