"""`daemon-wizard explain EVIDENCE.json|-`: the diagnosis engine on an evidence document or a pasted error."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from wizard.cli.output import emit_json, err, out
from wizard.errors import UsageError
from wizard.exitcodes import ExitCode


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "explain",
        help="name the cause and the fix from an evidence document or a pasted error",
        description=(
            "Diagnose why a daemon fails. EVIDENCE is a JSON document (config, token_error, client_error, "
            "access_token or token_claims, api, app_registration, now; every part optional)."
        ),
    )
    parser.add_argument(
        "evidence", nargs="?", metavar="EVIDENCE.json|-", help="evidence file, or - for stdin"
    )
    parser.add_argument("--error", metavar="TEXT", help="a pasted error message (or - to read it from stdin)")
    parser.add_argument("--list", action="store_true", help="print every rule: code, title, what it means")
    parser.add_argument("--json", action="store_true", help="stable JSON on stdout")
    parser.set_defaults(handler=run)


def _read(source: str) -> str:
    if source == "-":
        return sys.stdin.read()
    path = Path(source)
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise UsageError(
            f"{source}: no such file", hint="Pass an evidence JSON file, or - for stdin."
        ) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{source} cannot be read ({type(exc).__name__})") from exc


def _evidence(args: argparse.Namespace) -> object:
    if args.error is not None:
        text = sys.stdin.read() if args.error == "-" else args.error
        if not text.strip():
            raise UsageError(
                "The error text is empty", hint='Paste the message: --error "AADSTS7000215: ..."'
            )
        from wizard.diagnosis.evidence import pasted_error_evidence

        base: dict[str, Any] = pasted_error_evidence(text)
        if args.evidence:
            doc = _parse(_read(args.evidence), args.evidence)
            base = {**doc, **base} if isinstance(doc, dict) else base
        return base
    if not args.evidence:
        raise UsageError("Nothing to explain", hint="Pass EVIDENCE.json, -, --error TEXT or --list.")
    return _parse(_read(args.evidence), args.evidence)


def _parse(text: str, source: str) -> object:
    if not text.strip():
        raise UsageError(f"{'stdin' if source == '-' else source} is empty")
    try:
        doc = json.loads(text)
    except (ValueError, RecursionError) as exc:
        where = f" (line {exc.lineno}, column {exc.colno})" if isinstance(exc, json.JSONDecodeError) else ""
        raise UsageError(
            f"{'stdin' if source == '-' else source} is not valid JSON{where}",
            hint="For a pasted error message use --error TEXT (or --error - to read it from stdin).",
        ) from exc
    if not isinstance(doc, dict):
        raise UsageError("The evidence must be a JSON object", hint='e.g. {"token_error": "AADSTS..."}')
    return doc


def _list(as_json: bool) -> int:
    from wizard.diagnosis import RULES

    if as_json:
        emit_json(
            [
                {
                    "code": r.code,
                    "section": r.section,
                    "title": r.title,
                    "meaning": r.meaning,
                    "fix": r.fix,
                    "links": list(r.links),
                }
                for r in RULES
            ]
        )
        return int(ExitCode.OK)
    section = None
    for rule in RULES:
        if rule.section != section:
            section = rule.section
            out(f"\n{section}")
        out(f"  {rule.code:<28} {rule.title}")
        out(f"  {'':<28} {rule.meaning}")
    return int(ExitCode.OK)


def run(args: argparse.Namespace) -> int:
    if args.list:
        return _list(args.json)
    evidence = _evidence(args)
    from wizard.diagnosis import diagnose

    result = diagnose(evidence)
    if args.json:
        emit_json(result.to_dict())
    else:
        _print_human(result)
    return int(ExitCode.OK if result.ok else ExitCode.FAILURE)


def _print_human(result: Any) -> None:
    if not result.findings:
        err(
            "No rule recognised this evidence. Add the token endpoint's error, the API's answer or the token."
        )
        return
    for i, finding in enumerate(result.findings, 1):
        marker = "most likely" if i == 1 and not result.ok else finding.severity
        out(f"{i}. [{finding.code}] {finding.title} ({marker})")
        out(f"   why: {finding.explanation}")
        out(f"   fix: {finding.fix}")
        for link in finding.links:
            out(f"   see: {link}")
        out("")
    out(f"verdict: {result.verdict}")
