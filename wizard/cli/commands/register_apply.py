"""`daemon-wizard register apply | undo`: the flags, the confirmation, progress on stderr, the result on stdout."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from wizard.cli.output import emit_json, err, out
from wizard.errors import UsageError
from wizard.exitcodes import ExitCode

if TYPE_CHECKING:
    from wizard.admin.apply import ApplyResult, ProgressEvent
    from wizard.admin.identity import AdminToken
    from wizard.admin.registration import RegistrationPlan, RegistrationRequest


def add_apply_arguments(parser: argparse.ArgumentParser) -> None:
    g = parser.add_argument_group("apply and undo")
    g.add_argument("--yes", action="store_true", help="apply without asking (scripts)")
    g.add_argument(
        "--resource", metavar="UNIQUE_NAME", help="the team's own API (created if missing); else Graph"
    )
    g.add_argument("--identifier-uri", metavar="URI", help="the own API's App ID URI (default api://{appId})")
    g.add_argument("--certificate", metavar="PATH", help="with --credential certificate: upload this one")
    g.add_argument(
        "--secret-out", metavar="PATH", help="where the new secret is written (0600, never over a file)"
    )
    g.add_argument(
        "--secret-days", type=int, default=180, metavar="DAYS", help="secret lifetime (tenant policy caps it)"
    )
    g.add_argument(
        "--rotate", action="store_true", help="add a credential, prove a token, then remove the old ones"
    )
    g.add_argument("--journal", metavar="PATH", help="what apply created (default: beside the profiles)")
    g.add_argument("--fingerprint", metavar="HEX", help="apply only if the tenant still matches this plan's")
    g.add_argument("--display-name", metavar="NAME", help="the new app's display name (default: --name)")
    g.add_argument("--no-verify", action="store_true", help="skip the token proof and doctor after apply")
    g.add_argument(
        "--purge", action="store_true", help="undo: delete apps permanently (frees the unique name)"
    )
    g.add_argument("--verbose", action="store_true", help="show every Graph exchange (redacted)")


def registration_request(args: argparse.Namespace) -> RegistrationRequest:
    from wizard.admin.registration import RegistrationRequest
    from wizard.cli.federated_args import federated_request

    if args.certificate and args.credential != "certificate":
        raise UsageError("--certificate goes with --credential certificate")
    if args.credential == "federated" and args.rotate:
        raise UsageError(
            "--rotate goes with a secret or certificate; a federated credential is upserted by name"
        )
    return RegistrationRequest(
        federated=federated_request(args),
        name=args.name,
        app_id=args.app_id,
        roles=tuple(args.role),
        credential=args.credential,
        resource=args.resource,
        identifier_uri=args.identifier_uri,
        secret_days=args.secret_days,
        certificate=args.certificate,
        rotate=args.rotate,
        display_name=args.display_name,
    )


def read_plan(args: argparse.Namespace, token: AdminToken, request: RegistrationRequest) -> RegistrationPlan:
    from wizard.admin.registration import read_plan as plan_now

    return plan_now(
        token, request, graph_url=args.graph_url, ca_file=args.ca_file, timeout=min(args.timeout, 120.0)
    )


def _confirm(args: argparse.Namespace, plan: RegistrationPlan) -> bool:
    if args.yes:
        return True
    if not sys.stdin.isatty():
        raise UsageError("register apply asks before it writes; no terminal to ask on", hint="Pass --yes.")
    sys.stderr.write("Apply these steps to the tenant? [y/N] ")
    sys.stderr.flush()
    return sys.stdin.readline().strip().lower() in ("y", "yes")


def _progress(event: ProgressEvent) -> None:
    detail = f"  {event.detail}" if event.detail else ""
    err(f"  {event.status:>8}  {event.step}: {event.target}{detail}")


def _authority_host(args: argparse.Namespace) -> str:
    from urllib.parse import urlsplit

    from wizard.cli.signin_args import authority_of

    parts = urlsplit(authority_of(args))
    return f"{parts.scheme}://{parts.netloc}"


def run_apply(args: argparse.Namespace, request: RegistrationRequest) -> int:
    from wizard.admin.apply import ApplyOptions, apply
    from wizard.admin.journal import default_path
    from wizard.cli.commands.register import plan_steps, print_plan, signed_in, signed_in_for
    from wizard.live.trace import Trace

    token = signed_in(args)
    if isinstance(token, int):
        return token
    plan = read_plan(args, token, request)
    if args.fingerprint and args.fingerprint.strip().lower() != plan.fingerprint:
        from wizard.admin.apply import StalePlan

        raise StalePlan(hint="The plan you reviewed no longer matches the tenant: run `register plan` again.")
    if not args.json:
        print_plan(plan)
    if not _confirm(args, plan):
        err("nothing applied")
        return int(ExitCode.FAILURE)
    token = signed_in_for(args, plan_steps(plan))  # the write (and consent) scopes only if a step needs them
    if isinstance(token, int):
        return token
    from wizard.cli.federated_args import token_source

    trace = Trace()
    token_file, token_command = token_source(args)
    options = ApplyOptions(
        federated_token_file=token_file,
        federated_token_command=token_command,
        journal_path=Path(args.journal).expanduser()
        if args.journal
        else default_path(plan.tenant_id, request.name or request.app_id or ""),
        secret_out=Path(args.secret_out).expanduser() if args.secret_out else None,
        authority_host=_authority_host(args),
        ca_file=args.ca_file,
        verify=not args.no_verify,
        trace=trace,
    )
    result = apply(plan, token, options, progress=_progress)
    if args.verbose:
        for line in trace.lines():
            err(line)
    return _report(result, as_json=args.json)


def _report(result: ApplyResult, *, as_json: bool) -> int:
    if as_json:
        emit_json(result.to_dict())
    else:
        out(f"client_id:  {result.client_id}")
        out(f"tenant_id:  {result.tenant_id}")
        out(f"object_id:  {result.object_id}")
        if result.secret_file:
            out(f"secret:     {result.secret_masked} (written once to {result.secret_file}, mode 0600)")
        if result.certificate:
            out(
                f"certificate: {result.certificate.get('thumbprint_sha1')} ({result.certificate.get('cert_path')})"
            )
        if result.federated_credential:
            fic = result.federated_credential
            out(f"federated:  {fic.get('name')} (issuer {fic.get('issuer')}, subject {fic.get('subject')})")
        if result.authority:
            out(f"authority:  {result.authority} ({result.tenant_type})")
        out(f"created:    {len(result.created)} object(s); journal {result.journal}")
        if result.verified is not None:
            out(f"verified:   {'a token was issued' if result.verified else 'not yet (see the findings)'}")
        if result.prove_with:
            out(f"to prove:   {result.prove_with}")
        if result.doctor:
            out(f"doctor:     {result.doctor.get('verdict')}")
        for f in result.findings:
            err(f"{f.code}: {f.title}")
            err(f"  {f.explanation}")
            err(f"  fix: {f.fix}")
    return int(ExitCode.OK if result.ok else ExitCode.FAILURE)


def run_undo(args: argparse.Namespace) -> int:
    from wizard.admin.journal import Journal, default_path
    from wizard.admin.undo import UndoOptions, undo
    from wizard.cli.commands.register import signed_in, undo_steps

    if args.journal:
        journal = Journal.load(args.journal)
    elif args.name:
        found = sorted((default_path("x", args.name).parent).glob(f"*-{args.name}.json"))
        if len(found) != 1:
            raise UsageError(
                f"{'No' if not found else 'More than one'} journal for --name {args.name}",
                hint="Give --journal PATH (printed by `register apply`).",
            )
        journal = Journal.load(found[0])
    else:
        raise UsageError("register undo needs --journal PATH (or --name of an app this tool created)")
    if not journal.pending():
        if args.json:
            emit_json({"removed": [], "already_gone": [], "findings": [], "journal": str(journal.path)})
        else:
            out(f"nothing to undo: {journal.path} lists nothing left")
        return int(ExitCode.OK)
    if not args.json:
        for e in journal.pending():
            out(
                f"will remove {e.kind}: {e.label or e.object_id} ({e.object_id}{' key ' + e.key_id if e.key_id else ''})"
            )
    if not args.yes and not sys.stdin.isatty():
        raise UsageError("register undo asks before it deletes; no terminal to ask on", hint="Pass --yes.")
    if not args.yes:
        sys.stderr.write("Remove these? [y/N] ")
        sys.stderr.flush()
        if sys.stdin.readline().strip().lower() not in ("y", "yes"):
            err("nothing removed")
            return int(ExitCode.FAILURE)
    args.step = args.step or undo_steps(journal)
    token = signed_in(args)
    if isinstance(token, int):
        return token
    graph_url = args.graph_url if args.graph_url != "https://graph.microsoft.com" else None
    result = undo(
        journal,
        token,
        UndoOptions(graph_url=graph_url or journal.graph_url, purge=args.purge, ca_file=args.ca_file),
        progress=_progress,
    )
    if args.json:
        emit_json(result.to_dict())
    else:
        out(
            f"removed {len(result.removed)}, already gone {len(result.already_gone)}; journal {result.journal}"
        )
        for f in result.findings:
            err(f"{f.code}: {f.title}\n  {f.explanation}\n  fix: {f.fix}")
    return int(ExitCode.OK if result.ok else ExitCode.FAILURE)
