"""`daemon-wizard logout`: remove the admin sign-in's cached tokens and record."""

from __future__ import annotations

import argparse
from typing import Any

from wizard.cli.output import emit_json, err
from wizard.exitcodes import ExitCode


def register(sub: Any) -> None:
    parser = sub.add_parser("logout", help="remove the cached admin sign-in (tokens and record)")
    parser.add_argument("--json", action="store_true", help="stable JSON on stdout")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from wizard.admin.token_cache import remove_all

    removed = remove_all()
    if args.json:
        emit_json({"ok": True, "removed": removed})
    else:
        err(f"signed out: removed {len(removed)} file(s)" if removed else "nothing to remove: not signed in")
    return int(ExitCode.OK)
