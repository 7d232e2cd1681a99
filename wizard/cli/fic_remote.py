"""`fic diff` against Graph: the admin's session, the issuer check, and "fix it now" (plan, confirm, write)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from wizard.cli.output import err
from wizard.errors import UsageError

if TYPE_CHECKING:
    from wizard.admin.fic_graph import AppFics
    from wizard.admin.tenant_reads import GraphReader
    from wizard.federated import DiffResult, ExternalToken
    from wizard.live.federated_issuer import IssuerCheck


class GraphSession:
    """Reads (and writes) one app's federated credentials with the signed-in admin's token."""

    def __init__(self, reader: GraphReader) -> None:
        self.reader = reader

    def read(self, app_id: str) -> AppFics:
        from wizard.admin.fic_graph import read_app_fics

        return read_app_fics(self.reader, app_id)


@contextmanager
def graph_session(args: argparse.Namespace, *, write: bool) -> Iterator[GraphSession]:
    from wizard.admin.clients import APPLY_SCOPES, READ_SCOPES
    from wizard.admin.tenant_reads import GraphReader
    from wizard.cli.admin_session import login_token
    from wizard.live.http import HttpSettings
    from wizard.live.trace import Trace

    token, ca_file = login_token(
        APPLY_SCOPES if write else READ_SCOPES, timeout=args.timeout, ca_file=args.ca_file
    )
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
