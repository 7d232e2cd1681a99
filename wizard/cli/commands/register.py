"""`daemon-wizard register plan`: read the tenant and list each step of the daemon's registration (read-only)."""

from __future__ import annotations

import argparse
from typing import Any

from wizard.admin.identity import AdminToken
from wizard.cli.output import emit_json, err, out
from wizard.cli.signin_args import SignInRequest, add_signin_arguments, report_sign_in_failure
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
        "--graph-url",
        metavar="URL",
        help=f"Graph host of the cloud (or a sandbox); default {GRAPH_URL}, or the Graph of --cloud",
    )
    parser.add_argument("--json", action="store_true", help="stable JSON on stdout")
    from wizard.cli.commands.register_apply import add_apply_arguments

    add_apply_arguments(parser)
    from wizard.cli.federated_args import add_federated_arguments

    add_federated_arguments(parser)
    add_signin_arguments(parser)
    parser.set_defaults(handler=run)


def signed_in(args: argparse.Namespace) -> AdminToken | int:
    """The admin token for reading (User.Read, Application.Read.All), or the exit code of a sign-in failure
    (already reported). The sign-in stays open on `args.signin` for the scopes apply or undo need later."""
    from wizard.cli.signin_steps import StepSignIn

    request = SignInRequest.from_args(args)
    if args.graph_url is None:
        args.graph_url = (
            request.cloud.graph_url
        )  # the Graph of the cloud (--cloud, --authority) when not given
    args.signin = StepSignIn(args, request)
    try:
        return args.signin.first()  # type: ignore[no-any-return]
    except TokenError as exc:
        return report_sign_in_failure(exc, request, as_json=args.json)


def signed_in_for(args: argparse.Namespace, steps: list[str]) -> AdminToken | int:
    """A token for `steps` from the same sign-in (after `signed_in`): asked for only when a step needs it."""
    try:
        return args.signin.more(steps)  # type: ignore[no-any-return]
    except TokenError as exc:
        return report_sign_in_failure(exc, args.signin.request, as_json=args.json)


def plan_steps(plan: Any) -> list[str]:
    """The sign-in steps `apply` of this plan needs: write for a step not done, consent for a consent step."""
    from wizard.admin.clients import steps_for_plan

    return steps_for_plan([("todo" if s.status != "done" else "done", s.scope) for s in plan.steps])


def undo_steps(journal: Any) -> list[str]:
    """Undo deletes (write); it revokes app role assignments (consent) only when apply granted some."""
    kinds = {e.kind for e in journal.pending()}
    return ["read", "apply", *(["consent"] if "app_role_assignment" in kinds else [])]


def run(args: argparse.Namespace) -> int:
    try:
        return _run(args)
    finally:
        signin = getattr(args, "signin", None)
        if signin is not None:
            signin.close()


def _run(args: argparse.Namespace) -> int:
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
        if s.request and s.status != "done":
            out(f"          {s.request}")
    out(f"plan fingerprint: {plan.fingerprint}")
