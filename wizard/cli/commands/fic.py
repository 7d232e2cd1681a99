"""`daemon-wizard fic diff | subject`: federated credentials, the presented token against every credential,
and the subject an issuer will present."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from wizard.cli.output import emit_json, out
from wizard.cli.profile_args import add_profile_arguments
from wizard.errors import TokenFormatError, UsageError
from wizard.exitcodes import ExitCode

#: An external token is a few KiB; a file much larger is not one.
_MAX_TOKEN_BYTES = 64 * 1024
GRAPH_URL = "https://graph.microsoft.com"  # as wizard.cli.fic_remote.GRAPH_URL, without importing it here


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "fic",
        help="federated credentials: diff a presented token against the app's, predict a subject",
        description="Workload identity federation: why Entra found no matching federated credential.",
    )
    fic = parser.add_subparsers(dest="fic_command", metavar="ACTION", required=True)
    d = fic.add_parser(
        "diff",
        help="the presented external token against every federated credential of the app",
        description="Compare the token's iss, sub and aud with every federated credential, character by "
        "character; name the closest one, the exact difference and the credential that would match.",
    )
    d.add_argument(
        "--token-file", metavar="PATH", help="the external token (or AZURE_FEDERATED_TOKEN_FILE); - for stdin"
    )
    d.add_argument(
        "--credentials",
        metavar="FILE",
        help="the app's federated credentials as JSON (`az ad app federated-credential list` or Graph's answer)",
    )
    d.add_argument(
        "--app-id",
        metavar="ID",
        help="the app whose federated credentials are read from Graph: as the admin signed in with the "
        "login command, or with --as-app with the profile's own app token (an app that may read others)",
    )
    d.add_argument(
        "--as-app",
        action="store_true",
        help="read them with the app's own token (the profile's secret or certificate; Graph allows it with "
        "Application.Read.All, Application.ReadWrite.All, or Application.ReadWrite.OwnedBy as an owner). "
        "Without a source flag, a profile with a secret or certificate is read this way",
    )
    d.add_argument(
        "--graph-url", metavar="URL", default=GRAPH_URL, help="Graph host of the cloud (or a sandbox)"
    )
    d.add_argument(
        "--check-issuer",
        action="store_true",
        help="also check the issuer as Entra will: discovery and keys reachable, RS256, the token's kid published",
    )
    d.add_argument(
        "--fix",
        action="store_true",
        help="write the credential that makes the match true (upsert by name; with --app-id and an admin sign-in)",
    )
    d.add_argument("--yes", action="store_true", help="with --fix: write without asking")
    d.add_argument("--timeout", type=float, default=60.0, metavar="SECONDS", help="for Graph and the issuer")
    d.add_argument("--json", action="store_true", help="stable JSON on stdout")
    add_profile_arguments(d, with_passphrase=True)  # the app's profile: its client ID, and its own token
    d.set_defaults(handler=run_diff)
    s = fic.add_parser(
        "subject",
        help="the subject GitHub Actions or Kubernetes will present",
        description="Predict the `sub` of the external token: GitHub Actions from a workflow and a job "
        "(environment first, then pull request, then ref), Kubernetes from a namespace and service account.",
    )
    s.add_argument("--workflow", metavar="FILE", help="GitHub Actions workflow file")
    s.add_argument("--job", metavar="NAME", help="the job in the workflow")
    s.add_argument("--repo", metavar="OWNER/REPO", help="the repository the workflow runs in")
    s.add_argument(
        "--event", metavar="EVENT", help="only this trigger (push, pull_request, workflow_dispatch...)"
    )
    s.add_argument("--ref", metavar="REF", help="the git ref of the run (refs/heads/main, refs/tags/v1)")
    s.add_argument("--immutable", action="store_true", help="the repository uses immutable subjects")
    s.add_argument("--owner-id", metavar="ID", help="the owner's numeric ID (immutable subjects)")
    s.add_argument("--repo-id", metavar="ID", help="the repository's numeric ID (immutable subjects)")
    s.add_argument(
        "--claim-keys",
        metavar="KEYS",
        help="the repository's customised subject template, comma-separated (include_claim_keys)",
    )
    s.add_argument("--namespace", metavar="NS", help="Kubernetes namespace")
    s.add_argument("--service-account", metavar="NAME", help="Kubernetes service account")
    s.add_argument("--json", action="store_true", help="stable JSON on stdout")
    s.set_defaults(handler=run_subject)


def _read_token(arg: str | None) -> str:
    import os

    path = arg or os.environ.get("AZURE_FEDERATED_TOKEN_FILE")
    if not path:
        raise UsageError(
            "No external token given",
            hint="Pass --token-file PATH (or - for stdin), or set AZURE_FEDERATED_TOKEN_FILE.",
        )
    if path == "-":
        return sys.stdin.read(_MAX_TOKEN_BYTES + 1)[:_MAX_TOKEN_BYTES]
    file = Path(path)
    if not file.is_file():
        raise UsageError(f"The token file {path} does not exist or is not a regular file")
    with file.open("rb") as fh:
        data = fh.read(_MAX_TOKEN_BYTES + 1)
    if len(data) > _MAX_TOKEN_BYTES:
        raise UsageError(f"{path} is far larger than an external token")
    return data.decode("ascii", errors="replace")


def _read_credentials(path: str) -> list[Any]:
    from wizard.federated import credentials_from_json

    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"Cannot read {path}: {exc.strerror or exc}") from exc
    try:
        data = json.loads(text)
    except ValueError as exc:
        line = getattr(exc, "lineno", None)
        where = f" (line {line}, column {getattr(exc, 'colno', '?')})" if line else ""
        raise UsageError(f"{path} is not valid JSON{where}") from exc
    return credentials_from_json(data)


def run_diff(args: argparse.Namespace) -> int:
    from wizard.cli.fic_remote import app_graph, check_issuer_now, choose_source, fix, graph_session
    from wizard.federated import diff, read_external_token
    from wizard.live.app_graph import read_own_fics

    source = choose_source(args)
    own_file = source.profile.federated_token_file if source.profile else None
    raw = _read_token(args.token_file or own_file)
    try:
        token = read_external_token(raw)
    except TokenFormatError as exc:
        raise UsageError(f"The external token cannot be read: {exc.title}", hint=exc.hint) from exc
    check = check_issuer_now(token, raw, args) if args.check_issuer else None
    if not args.json:
        out(f"federated credentials read from {source.describe()}")
    if source.kind == "file":
        result = diff(token, _read_credentials(args.credentials))
        doc: dict[str, Any] = result.to_dict()
        matched = result.matched
        if not args.json:
            _print_diff(result)
    elif source.kind == "app":
        with app_graph(args, source) as graph:
            own = read_own_fics(graph, source.app_id)
        result = diff(token, list(own.credentials))
        doc = {**result.to_dict(), "app": {"app_id": own.app_id}}
        matched = result.matched
        if not args.json:
            _print_diff(result)
    else:
        with graph_session(args, write=args.fix) as session:
            app = session.read(source.app_id)
            result = diff(token, list(app.credentials))
            doc = {**result.to_dict(), "app": {"app_id": app.app_id, "object_id": app.object_id}}
            if not args.json:
                _print_diff(result)
            matched = result.matched
            if args.fix and not matched:
                written = fix(session, app, result, args)
                doc["fix"] = written
                matched = bool(written and written.get("matched"))
    doc["source"] = source.to_dict()
    if check is not None:
        doc["issuer_check"] = check.to_dict()
        if not args.json:
            _print_check(check)
    if args.json:
        emit_json(doc)
    ok = matched and (check is None or check.ok)
    return int(ExitCode.OK if ok else ExitCode.FAILURE)


def _print_check(check: Any) -> None:
    out(f"issuer checks ({check.issuer}): {check.result}" + (f" ({check.code})" if check.code else ""))
    for c in check.checks:
        out(f"  {'ok ' if c.ok else 'FAIL'} {c.name}: {c.detail}")


def _print_diff(result: Any) -> None:
    t = result.token
    out(f"presented ({t.kind.value}):")
    out(f"  issuer    {t.issuer}")
    out(f"  subject   {t.subject}")
    out(f"  audience  {', '.join(t.audiences) or '(none)'}")
    if not result.comparisons:
        out("the app has no federated credential (federated-no-credential)")
    for comparison in result.comparisons:
        mark = "matches" if comparison.matches else f"{len(comparison.differences)} difference(s)"
        out(f"credential {comparison.credential.name!r}: {mark}")
        for d in comparison.differences:
            out(f"  {d.field}: {d.detail}")
            out(f"    token       {d.presented}")
            out(f"    credential  {d.expected}")
    if result.suggested is not None:
        verb = "edit" if result.edit else "add"
        out(f"to match, {verb} this credential (az ad app federated-credential create --parameters):")
        out("  " + json.dumps(result.suggested.to_dict()))


def run_subject(args: argparse.Namespace) -> int:
    from wizard.federated.subjects import Repository, predict_github, predict_kubernetes

    if args.namespace or args.service_account:
        if not (args.namespace and args.service_account):
            raise UsageError("Kubernetes needs both --namespace and --service-account")
        predictions = [predict_kubernetes(namespace=args.namespace, service_account=args.service_account)]
    elif args.workflow:
        if not (args.job and args.repo):
            raise UsageError("GitHub Actions needs --workflow, --job and --repo OWNER/REPO")
        keys = tuple(k.strip() for k in args.claim_keys.split(",") if k.strip()) if args.claim_keys else None
        repo = Repository(
            args.repo, owner_id=args.owner_id, repo_id=args.repo_id, immutable=args.immutable, claim_keys=keys
        )
        predictions = predict_github(
            Path(args.workflow), job=args.job, repo=repo, event=args.event, ref=args.ref
        )
    else:
        raise UsageError(
            "Say which issuer",
            hint="--workflow FILE --job NAME --repo OWNER/REPO, or --namespace NS --service-account NAME",
        )
    if args.json:
        emit_json({"subjects": [p.to_dict() for p in predictions]})
    else:
        for p in predictions:
            out(f"{p.event}: {p.subject}")
            out(f"  ({p.reason}{'' if p.certain else '; not certain'})")
    return int(ExitCode.OK)
