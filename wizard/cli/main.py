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
from wizard.errors import WizardError
from wizard.exitcodes import ExitCode

# wizard.cli.output (and the redactor behind it) loads with the first message: the TUI's path needs neither.

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
    "granted",
    "scan",
    "login",
    "logout",
    "register",
    "audit",
    "customers",
)


def command_name(module: str) -> str:
    """The command a module under wizard.cli.commands registers: `consent_url` -> `consent-url`, `import_` -> `import`."""
    return module.rstrip("_").replace("_", "-")


def _command_modules(only: str | None = None) -> list[ModuleType]:
    names = [m for m in COMMAND_MODULES if only is None or command_name(m) == only]
    return [importlib.import_module(f"wizard.cli.commands.{name}") for name in names]


class _Parser(argparse.ArgumentParser):
    """argparse that exits with our usage code (2) and a one-line hint."""

    def error(self, message: str) -> None:  # type: ignore[override]
        from wizard.cli.output import err

        self.print_usage(sys.stderr)
        err(f"error: {message}")
        raise SystemExit(int(ExitCode.USAGE))


class _NotLean(Exception):
    """The command line needs the whole parser after all (to name the commands in an error)."""


class _LeanParser(_Parser):
    """The top-level parser without any command, for the TUI's own options; any error retries in full."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise _NotLean(message)


def build_parser(command: str | None = None, *, top: type[_Parser] = _Parser) -> argparse.ArgumentParser:
    """The whole parser, or with `command` one holding only that sub-command (None if there is no such one).

    A command line that names its command first needs only that command's module: importing all of them
    (the diagnosis texts, the sandbox scenario, the exporters) would cost `doctor` and `token` about 50 ms.
    """
    parser = top(
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
    for module in _command_modules(command):
        module.register(sub)
    return parser


def _parser_for(argv: Sequence[str]) -> argparse.ArgumentParser:
    if argv and not argv[0].startswith("-"):
        parser = build_parser(argv[0])
        sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        if argv[0] in sub.choices:
            return parser
    names = {command_name(m) for m in COMMAND_MODULES}
    if not any(a in names or a in ("-h", "--help") for a in argv):
        return build_parser("", top=_LeanParser)  # the TUI (no command): no command module is needed
    return build_parser()  # an option first, an unknown command (argparse says so), or --help


def _parse(argv: list[str]) -> argparse.Namespace:
    try:
        return _parser_for(argv).parse_args(argv)
    except _NotLean:  # e.g. an unknown command after an option: argparse's message lists the commands
        return build_parser().parse_args(argv)


def _run_tui(sandbox: str | None, sandbox_app: str | None = None) -> int:
    # The TUI is a separate front end; it is loaded by name so the core never depends on it.
    try:
        tui = importlib.import_module("screens.app")
    except ImportError as exc:  # pragma: no cover - only when installed without the TUI
        from wizard.cli.output import err

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
    argv = sys.argv[1:] if argv is None else list(argv)
    args = _parse(argv)
    as_json = bool(getattr(args, "json", False))
    try:
        if args.command is None:
            return _run_tui(args.sandbox, args.sandbox_app)
        code: int = args.handler(args)
        return code
    except WizardError as exc:
        from wizard.cli.output import report_error

        return report_error(exc, as_json=as_json)
    except KeyboardInterrupt:
        from wizard.cli.output import err

        err("interrupted")
        return int(ExitCode.INTERRUPTED)
    except BrokenPipeError:  # `daemon-wizard ... | head`
        return int(ExitCode.OK)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
