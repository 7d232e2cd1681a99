"""Writing files safely: all-or-nothing sets, 0600 for secrets and 0700 folders whatever the umask, an
atomic no-overwrite check, backups, and every file-system refusal as a typed error.

How a set of files is written (one file is a set of one):
1. the folders are created 0700 (chmod after mkdir: the umask cannot widen them);
2. every file is staged, complete and fsynced, in a private temp folder beside its target;
3. each staged file is put in place: a hard link when nothing may be replaced (the link fails if the
   name exists, so of N concurrent writers exactly one wins), `os.replace` after a hard-link backup
   with `force`;
4. if any step fails, the files already placed are taken back (backups restored), the staging folder
   is removed, and the error says what happened; no partial file is left behind.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from wizard.errors import FileExistsRefusal, FileWriteError, PathError, WizardError
from wizard.gitcheck import git_exposure  # re-exported: callers asked here before it had its own module

SECRET_MODE = 0o600
PUBLIC_MODE = 0o644
FOLDER_MODE = 0o700
_STAGING_PREFIX = ".daemon-wizard-"
_MAX_BACKUPS = 1000
#: os.link's answers on file systems without hard links (FAT, some network and FUSE mounts).
_NO_HARD_LINKS = frozenset({errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EMLINK, errno.EXDEV})


@dataclass(frozen=True)
class WrittenFile:
    """What was written where, for summaries and `--json`."""

    path: str
    mode: int
    secret: bool
    backup: str | None = None

    def to_dict(self) -> dict[str, object]:
        return {"path": self.path, "mode": f"{self.mode:o}", "secret": self.secret, "backup": self.backup}


@dataclass(frozen=True)
class PlannedFile:
    """One file of a set to write."""

    path: Path
    data: bytes
    secret: bool


#: errno -> (error class, title with {where}, hint): what the file system said, in the user's words.
_REFUSALS: dict[int, tuple[type[FileWriteError] | type[PathError], str, str | None]] = {
    errno.ENOSPC: (
        FileWriteError,
        "No space left to write {where}",
        "Free some space on that disk (or quota), or write somewhere else; nothing was written.",
    ),
    errno.EROFS: (
        FileWriteError,
        "{where} is on a read-only file system",
        "Choose a folder on a writable disk; nothing was written.",
    ),
    errno.EACCES: (
        FileWriteError,
        "No permission to write {where}",
        "Choose a folder you can write to, or fix its permissions; nothing was written.",
    ),
    errno.ENOTDIR: (
        PathError,
        "A part of {where} is a file, not a folder",
        "Give a path whose folders are folders (or remove the file in the way).",
    ),
    errno.EISDIR: (PathError, "{where} is a folder", "Give a file name, not a folder."),
    errno.ENAMETOOLONG: (PathError, "{where} cannot be used as a file name ({why})", None),
}
_REFUSALS[errno.EDQUOT] = _REFUSALS[errno.ENOSPC]
_REFUSALS[errno.EPERM] = _REFUSALS[errno.EACCES]
_REFUSALS[errno.ELOOP] = _REFUSALS[errno.EINVAL] = _REFUSALS[errno.ENAMETOOLONG]


def write_error(exc: OSError, path: str | os.PathLike[str]) -> WizardError:
    """The typed error for a file system refusal: what happened to which path, and what to do."""
    where = str(path)
    why = exc.strerror or type(exc).__name__
    kind, title, hint = _REFUSALS.get(
        exc.errno or 0, (FileWriteError, "{where} could not be written ({why})", None)
    )
    return kind(title.format(where=where, why=why), path=where, hint=hint)


def ensure_dir(folder: str | os.PathLike[str]) -> Path:
    """Create `folder` and any missing parents with mode 0700; an existing folder is left as it is."""
    path = Path(folder)
    missing: list[Path] = []
    probe = path
    while not probe.is_dir():
        if os.path.lexists(probe):
            raise PathError(
                f"{probe} is a file, not a folder",
                path=str(probe),
                hint="Give another folder, or move the file out of the way.",
            )
        missing.append(probe)
        if probe.parent == probe:
            break
        probe = probe.parent
    for item in reversed(missing):
        try:
            item.mkdir(mode=FOLDER_MODE)
        except FileExistsError:
            if not item.is_dir():  # lost a race to a file
                raise PathError(f"{item} is a file, not a folder", path=str(item)) from None
            continue  # another writer made it; its mode is its own
        except OSError as exc:
            raise write_error(exc, item) from None
        with contextlib.suppress(OSError):
            os.chmod(item, FOLDER_MODE)  # mkdir's mode is filtered by the umask; this is not
    return path


def write_atomic(
    path: str | os.PathLike[str], data: bytes | str, *, secret: bool, force: bool = False
) -> WrittenFile:
    """Write one file: complete or not at all, never replacing an existing one unless `force`
    (then the old file is kept as `<name>.bak`, or `.bak.N`)."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    return write_files([PlannedFile(Path(path), payload, secret)], force=force)[0]


def write_files(files: Sequence[PlannedFile], *, force: bool = False) -> list[WrittenFile]:
    """Write a set of files all or none (see the module docstring)."""
    for item in files:
        _check_target(item.path, force=force)
    staging: dict[Path, Path] = {}
    placed: list[tuple[Path, str | None]] = []
    try:
        staged = [_stage(item, staging) for item in files]
        written: list[WrittenFile] = []
        for item, tmp in zip(files, staged, strict=True):
            backup = _place(tmp, item.path, force=force)
            placed.append((item.path, backup))
            mode = SECRET_MODE if item.secret else PUBLIC_MODE
            written.append(WrittenFile(str(item.path), mode, item.secret, backup))
    except BaseException as exc:
        _roll_back(placed)
        _clean(staging)
        if isinstance(exc, OSError):
            raise write_error(exc, _culprit(exc, files)) from None
        raise
    _clean(staging)
    for folder in {item.path.parent for item in files}:
        _fsync_dir(folder)
    return written


def _check_target(target: Path, *, force: bool) -> None:
    if target.is_dir():
        raise PathError(f"{target} is a folder", path=str(target), hint="Give a file name, not a folder.")
    # lexists: a dangling symlink is a name in use too, and never written through.
    if os.path.lexists(target) and not force:
        raise FileExistsRefusal(str(target))


def _stage(item: PlannedFile, staging: dict[Path, Path]) -> Path:
    """The complete file, fsynced, in a private folder beside the target (same file system)."""
    folder = item.path.parent
    if folder not in staging:
        ensure_dir(folder)
        staging[folder] = Path(tempfile.mkdtemp(prefix=_STAGING_PREFIX, suffix=".staging", dir=folder))
    tmp = staging[folder] / item.path.name
    mode = SECRET_MODE if item.secret else PUBLIC_MODE
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), mode)
    try:
        os.fchmod(fd, mode)  # before any byte is written, whatever the umask
        with os.fdopen(fd, "wb") as fh:
            fh.write(item.data)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            os.close(fd)
        raise
    return tmp


def _place(tmp: Path, target: Path, *, force: bool) -> str | None:
    """Put the staged file at `target`; returns the backup's path when an old file was kept."""
    if not force or not os.path.lexists(target):
        try:
            os.link(tmp, target)  # atomic: fails with EEXIST when the name is taken, even by a racer
        except FileExistsError:
            raise FileExistsRefusal(str(target)) from None
        except OSError as exc:
            if exc.errno not in _NO_HARD_LINKS:
                raise
            _exclusive_copy(tmp, target)  # a file system without hard links: O_EXCL is as atomic
        return None
    backup = _backup(target)
    try:
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(backup)  # the old file is still in place: its backup link is not needed
        raise
    return backup


def _backup(target: Path) -> str:
    # A hard link keeps the old content and its mode without a window where neither file exists.
    # os.link refuses a taken name (also a dangling symlink), so the next free `.bak.N` is used.
    for n in range(_MAX_BACKUPS):
        candidate = target.with_name(target.name + (".bak" if n == 0 else f".bak.{n}"))
        try:
            os.link(target, candidate, follow_symlinks=False)
        except FileExistsError:
            continue
        except OSError as exc:
            if exc.errno not in _NO_HARD_LINKS:
                raise
            try:
                _exclusive_copy(target, candidate)
            except FileExistsRefusal:
                continue
        return str(candidate)
    raise FileWriteError(
        f"{target} has {_MAX_BACKUPS} backups already",
        path=str(target),
        hint="Remove old .bak files, then retry.",
    )


def _exclusive_copy(source: Path, target: Path) -> None:
    """Copy `source` to a new `target` (O_EXCL: refused if the name exists), same mode, fsynced."""
    mode = os.stat(source).st_mode & 0o777
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), mode)
    except FileExistsError:
        raise FileExistsRefusal(str(target)) from None
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as fh, open(source, "rb") as src:
            shutil.copyfileobj(src, fh)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(target)
        raise


def _roll_back(placed: list[tuple[Path, str | None]]) -> None:
    """Take back the files of a set that failed half way: restore backups, remove new files."""
    for target, backup in reversed(placed):
        with contextlib.suppress(OSError):
            if backup is not None:
                os.replace(backup, target)
            else:
                os.unlink(target)


def _clean(staging: dict[Path, Path]) -> None:
    for folder in staging.values():
        shutil.rmtree(folder, ignore_errors=True)


def _culprit(exc: OSError, files: Sequence[PlannedFile]) -> str:
    """The user's path an OSError is about (never the private staging name)."""
    name = exc.filename if isinstance(exc.filename, str) else ""
    for item in files:
        if name in (str(item.path), str(item.path.parent)):
            return name
    return str(files[0].path) if len(files) == 1 else str(files[0].path.parent)


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        dfd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)


__all__ = [
    "FOLDER_MODE",
    "PUBLIC_MODE",
    "SECRET_MODE",
    "PlannedFile",
    "WrittenFile",
    "ensure_dir",
    "git_exposure",
    "write_atomic",
    "write_error",
    "write_files",
]
