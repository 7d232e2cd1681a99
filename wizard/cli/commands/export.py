"""`daemon-wizard export`: write the profile as a sample daemon's config (or all of them) safely."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from wizard.cli.output import emit_json, err, out
from wizard.cli.profile_args import (
    ProfileInput,
    add_federated_arguments,
    add_profile_arguments,
    passphrase_from_args,
)
from wizard.cli.sandbox_input import add_sandbox_arguments, given_profile
from wizard.errors import UsageError
from wizard.exitcodes import ExitCode
from wizard.profile import Profile


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "export",
        help="write a config file for an official sample daemon or azure-identity",
        description="Write the profile in a sample's own config format: atomic, 0600 for secrets, "
        "never overwriting without --force (a backup is kept).",
    )
    parser.add_argument(
        "--format", dest="fmt", metavar="NAME", help="a format name, or 'all' (with --out DIR)"
    )
    parser.add_argument(
        "--out",
        metavar="PATH",
        help="file to write, or a folder (existing, or ending in /) to write the format's file in; "
        "a folder for --format all",
    )
    parser.add_argument("--force", action="store_true", help="replace an existing file (keeps a .bak)")
    parser.add_argument("--dry-run", action="store_true", help="show the diff; write nothing")
    parser.add_argument("--list-formats", action="store_true", help="list the formats and exit")
    parser.add_argument("--json", action="store_true", help="stable JSON on stdout")
    add_profile_arguments(parser, with_passphrase=True)
    add_federated_arguments(parser)
    add_sandbox_arguments(parser)
    parser.set_defaults(handler=run)


def _list(as_json: bool) -> int:
    from wizard.configs import FORMATS

    if as_json:
        emit_json(
            {
                "formats": [
                    {"name": f.name, "title": f.title, "filename": f.filename, "secret": f.secret_bearing}
                    for f in FORMATS.values()
                ]
            }
        )
    else:
        for f in FORMATS.values():
            out(f"{f.name:<20} {f.filename:<24} {f.title}")
    return int(ExitCode.OK)


def _refuse_invalid(profile: Profile) -> None:
    """A config that cannot work is not written; a missing secret is fine (the sample's placeholder stays)."""
    from wizard.validation import validate_profile

    errors = [p for p in validate_profile(profile, need_secret=False) if p.severity == "error"]
    if errors:
        first = errors[0]
        more = (
            f" (and {len(errors) - 1} more: run `daemon-wizard validate` with the same input)"
            if len(errors) > 1
            else ""
        )
        raise UsageError(f"Not exported: {first.field}: {first.message}{more}", hint=first.fix)


def run(args: argparse.Namespace) -> int:
    if args.list_formats:
        return _list(args.json)
    if not args.fmt:
        raise UsageError(
            "No --format given", hint="Pick one of `daemon-wizard export --list-formats`, or all."
        )
    with given_profile(args) as given:
        if args.sandbox is not None:
            given.warnings.append(
                "the in-process sandbox stops when this command ends: the exported authority "
                f"({given.profile.instance}) answers only while a sandbox runs there; for one that stays, "
                "run `daemon-wizard sandbox --port PORT --data-dir DIR` and then `daemon-wizard export` with the profile flags"
            )
        return _export(args, given)


def _export(args: argparse.Namespace, given: ProfileInput) -> int:
    from wizard.configs import export_all, export_config

    profile, secret = given.profile, given.secret
    for warning in given.warnings:
        err(f"warning: {warning}")
    passphrase = passphrase_from_args(args)
    _refuse_invalid(profile)
    if args.fmt == "all":
        if args.out is None:
            raise UsageError("--format all needs --out DIR", hint="Each format goes to DIR/<format>/<file>.")
        results = export_all(
            profile,
            secret=secret,
            out_dir=Path(args.out),
            force=args.force,
            dry_run=args.dry_run,
            passphrase=passphrase,
        )
    else:
        results = [
            export_config(
                profile,
                args.fmt,
                secret=secret,
                out=args.out,
                force=args.force,
                dry_run=args.dry_run,
                passphrase=passphrase,
            )
        ]
    if args.json:
        emit_json({"ok": True, "results": [r.to_dict() for r in results]})
        for result in results:
            for warning in result.warnings:
                err(f"warning: {warning}")
        return int(ExitCode.OK)
    for result in results:
        if result.path is None and result.text is not None:
            out(result.text.rstrip("\n"))
        elif result.dry_run:
            out(result.diff or f"{result.path}: no change")
        for written in result.written:
            backup = f", previous kept as {written.backup}" if written.backup else ""
            out(f"wrote {written.path} (mode {written.mode:o}{backup})")
        for warning in result.warnings:
            err(f"warning: {warning}")
        for step in result.next_steps:
            out(f"next: {step}")
    return int(ExitCode.OK)
