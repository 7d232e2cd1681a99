"""`daemon-wizard register plan`: read the tenant and list each step of the daemon's registration (read-only)."""

from __future__ import annotations

import argparse
from typing import Any

from wizard.admin.identity import AdminToken
from wizard.cli.output import emit_json, err, out
from wizard.cli.signin_args import SignInRequest, acquire, add_signin_arguments, report_sign_in_failure
from wizard.errors import TokenError
from wizard.exitcodes import ExitCode

GRAPH_URL = "https://graph.microsoft.com"


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "register",
        help="plan the daemon's registration: what exists, what will be done, what your roles forbid",
        description="`register plan` reads the tenant as the signed-in user (after `daemon-wizard login`, or a "
        "sign-in now, kept in memory) and lists every step with its Graph scope and the directory role it needs. "
        "`daemon-wizard register apply` executes it after confirmation (--yes for scripts), refusing a plan the tenant has outgrown, then "
        "proves a token and runs doctor on the app; `undo` removes what the journal says apply created.",
    )
    parser.add_argument(
        "action", choices=["plan", "apply", "undo"], help="plan (read-only), apply (writes), undo (removes)"
    )
    parser.add_argument("--name", metavar="UNIQUE_NAME", help="the app's unique name (uniqueName)")
    parser.add_argument("--app-id", metavar="ID", help="adopt an existing app by its application (client) ID")
    parser.add_argument(
        "--role",
        action="append",
        default=[],
        metavar="VALUE",
        help="application permission to grant; repeatable",
    )
    parser.add_argument(
        "--credential",
        choices=["secret", "certificate", "federated"],
        default="secret",
        help="what apply adds: a secret (default), a certificate, or a federated credential (with --federated-issuer and --federated-subject)",
    )
    parser.add_argument(
        "--graph-url", metavar="URL", default=GRAPH_URL, help="Graph host of the cloud (or a sandbox)"
    )
    parser.add_argument("--json", action="store_true", help="stable JSON on stdout")
    from wizard.cli.commands.register_apply import add_apply_arguments

    add_apply_arguments(parser)
    from wizard.cli.federated_args import add_federated_arguments

    add_federated_arguments(parser)
    add_signin_arguments(parser)
    parser.set_defaults(handler=run)


def _token(args: argparse.Namespace, request: SignInRequest) -> AdminToken:
    """The cached `login` when it is for this authority and client, else a sign-in now (memory only)."""
    from wizard.admin.clients import ClientChoice
    from wizard.admin.signin import AdminSignIn
    from wizard.admin.token_cache import existing_cache, load_record
    from wizard.live.http import HttpSettings

    record = load_record()
    if (
        record is not None
        and request.flow != "azure_cli"
        and record.authority == request.authority
        and (args.client_id is None or args.client_id.lower() == record.client_id)
    ):
        settings = HttpSettings.bounded(min(args.timeout, 60.0), ca_file=args.ca_file or record.ca_file)
        signin = AdminSignIn(
            authority=record.authority,
            client=ClientChoice(record.client_id, own=True),
            settings=settings,
            cache=existing_cache(record),
        )
        try:
            cached = signin.silent(request.scopes)
        finally:
            signin.close()
        if cached is not None:
            return cached
    if request.client.notice and request.flow != "azure_cli":
        err(request.client.notice)
    return acquire(args, request)


def signed_in(args: argparse.Namespace) -> AdminToken | int:
    """The admin token for this run, or the exit code of a sign-in failure (already reported)."""
    if args.step is None and args.action in ("apply", "undo"):
        # undo also revokes the app role assignments apply granted (AppRoleAssignment.ReadWrite.All)
        args.step = ["apply", "consent"]
    request = SignInRequest.from_args(args)
    try:
        return _token(args, request)
    except TokenError as exc:
        return report_sign_in_failure(exc, request, as_json=args.json)


def run(args: argparse.Namespace) -> int:
    from wizard.cli.commands.register_apply import registration_request, run_apply, run_undo

    if args.action == "undo":
        return run_undo(args)
    request = registration_request(args)  # bad input is refused before any sign-in
    if args.action == "apply":
        return run_apply(args, request)
    token = signed_in(args)
    if isinstance(token, int):
        return token
    from wizard.cli.commands.register_apply import read_plan

    plan = read_plan(args, token, request)
    blocked = plan.blocked
    if args.json:
        emit_json(plan.to_dict())
    else:
        print_plan(plan)
    if blocked:
        err(
            f"{len(blocked)} step(s) are not allowed for your role: sign in as someone who holds the role named"
        )
        return int(ExitCode.FAILURE)
    return int(ExitCode.OK)


def print_plan(plan: Any) -> None:
    who = plan.signed_in
    out(f"signed in as {who.get('user')} ({', '.join(who.get('roles') or []) or 'no directory role'})")
    for s in plan.steps:
        out(f"[{s.status:>7}] {s.action}: {s.target}  ({s.scope}; {s.role or '-'})  {s.reason}")
    out(f"plan fingerprint: {plan.fingerprint}")
