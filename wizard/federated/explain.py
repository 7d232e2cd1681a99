"""An external (federated) token explained for `decode`: who issued it, what its subject says part by part,
whether its audience is the one Entra's token exchange expects (and for which cloud), and its lifetime."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from wizard.clouds import Cloud
from wizard.federated.external import FEDERATION_AUDIENCES, ExternalToken, IssuerKind, from_claims

KIND_NAMES = {
    IssuerKind.GITHUB: "GitHub Actions",
    IssuerKind.KUBERNETES: "Kubernetes (service-account token)",
    IssuerKind.GITLAB: "GitLab CI",
    IssuerKind.TERRAFORM: "Terraform Cloud",
    IssuerKind.AZURE_DEVOPS: "Azure DevOps (service connection)",
    IssuerKind.ENTRA: "Microsoft Entra ID",
    IssuerKind.OTHER: "generic OIDC issuer",
}
#: What each subject part means, by name.
PART_MEANINGS = {
    "owner": "the repository's owner (user or organisation)",
    "repo": "the repository",
    "owner_id": "the owner's numeric ID (immutable subject: survives renames)",
    "repo_id": "the repository's numeric ID (immutable subject)",
    "entity": "what the subject names: environment, branch, tag, pull_request (the job's environment wins)",
    "environment": "the job's deployment environment",
    "ref": "the git ref of the run",
    "job_workflow_ref": "the reusable workflow the job runs",
    "immutable": "whether the subject carries the owner and repository IDs",
    "template": "a customised subject template (include_claim_keys)",
    "namespace": "the pod's namespace",
    "service_account": "the pod's service account",
    "project_path": "the GitLab project",
    "project_id": "the GitLab project's numeric ID",
    "ref_type": "branch or tag",
    "organization": "the Terraform Cloud organisation",
    "project": "the Terraform Cloud project",
    "workspace": "the Terraform Cloud workspace",
    "run_phase": "plan or apply (each needs its own credential)",
}
#: GitHub claims beside `sub` worth showing: a customised subject is built from them.
GITHUB_CLAIMS = (
    "repository",
    "repository_owner",
    "repository_id",
    "repository_owner_id",
    "environment",
    "ref",
    "ref_type",
    "event_name",
    "job_workflow_ref",
    "workflow",
    "run_id",
)


@dataclass(frozen=True)
class ExternalExplanation:
    """The facts `decode` prints for an external token."""

    token: ExternalToken
    kind_name: str
    parts: list[tuple[str, str, str]] = field(default_factory=list)
    audience: str = ""
    audience_ok: bool = False
    lifetime: str = ""
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.token.kind.value,
            "kind_name": self.kind_name,
            "issuer": self.token.issuer,
            "subject": self.token.subject,
            "subject_parts": [{"name": n, "value": v, "meaning": m} for n, v, m in self.parts],
            "audiences": list(self.token.audiences),
            "audience": self.audience,
            "audience_ok": self.audience_ok,
            "lifetime": self.lifetime,
            "expires_at": self.token.expires_at,
            "notes": list(self.notes),
        }


def is_external(claims: dict[str, Any]) -> bool:
    """A token from another issuer (no Entra tenant claim), as presented to Entra's token exchange."""
    token = from_claims(claims)
    return token.kind is not IssuerKind.ENTRA and "tid" not in claims and bool(token.issuer)


def _audience(token: ExternalToken) -> tuple[str, bool]:
    by_value = {aud: cloud for cloud, aud in FEDERATION_AUDIENCES.items()}
    for aud in token.audiences:
        if aud in by_value:
            cloud = by_value[aud]
            return f"{aud}: the token exchange audience of the {cloud.value} cloud", True
        if aud.startswith("api://AzureADTokenExchange"):
            return f"{aud}: the token exchange audience of a national cloud", True
    shown = ", ".join(token.audiences) or "(none)"
    default = FEDERATION_AUDIENCES[Cloud.GLOBAL]
    why = f"{shown}: not a token exchange audience; request the token for {default} (or the national cloud's)"
    if any("kubernetes.default.svc" in a for a in token.audiences):
        why += "; this is the default service-account token, not one projected for federation"
    return why, False


def _lifetime(token: ExternalToken, now: float) -> str:
    if token.expires_at is None:
        return "no expiry (exp): Entra refuses it"
    total = token.lifetime()
    left = token.expires_at - now
    span = f"valid {total:.0f} s" if total is not None else "valid"
    if left <= 0:
        return f"{span}; expired {-left:.0f} s ago (fetch a fresh one for every token request)"
    return f"{span}; {left:.0f} s left"


def explain_external(
    claims: dict[str, Any], header: dict[str, Any] | None = None, *, now: float | None = None
) -> ExternalExplanation:
    """Issuer kind, subject parts with their meanings, audience against api://AzureADTokenExchange, lifetime."""
    token = from_claims(claims, header)
    parts = [(k, v, PART_MEANINGS.get(k, "")) for k, v in token.parts.items()]
    if token.kind is IssuerKind.GITHUB:
        if "owner" in token.parts and "repo" in token.parts:
            parts.insert(
                0, ("repository", f"{token.parts['owner']}/{token.parts['repo']}", "owner/repository")
            )
        if token.parts.get("entity") == "pull_request":
            parts.append(("pull_request", "yes", "a pull_request run without an environment"))
        for name in GITHUB_CLAIMS:
            if name in claims:
                parts.append((f"claim:{name}", str(claims[name]), "a claim a customised subject may include"))
    audience, ok = _audience(token)
    notes = []
    if token.alg and token.alg != "RS256":
        notes.append(f"signed with {token.alg}: Entra accepts RS256 only")
    if token.kind is IssuerKind.KUBERNETES and token.issuer.endswith("/"):
        notes.append("the issuer ends with '/': the credential's issuer must too (AKS issuers do)")
    return ExternalExplanation(
        token=token,
        kind_name=KIND_NAMES[token.kind],
        parts=parts,
        audience=audience,
        audience_ok=ok,
        lifetime=_lifetime(token, time.time() if now is None else now),
        notes=notes,
    )
