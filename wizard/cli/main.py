"""Entry point of `daemon-wizard`: parse, dispatch to one command module, map errors to exit codes."""

from __future__ import annotations

import argparse
import codecs
import importlib
import io
import sys
from collections.abc import Sequence
from types import ModuleType

from wizard import __version__
from wizard.cli.output import err, report_error
from wizard.errors import WizardError
from wizard.exitcodes import ExitCode

#: Sub-command modules under wizard.cli.commands, in the order `--help` lists them.
COMMAND_MODULES: tuple[str, ...] = (
    "validate",
    "consent_url",
    "cert",
    "sandbox",
    "export",
    "import_",
    "token",
    "probe",
    "doctor",
    "decode",
    "explain",
    "fic",
    "scan",
    "login",
    "logout",
    "register",
    "audit",
    "customers",
)


def _command_modules() -> list[ModuleType]:
    return [importlib.import_module(f"wizard.cli.commands.{name}") for name in COMMAND_MODULES]


class _Parser(argparse.ArgumentParser):
    """argparse that exits with our usage code (2) and a one-line hint."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        err(f"error: {message}")
        raise SystemExit(int(ExitCode.USAGE))


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="daemon-wizard",
        description=(
            "Get a daemon app (client credentials) working with the Microsoft identity platform, "
            "and explain exactly why it doesn't. Without a command, opens the TUI wizard."
        ),
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--sandbox",
        nargs="?",
        const="default",
        default=None,
        metavar="SCENARIO",
        help="open the TUI on an in-process sandbox tenant (offline practice): a scenario file, or an app name",
    )
    parser.add_argument(
        "--sandbox-app",
        metavar="NAME",
        default=None,
        help="with --sandbox: the scenario's app the TUI opens on (default: its first)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for module in _command_modules():
        module.register(sub)
    return parser


def _run_tui(sandbox: str | None, sandbox_app: str | None = None) -> int:
    # The TUI is a separate front end; it is loaded by name so the core never depends on it.
    try:
        tui = importlib.import_module("screens.app")
    except ImportError as exc:  # pragma: no cover - only when installed without the TUI
        err(f"error: the TUI is not available ({exc.name} is missing)")
        return int(ExitCode.FAILURE)
    if sandbox_app is not None and sandbox is None:
        sandbox = "default"
    result: int = tui.run(sandbox=sandbox, sandbox_app=sandbox_app)
    return result


#: What the characters our messages use become on a terminal that cannot show them (LANG=C, ascii).
_PLAIN = {"…": "...", "↳": "->", "→": "->", "←": "<-", "·": "-", "✓": "ok", "✗": "x", "—": "-", "–": "-"}


def _plain(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    text = exc.object[exc.start : exc.end]
    return "".join(_PLAIN.get(c, "?") for c in text), exc.end


def degrade_unencodable_output() -> None:
    """Let stdout and stderr that cannot encode "…" write "..." instead of raising UnicodeEncodeError."""
    codecs.register_error("daemon-wizard-plain", _plain)
    for stream in (sys.stdout, sys.stderr):
        encoding = getattr(stream, "encoding", None) or "ascii"
        try:
            "…↳".encode(encoding)
        except (UnicodeEncodeError, LookupError):
            if isinstance(stream, io.TextIOWrapper):
                stream.reconfigure(errors="daemon-wizard-plain")


def main(argv: Sequence[str] | None = None) -> int:
    degrade_unencodable_output()
    parser = build_parser()
    args = parser.parse_args(argv)
    as_json = bool(getattr(args, "json", False))
    try:
        if args.command is None:
            return _run_tui(args.sandbox, args.sandbox_app)
        code: int = args.handler(args)
        return code
    except WizardError as exc:
        return report_error(exc, as_json=as_json)
    except KeyboardInterrupt:
        err("interrupted")
        return int(ExitCode.INTERRUPTED)
    except BrokenPipeError:  # `daemon-wizard ... | head`
        return int(ExitCode.OK)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
