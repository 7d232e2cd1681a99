"""Read a secret from stdin, a file, an environment variable or a hidden prompt; never from argv."""

from __future__ import annotations

import getpass
import os
import stat
import sys
from pathlib import Path
from typing import TextIO

from wizard.errors import SecretSourceError
from wizard.secret import Secret

ENV_CLIENT_SECRET = "DAEMON_WIZARD_CLIENT_SECRET"
MAX_SECRET_BYTES = 64 * 1024


def _strip_newline(text: str) -> str:
    """Drop exactly one trailing newline (what `echo` and editors add), nothing else."""
    if text.endswith("\r\n"):
        return text[:-2]
    if text.endswith("\n"):
        return text[:-1]
    return text


def from_stream(stream: TextIO, *, what: str = "secret") -> Secret:
    data = stream.read(MAX_SECRET_BYTES + 1)
    if len(data) > MAX_SECRET_BYTES:
        raise SecretSourceError(f"The {what} on stdin is too long", hint="Send only the value.")
    value = _strip_newline(data)
    if not value:
        raise SecretSourceError(
            f"No {what} arrived on stdin", hint="Pipe it in: printf '%s' \"$VALUE\" | ..."
        )
    return Secret(value)


def from_file(path: str | Path, *, what: str = "secret") -> tuple[Secret, list[str]]:
    """The file's content, and warnings (e.g. a secret file that other users can read)."""
    p = Path(path).expanduser()
    try:
        info = p.stat()
        if info.st_size > MAX_SECRET_BYTES:
            raise SecretSourceError(f"{p} is too large to hold a {what}")
        value = _strip_newline(p.read_text("utf-8"))
    except FileNotFoundError as exc:
        raise SecretSourceError(f"{p} does not exist", hint="Check the path.") from exc
    except IsADirectoryError as exc:
        raise SecretSourceError(f"{p} is a directory", hint="Give the file that holds the value.") from exc
    except UnicodeDecodeError as exc:
        raise SecretSourceError(f"{p} is not a text file") from exc
    except OSError as exc:
        raise SecretSourceError(f"{p} cannot be read ({exc.strerror})") from exc
    if not value:
        raise SecretSourceError(f"{p} is empty", hint=f"Write the {what} value into it.")
    warnings = []
    if info.st_mode & (stat.S_IRGRP | stat.S_IROTH):
        warnings.append(f"{p} is readable by other users; run: chmod 600 {p}")
    return Secret(value), warnings


def from_env(name: str = ENV_CLIENT_SECRET) -> Secret | None:
    value = os.environ.get(name)
    return Secret(value) if value else None


def prompt(label: str = "Client secret (input hidden): ") -> Secret | None:
    """Ask without echo, only when a person is at the terminal."""
    if not (sys.stdin.isatty() and sys.stderr.isatty()):
        return None
    try:
        value = getpass.getpass(label)
    except (EOFError, KeyboardInterrupt):
        return None
    return Secret(value) if value else None


def read_secret(
    *,
    use_stdin: bool = False,
    file: str | None = None,
    env_var: str = ENV_CLIENT_SECRET,
    interactive: bool = False,
    stdin: TextIO | None = None,
) -> tuple[Secret | None, list[str]]:
    """The first source given, in order: stdin, file, environment, prompt."""
    if use_stdin and file:
        raise SecretSourceError("Give the secret either on stdin or in a file, not both")
    if use_stdin:
        return from_stream(stdin or sys.stdin), []
    if file:
        return from_file(file)
    env = from_env(env_var)
    if env is not None:
        return env, []
    if interactive:
        return prompt(), []
    return None, []
