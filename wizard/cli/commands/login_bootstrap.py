"""`daemon-wizard login bootstrap`: register the wizard's own public client, print its client ID, remember it."""

from __future__ import annotations

import argparse
from dataclasses import replace

from wizard.cli.output import emit_json, err, out
from wizard.cli.signin_args import SignInRequest, acquire, add_signin_arguments, report_sign_in_failure
from wizard.errors import TokenError
from wizard.exitcodes import ExitCode

GRAPH_URL = "https://graph.microsoft.com"


def help_parser(login_prog: str) -> argparse.ArgumentParser:
    """What `login bootstrap --help` prints: the flags bootstrap reads (the parsing stays `login`'s)."""
    from wizard.admin.bootstrap import UNIQUE_NAME

    parser = argparse.ArgumentParser(
        prog=f"{login_prog} bootstrap",
        description="Register the wizard's own single-tenant public client in your tenant (idempotent, keyed "
        f"by its unique name {UNIQUE_NAME!r}): redirect http://localhost, 'Allow public client flows' for "
        "device code, and the delegated Graph scopes the wizard asks for step by step. Prints its client ID "
        "and remembers it, so `daemon-wizard login` without --client-id signs in through it. The admin "
        "sign-in it needs (Application.ReadWrite.All) is kept in memory only.",
    )
    parser.add_argument("--json", action="store_true", help="stable JSON on stdout")
    parser.add_argument(
        "--graph-url", metavar="URL", help=f"Graph host of the cloud (or a sandbox); default {GRAPH_URL}"
    )
    parser.add_argument(
        "--no-device-code",
        action="store_true",
        help="register the client without 'Allow public client flows' (browser sign-in only)",
    )
    add_signin_arguments(parser)
    return parser


def run(args: argparse.Namespace) -> int:
    """Sign in (memory only) with Application.ReadWrite.All, upsert the client, save it for `login`."""
    from wizard.admin.bootstrap import bootstrap
    from wizard.admin.client_store import SavedClient, save
    from wizard.live.http import HttpSettings
    from wizard.live.trace import Trace

    request = SignInRequest.from_args(args)
    request = replace(
        request, scopes=tuple(dict.fromkeys((*request.scopes, *request.scopes_of(["read", "apply"]))))
    )
    if request.client.notice and request.flow != "azure_cli":
        err(request.client.notice)
    try:
        token = acquire(args, request)  # kept in memory: bootstrap caches no admin token
    except TokenError as exc:
        return report_sign_in_failure(exc, request, as_json=args.json)
    settings = HttpSettings.bounded(min(args.timeout, 120.0), ca_file=args.ca_file)
    result = bootstrap(
        token,
        graph_url=request.cloud.graph_url,
        settings=settings,
        trace=Trace(),
        device_code=not args.no_device_code,
    )
    tenant = result.tenant_id or token.identity.tenant_id
    authority = request.authority
    if authority.rstrip("/").rsplit("/", 1)[-1].lower() in ("organizations", "common") and tenant:
        authority = authority.rstrip("/").rsplit("/", 1)[0] + "/" + tenant  # a single-tenant client
    saved_to = save(
        SavedClient(
            client_id=result.client_id,
            tenant_id=tenant,
            authority=authority,
            object_id=result.object_id,
            unique_name="edw-admin-client",
        )
    )
    if args.json:
        emit_json({"ok": True, **result.to_dict(), "authority": authority, "saved_to": str(saved_to)})
        return int(ExitCode.OK)
    out(result.client_id)
    err(
        f"{'registered' if result.created else 'found again'}: the wizard's public client "
        f"'{result.to_dict()['unique_name']}' in tenant {tenant}"
    )
    err(f"saved to {saved_to}: `daemon-wizard login` (without --client-id) now signs in through it")
    err(
        "The first sign-in through it asks for consent: an administrator can tick 'Consent on behalf of "
        "your organization' so nobody else is asked."
    )
    return int(ExitCode.OK)
