"""`daemon-wizard import FILE`: read a sample's config into a profile and report what is still wrong in it."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from wizard.cli.output import emit_json, err, out
from wizard.exitcodes import ExitCode


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "import",
        help="read a sample's config file into a profile; report placeholders, missing and malformed keys",
        description="The format is detected from the content. Exit 0 when the file is complete, 1 otherwise.",
    )
    parser.add_argument("file", type=Path, metavar="FILE")
    parser.add_argument("--save", metavar="NAME", help="save the profile (never the secret) under this name")
    parser.add_argument("--force", action="store_true", help="replace a saved profile of that name")
    parser.add_argument("--json", action="store_true", help="stable JSON on stdout")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from wizard.configs import import_config
    from wizard.configs.profile_toml import profile_to_dict

    report = import_config(args.file)
    saved = None
    if args.save:
        from wizard.profile_store import save_profile

        saved = save_profile(report.profile, name=args.save, force=args.force)
    code = ExitCode.OK if report.ok else ExitCode.FAILURE
    if args.json:
        data = report.to_dict()
        data["saved"] = saved.to_dict() if saved else None
        emit_json(data)
        return int(code)
    out(f"format: {report.format}")
    for key, value in profile_to_dict(report.profile).items():
        out(f"  {key}: {value}")
    out(f"  secret: {report.secret.masked if report.secret else '(none)'}")
    for key, text in report.placeholders:
        out(f"placeholder: {key}: {text}")
    for key in report.missing:
        out(f"missing: {key}")
    for key, problem in report.malformed:
        out(f"malformed: {key}: {problem}")
    for warning in report.warnings:
        err(f"warning: {warning}")
    if saved:
        out(f"saved profile to {saved.path} (no secret)")
    out("ok: the file is complete" if report.ok else "not ready: fix the lines above")
    return int(code)
