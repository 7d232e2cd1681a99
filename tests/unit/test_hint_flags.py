"""Every `--flag` a hint or fix names exists: on the command the text names, or on the commands that show it.

A hint that names a flag the command does not have (`--passphrase-stdin` on doctor) sends the user to a dead
end. Texts are read from the source (every string in wizard/), so a new hint is checked without a new test.
"""

from __future__ import annotations

import argparse
import ast
import re
from pathlib import Path

import pytest

from wizard.certs.load import FORMATS_HINT, PASSPHRASE_HINT
from wizard.cli.main import build_parser

ROOT = Path(__file__).resolve().parents[2]
FLAG = re.compile(r"(?<![\w-])--([a-z][a-z0-9-]*)")
#: `daemon-wizard CMD [SUB]` or another program; the last one before a flag is the flag's owner.
COMMAND = re.compile(
    r"daemon-wizard\s+(?P<ours>[a-z-]+(?:\s+[a-z-]+)?)|(?P<other>\baz\s|\bnode\s|\bgit\s|"
    r"\bopenssl\s|\bgh\s|python -m|\bnpm\s|\bdotnet\s|\bkubectl\s|\bpip\s)"
)
#: Modules whose hints are shown by every command that reads key and certificate files.
CERT_READERS = ("cert inspect", "token", "probe", "doctor", "export")


def _commands() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}

    def walk(parser: argparse.ArgumentParser, path: str) -> None:
        found[path] = {o for a in parser._actions for o in a.option_strings if o.startswith("--")}
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    walk(sub, f"{path} {name}".strip())

    walk(build_parser(), "")
    return found


COMMANDS = _commands()
EVERY_FLAG = set().union(*COMMANDS.values())


def _texts(path: Path) -> list[str]:
    """The string literals of a module (f-strings as their literal parts joined), but not bare flags
    (`"--json"` as an argparse definition or an argv element)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    # An f-string's literal parts are read together with it (with `{}` for each value), not alone.
    parts = {id(v) for n in ast.walk(tree) if isinstance(n, ast.JoinedStr) for v in n.values}
    texts: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            texts.append("".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values))
        elif id(node) in parts:
            continue
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and not re.fullmatch(r"--?[a-z0-9-]+", node.value)
        ):
            texts.append(node.value)
    return texts


def _flags_with_owner(text: str) -> list[tuple[str, str | None]]:
    """(flag, the daemon-wizard command it is written after, or None); flags of other programs left out."""
    result: list[tuple[str, str | None]] = []
    for match in FLAG.finditer(text):
        owners = list(COMMAND.finditer(text[: match.start()]))
        owner = owners[-1] if owners else None
        if owner is not None and owner.group("other"):
            continue
        result.append((f"--{match.group(1)}", _command(owner.group("ours")) if owner is not None else None))
    return result


def _command(words: str) -> str:
    """`cert new` when that is a command, else the first word (`doctor --json` is `doctor`)."""
    return words if words in COMMANDS else words.split()[0]


def _sources() -> list[Path]:
    return sorted(
        p for p in (ROOT / "wizard").rglob("*.py") if "sandbox" not in p.parts or p.name == "server.py"
    )


def test_the_scan_sees_hints() -> None:
    # The scan must find the flags hints do name, or the tests below would pass on nothing.
    found = {flag for path in _sources() for text in _texts(path) for flag, _ in _flags_with_owner(text)}
    assert {"--passphrase-file", "--ca-file", "--force", "--timeout"} <= found


@pytest.mark.parametrize("path", _sources(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_flag_in_a_hint_exists(path: Path) -> None:
    wrong = []
    for text in _texts(path):
        for flag, owner in _flags_with_owner(text):
            known = COMMANDS.get(owner or "", set()) if owner and owner in COMMANDS else EVERY_FLAG
            if flag not in known:
                wrong.append(
                    f"{flag} ({'daemon-wizard ' + owner if owner else 'no command has it'}): {text[:80]!r}"
                )
    assert wrong == []


def test_key_file_hints_name_flags_of_every_command_that_reads_key_files() -> None:
    # Shown wherever a key or PFX is read: `cert inspect`, the live commands and `export`.
    wrong = [
        f"{flag} missing on {cmd}"
        for text in (PASSPHRASE_HINT, FORMATS_HINT)
        for flag, _ in _flags_with_owner(text)
        for cmd in CERT_READERS
        if flag not in COMMANDS[cmd]
    ]
    assert wrong == []


def test_live_credential_hints_name_flags_of_the_live_commands() -> None:
    # wizard/live/credential.py speaks for token, probe and doctor.
    wrong = [
        f"{flag} missing on {cmd}"
        for text in _texts(ROOT / "wizard" / "live" / "credential.py")
        for flag, owner in _flags_with_owner(text)
        if owner is None
        for cmd in ("token", "probe", "doctor")
        if flag not in COMMANDS[cmd]
    ]
    assert wrong == []
