"""The signed-in admin and an app's federated credentials (blocking, no Textual): read them through Graph for the
diagnosis' claim-by-claim diff, and plan and write the one "Fix it now" upserts. Called from thread workers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from screens.admin_services import AdminSession
    from wizard.admin.fic_fix import FicFixPlan, FicFixResult
    from wizard.admin.tenant_reads import GraphReader
    from wizard.live.results import Registration
    from wizard.profile import Profile

R = TypeVar("R")


@contextmanager
def _reader(session: AdminSession, timeout: float) -> Iterator[GraphReader]:
    from wizard.admin.tenant_reads import GraphReader
    from wizard.live.http import HttpSettings
    from wizard.live.trace import Trace

    settings = HttpSettings.bounded(timeout, ca_file=session.target.ca_file)
    reader = GraphReader(session.token, graph_url=session.target.graph_url, settings=settings, trace=Trace())
    try:
        yield reader
    finally:
        reader.close()


def _with_reader(session: AdminSession, fn: Callable[[GraphReader], R], *, timeout: float = 60.0) -> R:
    with _reader(session, timeout) as reader:
        return fn(reader)


def registration_fics(session: AdminSession, client_id: str, *, timeout: float = 30.0) -> Registration:
    """The app's federated credentials as Graph holds them, as the registration evidence the diagnosis reads."""
    from wizard.admin.fic_graph import read_app_fics
    from wizard.live.results import Registration

    app = _with_reader(session, lambda reader: read_app_fics(reader, client_id), timeout=timeout)
    return Registration(
        {
            "id": app.object_id,
            "appId": app.app_id,
            "displayName": app.display_name,
            "federatedIdentityCredentials": [c.to_dict() for c in app.credentials],
        }
    )


def fic_fix_plan(session: AdminSession, profile: Profile) -> FicFixPlan:
    """Read-only: the credential the profile's external token needs on its app."""
    from wizard.admin.fic_fix import plan_fic_fix

    return _with_reader(session, lambda reader: plan_fic_fix(reader, profile))


def fic_fix_apply(session: AdminSession, plan: FicFixPlan) -> FicFixResult:
    """Write the planned credential (upsert by name), then read back and diff again."""
    from wizard.admin.fic_fix import apply_fic_fix

    return _with_reader(session, lambda reader: apply_fic_fix(reader, plan))
