"""`daemon-wizard doctor`: validate, token, decode, API call, diagnosis; one verdict with the fixes."""

from __future__ import annotations

import argparse
from typing import Any

from wizard.cli.live_args import add_live_arguments, live_input, trace_for
from wizard.cli.output import emit_json, err, out


def register(sub: Any) -> None:
    p = sub.add_parser("doctor", help="find out whether the daemon works and, if not, why and how to fix it")
    add_live_arguments(p)
    p.add_argument("--path", metavar="PATH", help="another path under the API base URL")
    p.add_argument("--crud", action="store_true", help="own API: run the ToDo CRUD sequence")
    p.add_argument(
        "--no-issuer-check",
        action="store_true",
        help="federated credential: skip checking the issuer's discovery and keys before the token request",
    )
    p.add_argument("--verbose", action="store_true", help="add the step trace (stderr, or in --json)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from wizard.live.doctor import DoctorOptions, run_doctor

    opts = DoctorOptions(
        via=args.via,
        thumbprint=args.thumbprint,
        path=args.path,
        crud=args.crud,
        timeout=args.timeout,
        check_issuer=not args.no_issuer_check,
    )
    with live_input(args) as given:
        report = run_doctor(
            given.profile,
            secret=given.secret,
            ca_file=given.ca_file,
            options=opts,
            use_env_proxies=given.use_env_proxies,
            trace=trace_for(args, given),
            registration=given.registration,
            connect_to=given.connect_to,
        )
    if args.json:
        emit_json(report.to_dict(verbose=args.verbose))
        return int(report.exit_code)
    out(f"verdict: {report.verdict}")
    if report.token:
        roles = ", ".join(report.token.get("roles") or []) or "(none)"
        out(
            f"token:   {report.token['source'].replace('_', ' ')}, roles {roles}, aud {report.token.get('aud')}"
        )
    for api in report.api:
        out(f"api:     {api.method} {api.url} -> {api.status}")
    for finding in report.findings:
        out("")
        out(f"[{finding.severity}] {finding.code}: {finding.title}")
        if finding.explanation:
            out(f"  why: {finding.explanation}")
        if finding.fix:
            out(f"  fix: {finding.fix}")
        for link in finding.links:
            out(f"  see: {link}")
    if report.error is not None and args.verbose:
        err(f"stopped at: {report.error.kind}: {report.error.title}")
    return int(report.exit_code)
