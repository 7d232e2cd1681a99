"""Read a secret from stdin, a file, an environment variable or a hidden prompt; never from argv."""

from __future__ import annotations

import getpass
import os
import stat
import sys
from pathlib import Path
from typing import TextIO

from wizard.errors import SecretSourceError
from wizard.paths import FileTooLarge, NotARegularFile, read_bounded
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


def _checked(value: str, *, what: str, source: str) -> Secret:
    """A Secret, once the value is known to be text a request can carry (UTF-8, no lone surrogates).

    Bytes that are not UTF-8 reach Python as lone surrogates (environment, stdin under LANG=C); they
    would fail deep inside the HTTP library, so they are refused here, where the source is known.
    """
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise SecretSourceError(
            f"The {what} from {source} is not valid UTF-8 text",
            hint=f"Check the {what}: it holds bytes that are not text (a binary file, a wrong encoding).",
        ) from None
    return Secret(value)


def from_stream(stream: TextIO, *, what: str = "secret") -> Secret:
    try:
        data = stream.read(MAX_SECRET_BYTES + 1)
    except UnicodeDecodeError:
        raise SecretSourceError(f"The {what} on stdin is not valid UTF-8 text") from None
    if len(data) > MAX_SECRET_BYTES:
        raise SecretSourceError(f"The {what} on stdin is too long", hint="Send only the value.")
    value = _strip_newline(data)
    if not value:
        raise SecretSourceError(
            f"No {what} arrived on stdin", hint="Pipe it in: printf '%s' \"$VALUE\" | ..."
        )
    return _checked(value, what=what, source="stdin")


def from_file(path: str | Path, *, what: str = "secret") -> tuple[Secret, list[str]]:
    """The file's content, and warnings (e.g. a secret file that other users can read).

    Only a regular file is read, and at most MAX_SECRET_BYTES of it: /dev/zero or a FIFO is refused.
    """
    p = Path(path).expanduser()
    try:
        info = p.stat()
        value = _strip_newline(read_bounded(p, limit=MAX_SECRET_BYTES).decode("utf-8"))
    except FileNotFoundError as exc:
        raise SecretSourceError(f"{p} does not exist", hint="Check the path.") from exc
    except IsADirectoryError as exc:
        raise SecretSourceError(f"{p} is a directory", hint="Give the file that holds the value.") from exc
    except NotARegularFile:
        raise SecretSourceError(
            f"{p} is not a regular file (a pipe or a device)",
            hint=f"Write the {what} into a file, or pipe it with the command's stdin option.",
        ) from None
    except FileTooLarge:
        raise SecretSourceError(
            f"{p} is too large to hold a {what}", hint="Keep only the value in it."
        ) from None
    except UnicodeDecodeError as exc:
        raise SecretSourceError(f"{p} is not a text file") from exc
    except OSError as exc:
        raise SecretSourceError(f"{p} cannot be read ({exc.strerror})") from exc
    if not value:
        raise SecretSourceError(f"{p} is empty", hint=f"Write the {what} value into it.")
    warnings = []
    if info.st_mode & (stat.S_IRGRP | stat.S_IROTH):
        warnings.append(f"{p} is readable by other users; run: chmod 600 {p}")
    return _checked(value, what=what, source=str(p)), warnings


def from_env(name: str = ENV_CLIENT_SECRET) -> Secret | None:
    value = os.environ.get(name)
    return _checked(value, what="value", source=f"${name}") if value else None


def prompt(label: str = "Client secret (input hidden): ") -> Secret | None:
    """Ask without echo, only when a person is at the terminal."""
    if not (sys.stdin.isatty() and sys.stderr.isatty()):
        return None
    try:
        value = getpass.getpass(label)
    except (EOFError, KeyboardInterrupt):
        return None
    return _checked(value, what="secret", source="the prompt") if value else None


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
