"""`daemon-wizard token`: acquire an app-only token as the daemon would, and summarise it."""

from __future__ import annotations

import argparse
from typing import Any

from wizard.cli.live_args import add_live_arguments, live_input, settings_for, trace_for
from wizard.cli.output import emit_json, err, out, reveal_line
from wizard.exitcodes import ExitCode


def register(sub: Any) -> None:
    p = sub.add_parser("token", help="acquire a token and summarise it (claims, roles, audience, expiry)")
    add_live_arguments(p)
    p.add_argument("--raw", action="store_true", help="print only the raw access token on stdout")
    p.add_argument(
        "--twice",
        action="store_true",
        help="acquire twice with one msal app: the second comes from its cache",
    )
    p.add_argument("--verbose", action="store_true", help="show the step trace (stderr, or in --json)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from wizard.live.results import TokenResult
    from wizard.live.summary import summarize_token, summary_lines

    with live_input(args) as given:
        settings = settings_for(args, given)
        trace = trace_for(args, given)
        results: list[TokenResult] = []
        if args.via == "azure-identity":
            from wizard.live.azid_token import acquire_token_azure_identity

            results.append(
                acquire_token_azure_identity(
                    given.profile, secret=given.secret, settings=settings, trace=trace
                )
            )
        else:
            from wizard.live.msal_token import MsalTokenClient

            client = MsalTokenClient(
                given.profile, secret=given.secret, settings=settings, trace=trace, thumbprint=args.thumbprint
            )
            try:
                results.append(client.acquire())
                if args.twice:
                    results.append(client.acquire())
            finally:
                client.close()
    first = results[0]
    if args.raw:
        reveal_line(first.access_token.reveal())  # --raw asks for the token itself
        return int(ExitCode.OK)
    summaries = [summarize_token(r) for r in results]
    if args.json:
        data: dict[str, Any] = {"ok": True, "token": summaries[0]}
        if len(summaries) > 1:
            data["second"] = summaries[1]
        if args.verbose:
            data["trace"] = trace.to_list()
        emit_json(data)
        return int(ExitCode.OK)
    for line in summary_lines(summaries[0]):
        out(line)
    if len(summaries) > 1:
        out(f"second:     from {'cache' if summaries[1]['source'] == 'cache' else 'identity provider'}")
    for warning in given.warnings:
        err(f"warning: {warning}")
    return int(ExitCode.OK)
