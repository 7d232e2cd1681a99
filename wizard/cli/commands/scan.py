"""`daemon-wizard scan PATH`: every daemon config in a tree validated, and what should never be committed."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from wizard.cli.arg_types import days, existing_file, jobs, seconds
from wizard.cli.output import emit_json, err, out
from wizard.errors import UsageError
from wizard.exitcodes import ExitCode


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "scan",
        help="every daemon config in a tree, validated, and committed secrets, keys and certificates",
        description="Find every daemon config (any format `import` reads), validate it, and flag Entra client "
        "secrets, private keys, password-less PFX files, tracked secret files, placeholders, expired or "
        "expiring certificates and NODE_TLS_REJECT_UNAUTHORIZED=0. Exit 1 when an error-level result is found.",
    )
    parser.add_argument("path", metavar="PATH", help="the folder (or file) to scan")
    parser.add_argument("--json", action="store_true", help="stable JSON on stdout")
    parser.add_argument("--sarif", metavar="FILE", help="also write SARIF 2.1.0 (code scanning) to FILE")
    parser.add_argument("--junit", metavar="FILE", help="also write JUnit XML to FILE")
    parser.add_argument(
        "--expiring-within",
        metavar="DAYS",
        type=days,
        default=30,
        help="certificates expiring within DAYS warn",
    )
    parser.add_argument("--no-git", action="store_true", help="do not ask git which files it tracks")
    live = parser.add_argument_group("live checks")
    live.add_argument("--doctor", action="store_true", help="also run doctor on each valid config found")
    live.add_argument("--jobs", type=jobs, default=4, metavar="N", help="doctor runs at once (default 4)")
    live.add_argument(
        "--ca-file", type=existing_file, metavar="PATH", help="extra CA to trust for --doctor (a sandbox)"
    )
    live.add_argument(
        "--timeout", type=seconds, default=30.0, metavar="SECONDS", help="time bound of each doctor run"
    )
    parser.set_defaults(handler=run)


def _write(path: str, data: bytes) -> None:
    """A report (no secret in it: results are masked) replaced atomically; CI overwrites it every run."""
    import os
    import tempfile

    target = Path(path)
    try:
        fd, tmp = tempfile.mkstemp(
            dir=target.parent if str(target.parent) else ".", prefix=f".{target.name}."
        )
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except OSError as exc:
        raise UsageError(f"Cannot write {path}: {exc.strerror or exc}") from exc


def run(args: argparse.Namespace) -> int:
    from wizard.scan import Level, scan_tree
    from wizard.scan.reports import to_junit, to_sarif

    root = Path(args.path).expanduser()
    if not root.exists():
        raise UsageError(
            f"{args.path} does not exist", hint="Give the folder to scan, e.g. `daemon-wizard scan .`"
        )
    report = scan_tree(root, expiring_days=args.expiring_within, use_git=not args.no_git)
    if args.sarif:
        _write(args.sarif, (json.dumps(to_sarif(report), indent=2) + "\n").encode("utf-8"))
    if args.junit:
        _write(args.junit, to_junit(report))
    doctors = []
    if args.doctor:
        from wizard.scan.doctor_each import doctor_all

        doctors = doctor_all(root, report.configs, jobs=args.jobs, ca_file=args.ca_file, timeout=args.timeout)
    failed = [d for d in doctors if d.exit_code != int(ExitCode.OK)]
    if args.json:
        data = report.to_dict()
        if args.doctor:
            data["doctor"] = [d.to_dict() for d in doctors]
        emit_json(data)
    else:
        current = None
        for res in report.results:
            if res.path != current:
                current = res.path
                out(res.path)
            out(f"  {res.line}:{res.column}  {res.effective_level.value:<7}  {res.rule.id}: {res.message}")
        warnings = sum(1 for r in report.results if r.effective_level is Level.WARNING)
        for d in doctors:
            codes = f" ({', '.join(d.findings)})" if d.findings else ""
            out(f"doctor {d.path}: {d.verdict}{codes}" + (f"; {d.error}" if d.error and not codes else ""))
        err(
            f"{report.files_scanned} files, {len(report.configs)} daemon configs: "
            f"{report.errors} errors, {warnings} warnings"
            + (f"; doctor: {len(doctors) - len(failed)} of {len(doctors)} work" if args.doctor else "")
        )
    return int(ExitCode.FAILURE if report.errors or failed else ExitCode.OK)
