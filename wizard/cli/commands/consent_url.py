"""`daemon-wizard consent-url`: the admin-consent URLs for the profile's app, and who can approve them."""

from __future__ import annotations

import argparse
from typing import Any

from wizard.cli.output import emit_json, err, out
from wizard.cli.profile_args import add_profile_arguments, profile_from_args
from wizard.consent import consent_links
from wizard.exitcodes import ExitCode
from wizard.validation import validate_profile


def register(sub: Any) -> None:
    p = sub.add_parser("consent-url", help="admin-consent URL(s) for the profile")
    add_profile_arguments(p, with_secret=False)
    p.add_argument("--redirect-uri", metavar="URI", help="a redirect URI registered on the app")
    p.add_argument("--state", metavar="TEXT", help="opaque value returned on the redirect")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    given = profile_from_args(args, need_secret=False)
    profile = given.profile
    blocking = [
        p
        for p in validate_profile(profile, need_secret=False)
        if p.severity == "error" and p.field in {"tenant", "client_id", "authority", "scope"}
    ]
    if blocking:
        if args.json:
            emit_json({"ok": False, "problems": [p.to_dict() for p in blocking]})
        for p in blocking:
            err(f"error: {p.field}: {p.message}\n  fix: {p.fix}")
        return int(ExitCode.USAGE)
    links = consent_links(profile, redirect_uri=args.redirect_uri, state=args.state)
    if args.json:
        emit_json({"ok": True, "scope": profile.scope, **links.to_dict()})
        return int(ExitCode.OK)
    out("Admin consent (v2.0, grants the application permissions configured for this API):")
    out(f"  {links.v2}")
    out("Admin consent (classic form, grants every permission configured on the app):")
    out(f"  {links.classic}")
    out("")
    out(f"Who can approve: {links.who_can_consent}")
    out(f"What they see:   {links.what_they_see}")
    out(f"Afterwards:      {links.redirect_carries}")
    return int(ExitCode.OK)
