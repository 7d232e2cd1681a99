"""Writing files safely: atomic replace, 0600 for secrets whatever the umask, no silent overwrite, backups."""

from __future__ import annotations

import contextlib
import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from wizard.errors import FileExistsRefusal, WizardError

SECRET_MODE = 0o600
PUBLIC_MODE = 0o644


@dataclass(frozen=True)
class WrittenFile:
    """What was written where, for summaries and `--json`."""

    path: str
    mode: int
    secret: bool
    backup: str | None = None

    def to_dict(self) -> dict[str, object]:
        return {"path": self.path, "mode": f"{self.mode:o}", "secret": self.secret, "backup": self.backup}


def write_atomic(
    path: str | os.PathLike[str], data: bytes | str, *, secret: bool, force: bool = False
) -> WrittenFile:
    """Write `data` to `path` atomically (temp file in the same folder, fsync, rename).

    Refuses to replace an existing file unless `force`; with `force` the old file is kept as `<name>.bak`
    (or `.bak.N`). Secret files get mode 0600 from creation on, so no other user can ever read them.
    """
    target = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    if target.exists() and not force:
        raise FileExistsRefusal(str(target))
    if target.is_dir():
        raise WizardError(f"{target} is a directory", hint="Give a file name, not a folder.")
    target.parent.mkdir(parents=True, exist_ok=True)
    mode = SECRET_MODE if secret else PUBLIC_MODE
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        os.fchmod(fd, mode)  # before any byte is written, whatever the umask
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        backup = _backup(target) if target.exists() else None
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    _fsync_dir(target.parent)
    return WrittenFile(path=str(target), mode=mode, secret=secret, backup=backup)


def _backup(target: Path) -> str:
    candidate = target.with_name(target.name + ".bak")
    n = 1
    while candidate.exists():
        candidate = target.with_name(f"{target.name}.bak.{n}")
        n += 1
    # A hard link keeps the old content and its mode without a window where neither file exists.
    os.link(target, candidate)
    return str(candidate)


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        dfd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)


def git_exposure(path: str | os.PathLike[str]) -> str | None:
    """A warning when `path` sits in a git work tree and is not ignored (a secret could be committed)."""
    target = Path(path).resolve()
    folder = target.parent if not target.is_dir() else target
    while not folder.exists():
        folder = folder.parent
    try:
        top = subprocess.run(
            ["git", "-C", str(folder), "rev-parse", "--show-toplevel"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
        if top.returncode != 0:
            return None
        ignored = subprocess.run(
            ["git", "-C", str(folder), "check-ignore", "-q", str(target)],
            capture_output=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if ignored.returncode == 0:
        return None
    return (
        f"{target} is inside the git work tree {top.stdout.strip()} and not ignored: "
        "add it to .gitignore before you commit, or a secret ends up in history."
    )
