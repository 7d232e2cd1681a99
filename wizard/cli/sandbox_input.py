"""`--sandbox [SCENARIO]` and `--sandbox-app NAME` for every command that takes the profile input.

`token`, `probe` and `doctor` run against the sandbox; `validate` and `export` only need the profile of one of
its apps (reference/cli.md lists `--sandbox` with the profile input they all share)."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager

from wizard.cli.profile_args import ProfileInput, apply_flags, profile_from_args


def add_sandbox_arguments(group: argparse._ArgumentGroup | argparse.ArgumentParser) -> None:
    group.add_argument(
        "--sandbox",
        nargs="?",
        const="default",
        default=None,
        metavar="SCENARIO",
        help="run against an in-process sandbox tenant (default scenario, or a scenario file)",
    )
    group.add_argument("--sandbox-app", metavar="NAME", default="graph-daemon", help="the sandbox app to use")


@contextmanager
def given_profile(args: argparse.Namespace) -> Iterator[ProfileInput]:
    """The profile from flags / profile / file, or the sandbox app's (flags still win), while it runs."""
    if getattr(args, "sandbox", None) is None:
        yield profile_from_args(args)
        return
    from wizard.live.sandbox_profile import running_sandbox

    with running_sandbox(args.sandbox, args.sandbox_app) as sp:
        yield ProfileInput(
            profile=apply_flags(sp.profile, args),
            secret=sp.secret,
            ca_file=args.ca_file or sp.ca_file,
            source=f"sandbox app {args.sandbox_app}",
        )
