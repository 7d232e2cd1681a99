"""Generate the README troubleshooting section from the rules registry (`python -m wizard.diagnosis.docs`)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from itertools import groupby
from pathlib import Path

from wizard.diagnosis import engine  # noqa: F401 (loads every rule module)
from wizard.diagnosis.registry import RULES

START = "<!-- troubleshooting:start -->"
END = "<!-- troubleshooting:end -->"


def _cell(text: str) -> str:
    return " ".join(text.replace("|", "\\|").split())


def render_markdown() -> str:
    """Every rule, grouped by section: code, what it means, the fix, links."""
    lines = [
        "Generated from the diagnosis rules (`python -m wizard.diagnosis.docs --write README.md`); "
        "`daemon-wizard explain --list` prints the same.",
        "",
    ]
    for section, rules in groupby(RULES, key=lambda r: r.section):
        lines += [f"### {section}", "", "| code | what it means | fix |", "|---|---|---|"]
        for rule in rules:
            links = " ".join(f"[{i}]({url})" for i, url in enumerate(rule.links, 1))
            fix = _cell(rule.fix) + (f" {links}" if links else "")
            lines.append(f"| `{rule.code}` | **{_cell(rule.title)}.** {_cell(rule.meaning)} | {fix} |")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def section_of(readme: str) -> str | None:
    """The text between the troubleshooting markers (without them), or None if absent."""
    if START not in readme or END not in readme:
        return None
    return readme.split(START, 1)[1].split(END, 1)[0].strip("\n") + "\n"


def replace_section(readme: str) -> str:
    """README text with the troubleshooting section regenerated (appended when the markers are missing)."""
    body = f"{START}\n{render_markdown()}{END}"
    if START in readme and END in readme:
        head, rest = readme.split(START, 1)
        return head + body + rest.split(END, 1)[1]
    return readme.rstrip("\n") + "\n\n## Troubleshooting\n\n" + body + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", metavar="README", help="rewrite the section in this file")
    args = parser.parse_args(argv)
    if args.write:
        path = Path(args.write)
        path.write_text(replace_section(path.read_text(encoding="utf-8")), encoding="utf-8")
    else:
        sys.stdout.write(render_markdown())
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
