"""The claim-by-claim diff the diagnosis shows: each credential's issuer, subject and audience against the
presented token's, from the doctor's evidence (the token's claims and the app's credentials)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from wizard.federated.diff import DiffResult, credentials_from_json, diff
from wizard.federated.external import from_claims


@dataclass(frozen=True)
class ClaimRow:
    """One claim of one credential: the token's value, the credential's, and the verdict."""

    credential: str
    claim: str
    token: str
    expected: str
    verdict: str  # "same", or the difference's kind and detail


def diff_from_evidence(client_assertion: object, app_registration: object) -> DiffResult | None:
    """The diff when the evidence holds both the presented token's claims and the app's credentials."""
    if not isinstance(client_assertion, dict) or not isinstance(app_registration, dict):
        return None
    claims = client_assertion.get("claims")
    if not isinstance(claims, dict) or not claims.get("iss"):
        return None
    for key in ("federatedIdentityCredentials", "federated_credentials"):
        if key in app_registration:
            header = client_assertion.get("header")
            token = from_claims(claims, header if isinstance(header, dict) else None)
            return diff(token, credentials_from_json(app_registration[key]))
    return None


def claim_rows(result: DiffResult) -> list[ClaimRow]:
    """Rows for every credential, closest first: iss, sub and aud side by side."""
    t = result.token
    rows: list[ClaimRow] = []
    for comparison in result.comparisons:
        c = comparison.credential
        found: dict[str, Any] = {d.field: d for d in comparison.differences}
        for claim, field_name, token_value, expected in (
            ("iss", "issuer", t.issuer, c.issuer),
            ("sub", "subject", t.subject, c.subject),
            ("aud", "audience", ", ".join(t.audiences), ", ".join(c.audiences)),
        ):
            d = found.get(field_name)
            verdict = "same" if d is None else f"{d.kind}: {d.detail}"
            rows.append(ClaimRow(c.name, claim, token_value, expected, verdict))
    return rows
