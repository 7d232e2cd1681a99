""" "Fix it now" for a federated mismatch: plan the upsert of the credential the presented token needs, write it
after confirmation (wizard.admin.fic_graph.upsert_fic: idempotent by name, at most 20 per app), and diff again."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from wizard.errors import UsageError

if TYPE_CHECKING:
    from wizard.admin.fic_graph import AppFics, Written
    from wizard.admin.tenant_reads import GraphReader
    from wizard.federated import Credential, DiffResult, ExternalToken
    from wizard.profile import Profile


@dataclass(frozen=True)
class FicFixPlan:
    """The app's credentials as Graph holds them, the diff with the token, and the one write that fixes it."""

    app: AppFics
    result: DiffResult
    wanted: Credential

    @property
    def verb(self) -> str:
        return "update" if any(c.name == self.wanted.name for c in self.app.credentials) else "create"

    @property
    def request(self) -> str:
        """The Graph request, as the plan shows it."""
        return (
            f"PATCH /applications/{self.app.object_id}/federatedIdentityCredentials"
            f"(name='{self.wanted.name}') (Prefer: create-if-missing)"
        )


@dataclass(frozen=True)
class FicFixResult:
    """What the write did, and whether the token now matches a credential (read back from Graph)."""

    written: Written
    matched: bool

    def to_dict(self) -> dict[str, Any]:
        return {**self.written.to_dict(), "matched": self.matched}


def presented_token(profile: Profile) -> ExternalToken:
    """The external token the profile presents (its claims only), or UsageError when it cannot be read."""
    from wizard.federated import from_claims
    from wizard.live.federated_token import presented_claims

    found = presented_claims(profile)
    claims = (found or {}).get("claims")
    if not isinstance(claims, dict) or not claims.get("iss"):
        raise UsageError(
            "The external token cannot be read, so the credential it needs is unknown",
            hint="Check the federated token file or command on the credential step; nothing was written.",
        )
    header = (found or {}).get("header")
    return from_claims(claims, header if isinstance(header, dict) else None)


def plan_fic_fix(reader: GraphReader, profile: Profile) -> FicFixPlan:
    """Read the app's credentials from Graph and the token's claims: the credential to write (read-only)."""
    from wizard.admin.fic_graph import MAX_PER_APP, read_app_fics
    from wizard.federated import diff

    token = presented_token(profile)
    app = read_app_fics(reader, profile.client_id)
    result = diff(token, list(app.credentials))
    if result.suggested is None:
        raise UsageError(
            "The token already matches a federated credential of the app: there is nothing to write",
            hint="Run the token test again: a credential created minutes ago may not be live yet.",
        )
    plan = FicFixPlan(app, result, result.suggested)
    if plan.verb == "create" and len(app.credentials) >= MAX_PER_APP:
        raise UsageError(
            f"The app already has {MAX_PER_APP} federated credentials, Entra's limit; nothing was written",
            hint="Remove one it no longer needs, or use a flexible credential (claimsMatchingExpression).",
        )
    return plan


def apply_fic_fix(reader: GraphReader, plan: FicFixPlan) -> FicFixResult:
    """Upsert the planned credential by name, then read the credentials back and diff the token again."""
    from wizard.admin.fic_graph import read_app_fics, upsert_fic
    from wizard.federated import diff

    written = upsert_fic(reader, plan.app, plan.wanted)
    again = diff(plan.result.token, list(read_app_fics(reader, plan.app.app_id).credentials))
    return FicFixResult(written, again.matched)
