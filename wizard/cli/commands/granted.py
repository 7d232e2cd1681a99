"""`daemon-wizard granted`: the application permissions the app already holds on its API, against what the call
needs, and where that was read (the consent step's "Already granted" on the command line)."""

from __future__ import annotations

import argparse
from typing import Any

from wizard.cli.live_args import add_live_arguments, live_input
from wizard.cli.output import emit_json, out
from wizard.exitcodes import ExitCode


def register(sub: Any) -> None:
    p = sub.add_parser(
        "granted",
        help="the application permissions the app already holds on its API, ✓/✗ against what the call needs",
        description="Read what the app is granted: with --admin from Graph as the admin of the login command "
        "(its app role assignments); else with the app's own credential from Graph when it may read them "
        "(Application.Read.All), else from a fresh token's roles claim (the effective grant).",
    )
    add_live_arguments(p, via=False)
    p.add_argument("--admin", action="store_true", help="read with the admin sign-in of the login command")
    p.add_argument("--graph-url", metavar="URL", help="Graph of the tenant's cloud (default: the profile's)")
    p.add_argument("--json", action="store_true", help="stable JSON on stdout")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from wizard.grants import needs_for
    from wizard.live.granted import AdminGraph, granted_report

    with live_input(args) as given:
        graph_url = args.graph_url or given.profile.graph_resource
        admin = None
        if args.admin:
            from wizard.admin.clients import READ_SCOPES
            from wizard.cli.admin_session import login_token

            token, ca_file = login_token(READ_SCOPES, timeout=args.timeout, ca_file=given.ca_file)
            admin = AdminGraph(token, graph_url, ca_file)
        report = granted_report(
            given.profile,
            secret=given.secret,
            needs=tuple(needs_for(given.profile)),
            graph_url=graph_url,
            timeout=args.timeout,
            ca_file=given.ca_file,
            admin=admin,
            connect_to=given.connect_to,
        )
    if args.json:
        emit_json(report.to_dict())
    else:
        for line in report.lines():
            out(line)
    return int(ExitCode.OK if report.complete else ExitCode.FAILURE)
