"""How commands talk: data on stdout (`--json` stable), messages on stderr, exit codes from one enum."""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from typing import Any

from wizard.errors import WizardError
from wizard.exitcodes import ExitCode, exit_code_for


def emit_json(data: Mapping[str, Any] | list[Any]) -> None:
    """Write one JSON document to stdout."""
    sys.stdout.write(json.dumps(data, indent=2, sort_keys=False, default=str) + "\n")
    sys.stdout.flush()


def out(text: str = "") -> None:
    """A line of data for humans on stdout."""
    sys.stdout.write(text + "\n")


def err(text: str) -> None:
    """A message on stderr."""
    sys.stderr.write(text + "\n")


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


__all__ = ["ExitCode", "emit_json", "err", "out", "report_error"]
