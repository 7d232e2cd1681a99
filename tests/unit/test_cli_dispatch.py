"""A command named first is parsed by a parser holding only that command, exactly as the whole one would."""

from __future__ import annotations

import argparse

import pytest

from wizard.cli.main import COMMAND_MODULES, _parse, build_parser, command_name


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


WHOLE = _subcommands(build_parser())


def test_every_command_module_registers_the_command_its_name_says() -> None:
    assert sorted(command_name(m) for m in COMMAND_MODULES) == sorted(WHOLE)


@pytest.mark.parametrize("command", sorted(WHOLE))
def test_the_single_command_parser_matches_the_whole_one(command: str) -> None:
    alone = _subcommands(build_parser(command))
    assert list(alone) == [command]
    assert alone[command].format_help() == WHOLE[command].format_help()


@pytest.mark.parametrize(
    "argv", [[], ["--sandbox"], ["--sandbox", "scenario.json"], ["--sandbox-app", "cert-daemon"]]
)
def test_the_tuis_own_options_parse_as_with_the_whole_parser(argv: list[str]) -> None:
    assert _parse(argv) == build_parser().parse_args(argv)


def test_an_unknown_command_after_an_option_is_named_with_the_commands(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as info:
        _parse(["--sandbox", "x", "nosuch"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "invalid choice: 'nosuch'" in err and "'doctor'" in err
