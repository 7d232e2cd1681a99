"""`daemon-wizard login [status|bootstrap]`: sign in as an administrator or app owner, and who is signed in."""

from __future__ import annotations

import argparse
import time
from typing import Any

from wizard.admin.identity import AdminToken
from wizard.cli.output import emit_json, err, out
from wizard.cli.signin_args import (
    SignInRequest,
    acquire,
    add_signin_arguments,
    identity_lines,
    report_sign_in_failure,
)
from wizard.errors import TokenError
from wizard.exitcodes import ExitCode


def register(sub: Any) -> None:
    parser = sub.add_parser(
        "login",
        help="admin sign-in for acting on the tenant (browser, --device-code, --use-az); `login status`",
        description="Sign in as an administrator or app owner. The browser (auth code + PKCE, loopback "
        "redirect) is the default; --device-code and --use-az on request. Tokens are cached only encrypted "
        "(msal-extensions); `logout` removes them. `login status` shows who is signed in, never a token.",
        add_help=False,
    )
    parser.add_argument(
        "-h",
        "--help",
        action=_Help,
        help="show this help (`login bootstrap --help`: bootstrap's own) and exit",
    )
    parser.add_argument(
        "action",
        nargs="?",
        choices=["status", "bootstrap"],
        help="status: who is signed in; bootstrap: register the wizard's own public client and remember it",
    )
    parser.add_argument("--json", action="store_true", help="stable JSON on stdout")
    parser.add_argument(
        "--allow-plaintext-cache",
        action="store_true",
        help="where no encrypted store exists (Linux without libsecret), cache the tokens in a 0600 file",
    )
    parser.add_argument(
        "--graph-url",
        metavar="URL",
        help="bootstrap: Graph host of the cloud (or a sandbox); default https://graph.microsoft.com",
    )
    parser.add_argument(
        "--no-device-code",
        action="store_true",
        help="bootstrap: register the client without 'Allow public client flows' (browser sign-in only)",
    )
    add_signin_arguments(parser)
    parser.set_defaults(handler=run)


class _Help(argparse.Action):
    """-h/--help: after `bootstrap`, the help of `login bootstrap` (its own flags), else login's."""

    def __init__(self, option_strings: list[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS, nargs=0, **kwargs)

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        if getattr(namespace, "action", None) == "bootstrap":
            from wizard.cli.commands.login_bootstrap import help_parser

            help_parser(parser.prog).print_help()
        else:
            parser.print_help()
        parser.exit()


def run(args: argparse.Namespace) -> int:
    if args.action == "status":
        return status(args)
    if args.action == "bootstrap":
        from wizard.cli.commands.login_bootstrap import run as bootstrap

        return bootstrap(args)
    request = SignInRequest.from_args(args)
    if request.client.notice and request.flow != "azure_cli":
        err(request.client.notice)
    try:
        token, cache_kind = _sign_in(args, request)
    except TokenError as exc:
        return report_sign_in_failure(exc, request, as_json=args.json)
    return _report(token, cache_kind, request, as_json=args.json)


def _sign_in(args: argparse.Namespace, request: SignInRequest) -> tuple[AdminToken, str | None]:
    if request.flow == "azure_cli":
        return acquire(args, request), None  # the Azure CLI keeps its own cache
    from wizard.admin.token_cache import LoginRecord, login_dir, persistent_cache, save_record

    cache, encrypted = persistent_cache(
        allow_plaintext=args.allow_plaintext_cache
    )  # refuse before signing in
    if not encrypted:
        err(f"warning: admin tokens will be cached in plaintext under {login_dir()} (0600), as asked")
    token = acquire(args, request, cache=cache)
    save_record(
        LoginRecord(
            authority=request.authority,
            client_id=request.client.client_id,
            scopes=request.scopes,
            user=token.identity.user,
            tenant_id=token.identity.tenant_id,
            encrypted=encrypted,
            ca_file=args.ca_file,
        )
    )
    return token, "encrypted" if encrypted else "plaintext"


def _report(token: AdminToken, cache_kind: str | None, request: SignInRequest, *, as_json: bool) -> int:
    if as_json:
        emit_json(
            {
                "ok": True,
                "signed_in": True,
                "flow": request.flow,
                "cache": cache_kind,
                "own_client": request.client.own,
                **token.identity.to_dict(),
            }
        )
        return int(ExitCode.OK)
    for line in identity_lines(token):
        out(line)
    out(f"cache:     {cache_kind or 'none (the Azure CLI keeps its own)'}")
    return int(ExitCode.OK)


def status(args: argparse.Namespace) -> int:
    """Who is signed in, from the cache `login` wrote (a refresh token may be used); never the token."""
    from wizard.admin.clients import ClientChoice
    from wizard.admin.signin import AdminSignIn
    from wizard.admin.token_cache import existing_cache, load_record
    from wizard.live.http import HttpSettings

    record = load_record()
    token = None
    if record is not None:
        settings = HttpSettings.bounded(min(args.timeout, 60.0), ca_file=args.ca_file or record.ca_file)
        client = ClientChoice(record.client_id, own=True)
        signin = AdminSignIn(
            authority=record.authority, client=client, settings=settings, cache=existing_cache(record)
        )
        try:
            token = signin.silent(record.scopes)
        except TokenError:
            token = None
        finally:
            signin.close()
    if token is None:
        if args.json:
            emit_json({"signed_in": False})
        err(
            "not signed in"
            + (" (the cached sign-in has ended)" if record else "")
            + ": run `daemon-wizard login`"
        )
        return int(ExitCode.FAILURE)
    assert record is not None
    if args.json:
        emit_json(
            {
                "signed_in": True,
                "authority": record.authority,
                "cache": "encrypted" if record.encrypted else "plaintext",
                **token.identity.to_dict(),
            }
        )
        return int(ExitCode.OK)
    for line in identity_lines(token):
        out(line)
    left = max(0, token.identity.expires_on - int(time.time()))
    out(f"expires:   in {left // 60} min ({'encrypted' if record.encrypted else 'plaintext'} cache)")
    return int(ExitCode.OK)
