"""The log of an unexpected error: written once, redacted, to a file the error dialog names."""

from __future__ import annotations

import os
import platform
import re
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from wizard import __version__
from wizard.paths import log_dir
from wizard.secret import mask

#: Anything shaped like a client secret (today's Entra format) or a JWT, masked even when not known.
_SECRET_SHAPED = re.compile(
    r"[A-Za-z0-9_.~-]{3}\dQ~[A-Za-z0-9_.~-]{31,}|eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*"
)


def redact(text: str, scrub: Callable[[str], str]) -> str:
    """The run-time secrets the wizard knows, then anything secret-shaped, as `abc…xyz`."""
    return _SECRET_SHAPED.sub(lambda m: mask(m.group(0)), scrub(text))


def write_crash_log(error: BaseException, *, scrub: Callable[[str], str]) -> Path | None:
    """Write the traceback (no local variables: they may hold secrets) to a new 0600 file; its path.

    None when the log cannot be written: the dialog still shows the error, which matters more.
    """
    lines = [
        f"entra-daemon-wizard {__version__}, Python {platform.python_version()}, {platform.platform()}",
        time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "",
        *traceback.format_exception(type(error), error, error.__traceback__),
    ]
    text = redact("".join(line if line.endswith("\n") else line + "\n" for line in lines), scrub)
    try:
        folder = log_dir()
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        path = (
            folder / f"tui-error-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}-{time.time_ns() % 10**9}.log"
        )
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
    except OSError:
        return None
    return path
