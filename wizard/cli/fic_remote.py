"""`fic diff` against Graph: where the credentials are read (a file, the admin's session, the app's own token),
the issuer check, and "fix it now" (plan, confirm, write)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from wizard.cli.output import err
from wizard.errors import UsageError
from wizard.profile import CredentialKind, Profile
from wizard.secret import Secret

if TYPE_CHECKING:
    from wizard.admin.fic_graph import AppFics
    from wizard.admin.tenant_reads import GraphReader
    from wizard.federated import DiffResult, ExternalToken
    from wizard.live.app_graph import AppGraph
    from wizard.live.federated_issuer import IssuerCheck

GRAPH_URL = "https://graph.microsoft.com"
_WHERE = (
    "`daemon-wizard fic diff --credentials FILE` (a file saved from `az ad app federated-credential list "
    "--id ID`), `daemon-wizard fic diff --app-id ID` (read from Graph as the admin signed in with "
    "`daemon-wizard login`), or `daemon-wizard fic diff --profile NAME` (or --tenant and --client-id: the "
    "app's profile with its secret or certificate, read with the app's own token)"
)
SourceKind = Literal["file", "admin", "app"]


@dataclass(frozen=True)
class Source:
    """Where `fic diff` reads the app's federated credentials, and whose they are."""

    kind: SourceKind
    app_id: str = ""
    profile: Profile | None = None
    secret: Secret | None = None
    path: str = ""

    def describe(self) -> str:
        if self.kind == "file":
            return f"the file {self.path}"
        if self.kind == "admin":
            return "Graph, with the admin sign-in of `daemon-wizard login`"
        return "Graph, with the app's own token (its " + (
            "certificate)"
            if self.profile and self.profile.credential is CredentialKind.CERTIFICATE
            else "secret)"
        )

    def to_dict(self) -> dict[str, str]:
        doc = {"kind": self.kind, "description": self.describe()}
        return {**doc, "path": self.path} if self.kind == "file" else {**doc, "app_id": self.app_id}


def _signed_in() -> bool:
    from wizard.admin.token_cache import load_record

    return load_record() is not None


def choose_source(args: argparse.Namespace) -> Source:
    """Explicit flags first (--credentials, --as-app, --app-id); then, from the app's profile, its own token
    when it has a secret or certificate (or --fix: the admin, who may write), else the admin's sign-in."""
    from wizard.cli.profile_args import passphrase_from_args, profile_from_args
    from wizard.live.app_graph import usable_credential

    if args.credentials:
        if args.app_id or args.as_app or args.fix:
            raise UsageError("--credentials FILE is read as given: drop --app-id, --as-app and --fix")
        return Source("file", path=args.credentials)
    if args.as_app and args.fix:
        raise UsageError("Drop --as-app: --fix writes as the admin signed in with `daemon-wizard login`")
    if args.app_id and not args.as_app:
        return Source("admin", args.app_id)
    if not (args.profile or args.from_file or args.client_id):
        raise UsageError("Say where the app's federated credentials are", hint=f"Give {_WHERE}.")
    if args.token_file == "-" and args.secret_stdin:
        raise UsageError("Only one of the external token and the secret can come from stdin")
    given = profile_from_args(args)
    profile = given.profile
    secret = given.secret if profile.credential is CredentialKind.SECRET else passphrase_from_args(args)
    app_id = args.app_id or profile.client_id
    why = usable_credential(profile, secret)
    if args.as_app:
        if why:
            raise UsageError(
                f"--as-app needs the app's secret or certificate: {why}", hint=f"Or give {_WHERE}."
            )
        return Source("app", app_id, profile, secret)
    if why is None and not args.fix:
        return Source("app", app_id, profile, secret)
    if args.fix or _signed_in():
        return Source("admin", app_id, profile)
    raise UsageError(f"The app's own token cannot be used here: {why}", hint=f"Give {_WHERE}.")


@contextmanager
def app_graph(args: argparse.Namespace, source: Source) -> Iterator[AppGraph]:
    """Graph with the app's own app-only token (msal), on the profile's cloud unless --graph-url says."""
    from wizard.live.app_graph import AppGraph
    from wizard.live.http import HttpSettings

    assert source.profile is not None
    graph_url = args.graph_url if args.graph_url != GRAPH_URL else source.profile.graph_resource
    settings = HttpSettings.bounded(args.timeout, ca_file=args.ca_file)
    with AppGraph(source.profile, secret=source.secret, graph_url=graph_url, settings=settings) as graph:
        yield graph


class GraphSession:
    """Reads (and writes) one app's federated credentials with the signed-in admin's token."""

    def __init__(self, reader: GraphReader) -> None:
        self.reader = reader

    def read(self, app_id: str) -> AppFics:
        from wizard.admin.fic_graph import read_app_fics

        return read_app_fics(self.reader, app_id)


@contextmanager
def graph_session(args: argparse.Namespace, *, write: bool) -> Iterator[GraphSession]:
    from wizard.admin.admin_cloud import admin_cloud
    from wizard.admin.clients import scopes_for
    from wizard.admin.tenant_reads import GraphReader
    from wizard.cli.admin_session import login_token
    from wizard.live.http import HttpSettings
    from wizard.live.trace import Trace

    # Scopes on the Graph of --graph-url's cloud (graph.microsoft.us, ...), as `login` asked for them.
    resource = admin_cloud(cloud=None, graph_url=args.graph_url).resource
    scopes = scopes_for(["read", "apply"] if write else ["read"], resource=resource)
    token, ca_file = login_token(scopes, timeout=args.timeout, ca_file=args.ca_file)
    settings = HttpSettings.bounded(args.timeout, ca_file=ca_file)
    reader = GraphReader(token, graph_url=args.graph_url, settings=settings, trace=Trace())
    try:
        yield GraphSession(reader)
    finally:
        reader.close()


def check_issuer_now(token: ExternalToken, raw: str, args: argparse.Namespace) -> IssuerCheck:
    from wizard.live.federated_issuer import check_issuer
    from wizard.live.http import HttpSettings
    from wizard.live.trace import Trace

    trace = Trace()
    trace.add_secret(raw)
    return check_issuer(
        token, raw, settings=HttpSettings.bounded(args.timeout, ca_file=args.ca_file), trace=trace
    )


def _confirm(question: str) -> bool:
    if not sys.stdin.isatty():
        raise UsageError("--fix asks before writing, and there is no terminal to ask on", hint="Add --yes.")
    err(question + " [y/N] ")
    try:
        answer = sys.stdin.readline()
    except KeyboardInterrupt:
        return False
    return answer.strip().lower() in ("y", "yes")


def fix(
    session: GraphSession, app: AppFics, result: DiffResult, args: argparse.Namespace
) -> dict[str, Any] | None:
    """Show the plan, ask (unless --yes), upsert the suggested credential by name, read back and diff again."""
    from wizard.admin.fic_graph import upsert_fic
    from wizard.federated import diff

    wanted = result.suggested
    if wanted is None:
        return None
    verb = "update" if any(c.name == wanted.name for c in app.credentials) else "create"
    err(f"plan: {verb} the federated credential {wanted.name!r} of {app.display_name or app.app_id}:")
    err(
        "  PATCH /applications/{id}/federatedIdentityCredentials(name='"
        + wanted.name
        + "') (create-if-missing)"
    )
    err("  " + json.dumps(wanted.to_dict()))
    if not args.yes and not _confirm("Write it?"):
        err("nothing written")
        return {"action": "declined", "credential": wanted.to_dict(), "matched": False}
    written = upsert_fic(session.reader, app, wanted)
    again = diff(result.token, list(session.read(app.app_id).credentials))
    err(
        f"{'created' if written.created else 'updated'} {wanted.name!r}; the token now "
        + ("matches it" if again.matched else "still matches no credential")
    )
    return {**written.to_dict(), "matched": again.matched}
