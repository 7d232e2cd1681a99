"""`daemon-wizard probe`: a token, then the API call the daemon makes (Graph or an own API)."""

from __future__ import annotations

import argparse
from typing import Any

from wizard.cli.live_args import add_live_arguments, live_input, settings_for, trace_for
from wizard.cli.output import emit_json, out
from wizard.exitcodes import ExitCode


def register(sub: Any) -> None:
    p = sub.add_parser("probe", help="get a token and call the API with it")
    add_live_arguments(p, extra_via=("msgraph-sdk",))
    p.add_argument("--path", metavar="PATH", help="another path under the API base URL (e.g. users?$top=5)")
    p.add_argument("--crud", action="store_true", help="run the ToDo create/read/update/delete sequence")
    p.add_argument("--verbose", action="store_true", help="show the step trace (stderr, or in --json)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from wizard.live.doctor import DoctorOptions, _acquire, _probe
    from wizard.live.summary import summarize_token

    typed = args.via == "msgraph-sdk"  # as a msgraph-sdk daemon: azure-identity token, typed Graph client
    opts = DoctorOptions(
        via="azure-identity" if typed else args.via,
        thumbprint=args.thumbprint,
        path=args.path,
        crud=args.crud,
        typed_graph=typed,
    )
    with live_input(args) as given:
        settings = settings_for(args, given)
        trace = trace_for(args, given)
        token = _acquire(given.profile, given.secret, settings, trace, opts)
        results, registration = _probe(given.profile, token, settings, trace, opts)
    ok = bool(results) and all(r.ok for r in results)
    if args.json:
        data: dict[str, Any] = {
            "ok": ok,
            "token": summarize_token(token),
            "api": [r.to_dict() for r in results],
            "registration": registration.to_dict() if registration else None,
        }
        if args.verbose:
            data["trace"] = trace.to_list()
        emit_json(data)
    else:
        for r in results:
            line = f"{r.method} {r.url} -> {r.status}"
            out(line + (f"  {r.summary}" if r.summary else ""))
            if not r.ok:
                if r.www_authenticate:
                    out(f"  WWW-Authenticate: {r.www_authenticate}")
                out(f"  {r.body[:500]}")
        if registration is not None:
            out(
                f"registration: {len(registration.to_evidence().get('requiredResourceAccess') or [])} API(s) configured"
            )
        out("ok" if ok else "the API refused the call: run `daemon-wizard doctor` for the cause and fix")
    return int(ExitCode.OK if ok else ExitCode.FAILURE)
