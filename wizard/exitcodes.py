"""Exit codes of every command, from one enum (a public interface, see README)."""

from __future__ import annotations

from enum import IntEnum

from wizard.errors import NetworkError, UsageError, WizardError


class ExitCode(IntEnum):
    """0 ok, 1 findings or failure, 2 usage or bad input, 3 network."""

    OK = 0
    FAILURE = 1
    USAGE = 2
    NETWORK = 3
    INTERRUPTED = 130


def exit_code_for(exc: BaseException) -> ExitCode:
    """Map an exception to the exit code a script can branch on."""
    if isinstance(exc, KeyboardInterrupt):
        return ExitCode.INTERRUPTED
    if isinstance(exc, NetworkError):
        return ExitCode.NETWORK
    if isinstance(exc, UsageError):
        return ExitCode.USAGE
    if isinstance(exc, WizardError):
        return ExitCode.FAILURE
    return ExitCode.FAILURE
