"""How commands talk: data on stdout (`--json` stable), messages on stderr, exit codes from one enum.

Every byte the CLI prints leaves through `_write()`: it flushes stdout before stderr (so the two stay in
order on a terminal), masks every known secret and secret-shaped text (wizard.redact), and escapes
control characters, so a value read from a file can neither leak a secret nor drive the terminal.
Redacting here rather than at each call site is what makes this a promise. The two deliberate
exceptions say so by name: `reveal_line` (`token --raw`, the sandbox's own secrets) still escapes
control characters but does not mask.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from typing import Any, TextIO

from wizard.errors import WizardError
from wizard.exitcodes import ExitCode, exit_code_for
from wizard.redact import redact_text, terminal_safe


def _write(stream: TextIO, text: str, *, reveal: bool = False) -> None:
    """The one exit for every line the CLI prints."""
    if stream is sys.stderr:
        sys.stdout.flush()
    safe = text if reveal else redact_text(text)
    stream.write(terminal_safe(safe) + "\n")
    if stream is sys.stderr:
        stream.flush()


def _redact_data(data: Any) -> Any:
    """Every string of a JSON document redacted (keys too: a secret can be a key of a parsed file)."""
    if isinstance(data, str):
        return redact_text(data)
    if isinstance(data, Mapping):
        return {_redact_data(str(k)): _redact_data(v) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [_redact_data(v) for v in data]
    return data


def emit_json(data: Mapping[str, Any] | list[Any], *, reveal: bool = False, compact: bool = False) -> None:
    """Write one JSON document to stdout (ASCII-escaped, so no control character reaches the terminal)."""
    payload = data if reveal else _redact_data(json.loads(json.dumps(data, default=str)))
    text = json.dumps(payload, indent=None if compact else 2, sort_keys=False, default=str)
    _write(sys.stdout, text, reveal=True)  # already redacted above (or deliberately revealed)
    sys.stdout.flush()


def out(text: str = "") -> None:
    """A line of data for humans on stdout."""
    _write(sys.stdout, text)


def reveal_line(text: str) -> None:
    """A line that must carry a secret the user asked for (`token --raw`); control characters escaped."""
    _write(sys.stdout, text, reveal=True)
    sys.stdout.flush()


def err(text: str) -> None:
    """A message on stderr."""
    _write(sys.stderr, text)


def report_error(exc: WizardError, *, as_json: bool) -> int:
    """Print a typed error the user can act on; return its exit code."""
    code = exit_code_for(exc)
    if as_json:
        emit_json({"ok": False, "exit_code": int(code), "error": exc.to_dict()})
    err(f"error: {exc.title}")
    if exc.hint:
        err(f"  fix: {exc.hint}")
    if exc.aadsts:
        err(
            f"  AADSTS{exc.aadsts}" + (f", correlation id {exc.correlation_id}" if exc.correlation_id else "")
        )
    return int(code)


__all__ = ["ExitCode", "emit_json", "err", "out", "report_error", "reveal_line"]
