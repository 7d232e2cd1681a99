"""`daemon-wizard register plan`: read the tenant and list each step of the daemon's registration (read-only)."""

from __future__ import annotations

import argparse
from typing import Any

from wizard.admin.identity import AdminToken
from wizard.cli.output import emit_json, err, out
from wizard.cli.signin_args import SignInRequest, acquire, add_signin_arguments, report_sign_in_failure
from wizard.errors import TokenError, UsageError, WizardError
from wizard.exitcodes import ExitCode

GRAPH_URL = "https://graph.microsoft.com"


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "register",
        help="plan the daemon's registration: what exists, what will be done, what your roles forbid",
        description="`register plan` reads the tenant as the signed-in user (after `daemon-wizard login`, or a "
        "sign-in now, kept in memory) and lists every step with its Graph scope and the directory role it needs. "
        "`apply` and `undo` are not available yet.",
    )
    parser.add_argument("action", choices=["plan", "apply", "undo"], help="plan (read-only)")
    parser.add_argument("--name", metavar="UNIQUE_NAME", help="the app's unique name (uniqueName)")
    parser.add_argument("--app-id", metavar="ID", help="adopt an existing app by its application (client) ID")
    parser.add_argument(
        "--role",
        action="append",
        default=[],
        metavar="VALUE",
        help="application permission to grant; repeatable",
    )
    parser.add_argument("--credential", choices=["secret", "certificate", "federated"], default="secret")
    parser.add_argument(
        "--graph-url", metavar="URL", default=GRAPH_URL, help="Graph host of the cloud (or a sandbox)"
    )
    parser.add_argument("--json", action="store_true", help="stable JSON on stdout")
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


def run(args: argparse.Namespace) -> int:
    if args.action != "plan":
        raise WizardError(
            f"`register {args.action}` is not available yet", hint="Run `register plan` to see the steps."
        )
    if not args.name and not args.app_id:
        raise UsageError(
            "register plan needs --name (the app's unique name) or --app-id",
            hint="e.g. --name edw-orders-daemon",
        )
    request = SignInRequest.from_args(args)
    try:
        token = _token(args, request)
    except TokenError as exc:
        return report_sign_in_failure(exc, request, as_json=args.json)
    from wizard.admin.plan import plan_registration
    from wizard.admin.tenant_reads import GraphReader, read_tenant
    from wizard.live.http import HttpSettings
    from wizard.live.trace import Trace

    settings = HttpSettings.bounded(min(args.timeout, 120.0), ca_file=args.ca_file)
    reader = GraphReader(token, graph_url=args.graph_url, settings=settings, trace=Trace())
    try:
        facts = read_tenant(reader, unique_name=args.name, app_id=args.app_id)
    finally:
        reader.close()
    name = args.name or str((facts.app or {}).get("displayName") or args.app_id)
    steps = plan_registration(facts, token.identity, name=name, roles=args.role, credential=args.credential)
    blocked = [s for s in steps if s.status == "blocked"]
    if args.json:
        emit_json(
            {
                "steps": [s.to_dict() for s in steps],
                "signed_in": token.identity.to_dict(),
                "tenant": {
                    "id": (facts.organization or {}).get("id"),
                    "type": (facts.organization or {}).get("tenantType"),
                },
                "app": None
                if facts.app is None
                else {"app_id": facts.app.get("appId"), "object_id": facts.app.get("id")},
                "blocked": len(blocked),
            }
        )
    else:
        out(f"signed in as {token.identity.user} ({', '.join(token.identity.roles) or 'no directory role'})")
        for s in steps:
            out(f"[{s.status:>7}] {s.action}: {s.target}  ({s.scope}; {s.role or '-'})  {s.reason}")
    if blocked:
        err(
            f"{len(blocked)} step(s) are not allowed for your role: sign in as someone who holds the role named"
        )
        return int(ExitCode.FAILURE)
    return int(ExitCode.OK)
