"""`daemon-wizard audit`: every credential in the tenant, with what is expired, expiring, old or untidy."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wizard.cli.arg_types import days, jobs
from wizard.cli.live_args import add_live_arguments, live_input, trace_for
from wizard.cli.output import emit_json, err, out
from wizard.errors import UsageError
from wizard.exitcodes import ExitCode

if TYPE_CHECKING:
    from wizard.audit import Tenant
    from wizard.cli.live_args import LiveInput
    from wizard.live.http import HttpSettings
    from wizard.secret import Secret

#: Retries of a throttled request: Graph may answer 429 several times in a row on a large tenant.
MAX_RETRIES = 8
MAX_RETRY_WAIT = 60.0


def register(sub: Any) -> None:
    p = sub.add_parser(
        "audit",
        help="every secret and certificate in the tenant: expired, expiring, too old, no owner, and more",
        description="Reads every app registration and service principal through Graph (paged, throttling "
        "honoured) with an app token that holds Application.Read.All (the profile flags, as for doctor) or "
        "with --admin, as the admin who signed in with `daemon-wizard login`. Exit 1 when there are error-level "
        "findings.",
    )
    add_live_arguments(p, via=False)
    g = p.add_argument_group("audit")
    g.add_argument("--admin", action="store_true", help="use the signed-in admin of `daemon-wizard login`")
    g.add_argument(
        "--graph-url", metavar="URL", help="Graph base URL (default: the profile's, or the cloud's)"
    )
    g.add_argument(
        "--expiring-within", type=days, default=30, metavar="DAYS", help="warn this many days ahead"
    )
    g.add_argument("--max-secret-age", type=days, metavar="DAYS", help="secrets older than this are findings")
    g.add_argument("--jobs", type=jobs, default=8, metavar="N", help="Graph requests in flight")
    g.add_argument(
        "--owners",
        choices=["expand", "each", "none"],
        default="expand",
        help="owners with the apps ($expand, default), one request per app (--jobs in flight), or not at all",
    )
    g.add_argument(
        "--no-federated", action="store_true", help="do not read the apps' federated identity credentials"
    )
    g.add_argument("--csv", metavar="FILE", help="also write the findings as CSV to FILE")
    g.add_argument("--json", action="store_true", help="stable JSON on stdout")
    g.add_argument("--verbose", action="store_true", help="each Graph request on stderr")
    p.set_defaults(handler=run, timeout=300.0)


def _settings(timeout: float, ca_file: str | None, use_env_proxies: bool = True) -> HttpSettings:
    from wizard.live.http import HttpSettings

    return HttpSettings.bounded(
        timeout,
        ca_file=ca_file,
        use_env_proxies=use_env_proxies,
        max_retries=MAX_RETRIES,
        max_retry_wait=MAX_RETRY_WAIT,
    )


def _admin_token(args: argparse.Namespace) -> tuple[Secret, str | None]:
    """The access token of the cached `login` (refreshed if needed), and the CA it was made with."""
    from wizard.admin.admin_cloud import admin_cloud
    from wizard.admin.clients import ClientChoice, scopes_for
    from wizard.admin.signin import AdminSignIn
    from wizard.admin.token_cache import existing_cache, load_record

    record = load_record()
    hint = "Run `daemon-wizard login` first (it asks for Application.Read.All), or pass an app's profile."
    if record is None:
        raise UsageError("No one is signed in for --admin", hint=hint)
    ca_file = args.ca_file or record.ca_file
    signin = AdminSignIn(
        authority=record.authority,
        client=ClientChoice(record.client_id, own=True),
        settings=_settings(min(args.timeout, 60.0), ca_file),
        cache=existing_cache(record),
    )
    try:
        # On the Graph of the login's cloud (its authority host: login.microsoftonline.us, ...).
        resource = admin_cloud(cloud=None, graph_url=None, authority=record.authority).resource
        token = signin.silent(scopes_for(["read"], resource=resource))
    finally:
        signin.close()
    if token is None:
        raise UsageError("The sign-in of `daemon-wizard login` has expired", hint=hint)
    return token.access_token, ca_file


def _app_token(args: argparse.Namespace, given: LiveInput) -> tuple[Secret, str]:
    """An app-only token for Graph with the profile's credential, and the Graph base URL to audit."""
    from wizard.live.msal_token import acquire_token
    from wizard.profile import ApiKind, ApiTarget

    profile = given.profile
    graph = profile.api_base_url if profile.api.kind is ApiKind.GRAPH else f"{profile.graph_resource}/v1.0"
    token = acquire_token(
        profile.with_(api=ApiTarget(kind=ApiKind.GRAPH, base_url=graph)),
        secret=given.secret,
        settings=_settings(min(args.timeout, 60.0), given.ca_file, given.use_env_proxies),
        trace=trace_for(args, given),
        thumbprint=args.thumbprint,
    )
    return token.access_token, graph


def _read(
    args: argparse.Namespace, token: Secret, graph_url: str, settings: HttpSettings, trace: Any
) -> Tenant:
    from wizard.audit import GraphPages, ReadOptions, read_tenant

    pages = GraphPages(token, settings=settings, trace=trace)
    try:
        options = ReadOptions(
            graph_url=graph_url, jobs=args.jobs, owners=args.owners, federated=not args.no_federated
        )
        return read_tenant(pages, options, progress=err if args.verbose and not args.json else None)
    finally:
        pages.close()


def _tenant(args: argparse.Namespace) -> Tenant:
    if args.admin:
        if args.sandbox is not None:
            raise UsageError("--admin reads the tenant of `daemon-wizard login`; it does not start a sandbox")
        from wizard.live.trace import Trace

        token, ca_file = _admin_token(args)
        graph_url = args.graph_url or "https://graph.microsoft.com/v1.0"
        return _read(args, token, graph_url, _settings(args.timeout, ca_file), Trace())
    with live_input(args) as given:
        token, graph_url = _app_token(args, given)
        settings = _settings(args.timeout, given.ca_file, given.use_env_proxies)
        return _read(args, token, args.graph_url or graph_url, settings, trace_for(args, given))


def run(args: argparse.Namespace) -> int:
    from wizard.audit import AuditPolicy, audit
    from wizard.audit.render import chart, federated_table, months_ahead, summary, table, to_csv, to_json

    csv_path = Path(args.csv) if args.csv else None
    if csv_path is not None and csv_path.is_dir():
        raise UsageError(f"--csv {csv_path} is a directory", hint="Name a file to write.")
    tenant = _tenant(args)
    policy = AuditPolicy(expiring_within=args.expiring_within, max_secret_age=args.max_secret_age)
    findings = audit(tenant, policy)
    if csv_path is not None:
        from wizard.safe_write import write_atomic

        try:
            write_atomic(csv_path, to_csv(findings), secret=False, force=True)
        except OSError as exc:
            raise UsageError(f"Cannot write {csv_path}: {exc.strerror or exc}") from None
    errors = sum(1 for f in findings if f.severity == "error")
    if args.json:
        emit_json(to_json(tenant, findings, policy))
    else:
        facts = summary(tenant, findings)
        out(
            f"{facts['applications']} applications, {facts['service_principals']} service principals, "
            f"{facts['credentials']} credentials; {facts['errors']} errors, {facts['warnings']} warnings, "
            f"{facts['info']} info ({facts['requests']} Graph requests, {facts['throttled']} throttled)"
        )
        out("")
        for line in table(findings):
            out(line)
        if not args.no_federated:
            out("")
            for line in federated_table(tenant):
                out(line)
        out("")
        for line in chart(months_ahead(tenant.credentials(), policy.now)):
            out(line)
    return int(ExitCode.FAILURE if errors else ExitCode.OK)
