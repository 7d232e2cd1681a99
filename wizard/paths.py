"""Where the tool keeps profiles and data; `DAEMON_WIZARD_HOME` moves everything (tests, portable use)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

APP_NAME = "entra-daemon-wizard"


def _home() -> Path | None:
    value = os.environ.get("DAEMON_WIZARD_HOME", "").strip()
    return Path(value).expanduser() if value else None


def config_dir() -> Path:
    """Profiles (TOML, never secrets)."""
    home = _home()
    if home is not None:
        return home / "config"
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME))


def data_dir() -> Path:
    """Persistent data such as the sandbox's local CA."""
    home = _home()
    if home is not None:
        return home / "data"
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME))


class NotARegularFile(OSError):
    """The path is a pipe, a device or a socket: reading it could block or never end."""


class FileTooLarge(OSError):
    """The file holds more than the caller's limit."""


def read_bounded(path: str | Path, *, limit: int) -> bytes:
    """A regular file's bytes, at most `limit`: a FIFO or /dev/zero is refused at once, never waited on.

    Opened with O_NONBLOCK so a FIFO without a writer cannot hang the open; fstat then refuses it.
    """
    fd = os.open(Path(path).expanduser(), os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise NotARegularFile(f"{path} is not a regular file")
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise FileTooLarge(f"{path} is larger than {limit} bytes")
    return data


def log_dir() -> Path:
    """Logs, such as the TUI's report of an unexpected error."""
    home = _home()
    if home is not None:
        return home / "log"
    import platformdirs

    return Path(platformdirs.user_log_dir(APP_NAME))
