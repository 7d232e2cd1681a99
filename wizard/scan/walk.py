"""Walk a tree fast: prune what never holds a daemon's config (VCS data, dependencies, caches)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

#: Folders never worth reading (their content is not the project's own, or is generated).
PRUNE = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        "node_modules",
        ".venv",
        "venv",
        "__pycache__",
        ".mypy_cache",
        ".ruff_cache",
        ".pytest_cache",
        ".tox",
        ".nox",
        ".gradle",
        ".idea",
        ".terraform",
        "bin",
        "obj",
        "target",
    }
)
#: Bigger files are not configs, keys or certificates.
MAX_BYTES = 1_000_000


@dataclass(frozen=True)
class Entry:
    """A regular file to read: its path and its path relative to the root with '/' separators."""

    path: Path
    rel: str
    size: int


def walk(root: Path, *, prune: frozenset[str] = PRUNE) -> Iterator[Entry]:
    """Every regular file under `root` (symlinks are not followed), pruned folders left out, in a stable order."""
    if root.is_file():
        yield Entry(root, root.name, root.stat().st_size)
        return
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError:
            continue
        subdirs = []
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    if entry.name not in prune:
                        subdirs.append(Path(entry.path))
                elif entry.is_file(follow_symlinks=False):
                    size = entry.stat(follow_symlinks=False).st_size
                    if size <= MAX_BYTES:
                        rel = os.path.relpath(entry.path, root).replace(os.sep, "/")
                        yield Entry(Path(entry.path), rel, size)
            except OSError:
                continue
        stack.extend(reversed(subdirs))
