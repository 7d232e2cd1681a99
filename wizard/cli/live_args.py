"""Arguments shared by `token`, `probe` and `doctor`: profile input plus sandbox, trust and time bound."""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from wizard.cli.arg_types import seconds
from wizard.cli.output import err
from wizard.cli.profile_args import (
    add_federated_arguments,
    add_profile_arguments,
    apply_flags,
    passphrase_from_args,
    profile_from_args,
)
from wizard.cli.sandbox_input import add_sandbox_arguments
from wizard.profile import CredentialKind, Profile
from wizard.secret import Secret
from wizard.secret_sources import ENV_CLIENT_SECRET, read_secret

if TYPE_CHECKING:
    from wizard.live.http import HttpSettings
    from wizard.live.results import Registration
    from wizard.live.trace import Trace


@dataclass(frozen=True)
class LiveInput:
    """What a live command works on."""

    profile: Profile
    secret: Secret | None
    ca_file: str | None
    use_env_proxies: bool
    warnings: tuple[str, ...] = ()
    #: The app's registration as the sandbox's admin sees it (None for a real tenant: the probe reads it).
    registration: Registration | None = None
    #: Sandbox mode: the sandbox's `host:port`, where Microsoft service host names are connected.
    connect_to: str | None = None


def add_live_arguments(
    parser: argparse.ArgumentParser, *, via: bool = True, extra_via: tuple[str, ...] = ()
) -> None:
    add_profile_arguments(parser, with_passphrase=True)
    g = parser.add_argument_group("live run")
    add_sandbox_arguments(g)
    g.add_argument(
        "--timeout", type=seconds, default=30.0, metavar="SECONDS", help="time bound of the run (seconds)"
    )
    if via:
        g.add_argument(
            "--via",
            choices=["msal", "azure-identity", *extra_via],
            default="msal",
            help="client library that gets the token"
            + (
                " (msgraph-sdk: azure-identity's credential and msgraph-sdk's typed client)"
                if extra_via
                else ""
            ),
        )
    g.add_argument(
        "--thumbprint",
        choices=["sha256", "sha1"],
        default="sha256",
        help="certificate assertion: SHA-256 thumbprint with PS256 (default) or SHA-1 with RS256",
    )
    g.add_argument(
        "--no-proxy", action="store_true", help="ignore HTTPS_PROXY/HTTP_PROXY from the environment"
    )
    g.add_argument(
        "--sandbox-subject",
        metavar="SUB",
        help="a federated sandbox app: the subject its issuer mints the external token for "
        "(default: its first federated credential's)",
    )
    add_federated_arguments(g)


@contextmanager
def live_input(args: argparse.Namespace) -> Iterator[LiveInput]:
    """The profile from flags/profile/file, or from a sandbox started for the duration of the command."""
    if args.sandbox is None:
        given = profile_from_args(args)
        # For a certificate, what unlocks the credential is the private key's passphrase (if encrypted).
        secret = (
            given.secret if given.profile.credential is CredentialKind.SECRET else passphrase_from_args(args)
        )
        yield LiveInput(given.profile, secret, given.ca_file, not args.no_proxy, tuple(given.warnings))
        return
    from wizard.live.sandbox_profile import running_sandbox

    subject = getattr(args, "sandbox_subject", None)
    with running_sandbox(args.sandbox, args.sandbox_app, subject=subject) as sp:
        profile = apply_flags(sp.profile, args)
        secret = sp.secret
        if profile.credential is CredentialKind.CERTIFICATE:
            # As without --sandbox: for a certificate, the secret is the key's passphrase (if encrypted).
            secret = passphrase_from_args(args)
        elif profile.credential is CredentialKind.FEDERATED:
            secret = None  # the external token is read from its file, never held
        elif args.secret_stdin or args.secret_file or os.environ.get(ENV_CLIENT_SECRET):
            secret, _ = read_secret(use_stdin=args.secret_stdin, file=args.secret_file)
        registration = sp.registration if profile.client_id == sp.profile.client_id else None
        yield LiveInput(
            profile,
            secret,
            args.ca_file or sp.ca_file,
            False,
            registration=registration,
            connect_to=sp.sandbox.address,
        )


def settings_for(args: argparse.Namespace, given: LiveInput) -> HttpSettings:
    from wizard.live.http import HttpSettings

    return HttpSettings.bounded(
        args.timeout,
        ca_file=given.ca_file,
        use_env_proxies=given.use_env_proxies,
        connect_to=given.connect_to,
    )


def trace_for(args: argparse.Namespace, given: LiveInput) -> Trace:
    """A trace that knows the secret; with --verbose (and no --json) it prints each step on stderr."""
    from wizard.live.trace import Trace

    trace = Trace([given.secret.reveal()] if given.secret else [])
    if getattr(args, "verbose", False) and not args.json:
        trace.subscribe(lambda event: err(f"  · {event.line()}"))
    return trace
