"""`daemon-wizard validate`: every problem in the profile, each with its fix."""

from __future__ import annotations

import argparse
from typing import Any

from wizard.cli.output import emit_json, err, out
from wizard.cli.profile_args import ProfileInput, add_federated_arguments, add_profile_arguments
from wizard.cli.sandbox_input import add_sandbox_arguments, given_profile
from wizard.diagnosis.texts import problem_dict, problem_finding
from wizard.exitcodes import ExitCode
from wizard.validation import validate_profile


def register(sub: Any) -> None:
    p = sub.add_parser("validate", help="check a profile and print every problem with its fix")
    add_profile_arguments(p)
    add_federated_arguments(p)
    add_sandbox_arguments(p)
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    with given_profile(args) as given:
        return _report(args, given)


def _report(args: argparse.Namespace, given: ProfileInput) -> int:
    problems = validate_profile(given.profile, secret=given.secret)
    errors = [p for p in problems if p.severity == "error"]
    if args.json:
        from wizard.profile_store import profile_to_dict

        emit_json(
            {
                "ok": not errors,
                "source": given.source,
                "profile": profile_to_dict(given.profile),
                "secret": given.secret.masked if given.secret else None,
                "problems": [problem_dict(p) for p in problems],
                "warnings": given.warnings,
            }
        )
    else:
        for w in given.warnings:
            err(f"warning: {w}")
        if not problems:
            out("No problems found.")
        for p in problems:
            # Title and fix from the rules registry, as `explain` and `doctor` give them for the same code.
            finding = problem_finding(p)
            out(f"{p.severity:7} {p.field}: {p.message}")
            if finding.title != p.message:
                out(f"        [{p.code}] {finding.title}")
                if p.fix and p.fix != finding.fix:
                    out(f"        hint: {p.fix}")
            out(f"        fix: {finding.fix}")
    return int(ExitCode.FAILURE if errors else ExitCode.OK)
