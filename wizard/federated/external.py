"""An external (federated) token read as Entra reads it: issuer kind, subject parts, audience, lifetime."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from wizard.clouds import Cloud
from wizard.tokens.decode import decode_token

#: The audience a federated credential expects, per cloud.
FEDERATION_AUDIENCES: dict[Cloud, str] = {
    Cloud.GLOBAL: "api://AzureADTokenExchange",
    Cloud.USGOV: "api://AzureADTokenExchangeUSGov",
    Cloud.CHINA: "api://AzureADTokenExchangeChina",
}
ALL_FEDERATION_AUDIENCES = frozenset(
    {*FEDERATION_AUDIENCES.values(), "api://AzureADTokenExchangeUSNat", "api://AzureADTokenExchangeUSSec"}
)
GITHUB_ISSUER = "https://token.actions.githubusercontent.com"


class IssuerKind(str, Enum):
    """Who issued the external token (what its subject means)."""

    GITHUB = "github-actions"
    KUBERNETES = "kubernetes"
    GITLAB = "gitlab"
    TERRAFORM = "terraform-cloud"
    AZURE_DEVOPS = "azure-devops"
    ENTRA = "entra"
    OTHER = "oidc"


_ENTRA_ISSUER = re.compile(
    r"^https://(login\.microsoftonline\.(com|us)|login\.chinacloudapi\.cn|sts\.windows\.net|"
    r"[a-z0-9-]+\.ciamlogin\.com)/",
    re.I,
)


def issuer_kind(issuer: str, subject: str = "") -> IssuerKind:
    """The kind of issuer, by its URL and, for self-hosted ones, the shape of the subject."""
    iss = issuer.lower()
    if iss.startswith(GITHUB_ISSUER) or subject.startswith("repo:") or "/_services/token" in iss:
        return IssuerKind.GITHUB
    if _ENTRA_ISSUER.match(issuer):
        return IssuerKind.ENTRA
    if subject.startswith("system:serviceaccount:") or ".oic.prod-aks.azure.com" in iss:
        return IssuerKind.KUBERNETES
    if subject.startswith(("project_path:", "project_id:")) or "gitlab" in iss:
        return IssuerKind.GITLAB
    if subject.startswith("organization:") or iss.startswith("https://app.terraform.io"):
        return IssuerKind.TERRAFORM
    if iss.startswith("https://vstoken.dev.azure.com") or subject.startswith("sc://"):
        return IssuerKind.AZURE_DEVOPS
    return IssuerKind.OTHER


_GITHUB_REPO = re.compile(
    r"^repo:(?P<owner>[^/@:]+)(?:@(?P<owner_id>\d+))?/(?P<repo>[^:@]+)(?:@(?P<repo_id>\d+))?:"
)


def _pairs(subject: str) -> dict[str, str]:
    """`key:value:key:value` (GitLab, Terraform Cloud, GitHub custom templates) as a mapping."""
    fields = subject.split(":")
    return dict(zip(fields[0::2], fields[1::2], strict=False))


def subject_parts(kind: IssuerKind, subject: str) -> dict[str, str]:
    """The named parts of a subject (GitHub: owner, repository, environment or ref or pull_request, IDs)."""
    parts: dict[str, str] = {}
    if kind is IssuerKind.GITHUB:
        found = _GITHUB_REPO.match(subject)
        if found:
            parts.update({k: v for k, v in found.groupdict().items() if v})
            rest = subject[found.end() :]
            if rest.startswith("environment:"):
                parts["entity"], parts["environment"] = "environment", rest.split(":", 1)[1]
            elif rest == "pull_request":
                parts["entity"] = "pull_request"
            elif rest.startswith("ref:"):
                ref = rest.split(":", 1)[1]
                parts["entity"], parts["ref"] = ("tag" if ref.startswith("refs/tags/") else "branch"), ref
            elif rest.startswith("job_workflow_ref:"):
                parts["entity"], parts["job_workflow_ref"] = "job_workflow_ref", rest.split(":", 1)[1]
            parts["immutable"] = "yes" if "owner_id" in parts or "repo_id" in parts else "no"
        else:
            parts["template"] = "custom"
            parts.update(_pairs(subject))
    elif kind is IssuerKind.KUBERNETES and subject.startswith("system:serviceaccount:"):
        _, _, namespace, account = [*subject.split(":", 3), "", ""][:4]
        parts.update(namespace=namespace, service_account=account)
    elif kind in {IssuerKind.GITLAB, IssuerKind.TERRAFORM}:
        parts.update(_pairs(subject))
    return parts


@dataclass(frozen=True)
class ExternalToken:
    """The claims of a presented external token that federation matches on, and its lifetime."""

    issuer: str
    subject: str
    audiences: tuple[str, ...]
    kind: IssuerKind
    parts: dict[str, str] = field(default_factory=dict)
    issued_at: float | None = None
    not_before: float | None = None
    expires_at: float | None = None
    alg: str = ""
    kid: str = ""
    #: Entra app-only tokens may be assertions (managed identity as FIC); user tokens may not.
    entra_user_token: bool = False

    def lifetime(self) -> float | None:
        if self.expires_at is None or self.issued_at is None:
            return None
        return self.expires_at - self.issued_at

    def expired(self, now: float) -> bool:
        return self.expires_at is not None and self.expires_at <= now

    def to_dict(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "subject": self.subject,
            "audiences": list(self.audiences),
            "kind": self.kind.value,
            "subject_parts": dict(self.parts),
            "issued_at": self.issued_at,
            "not_before": self.not_before,
            "expires_at": self.expires_at,
            "alg": self.alg,
            "kid": self.kid,
        }


def _num(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        number = float(value)
    except OverflowError:  # an integer of hundreds of digits: no time at all
        return None
    return number if number == number and abs(number) < 1e11 else None


def from_claims(claims: dict[str, Any], header: dict[str, Any] | None = None) -> ExternalToken:
    """Build the view from decoded claims (and the JOSE header, for `alg` and `kid`)."""
    header = header or {}
    issuer = str(claims.get("iss") or "")
    subject = str(claims.get("sub") or "")
    aud = claims.get("aud")
    audiences = tuple(str(a) for a in aud) if isinstance(aud, list) else ((str(aud),) if aud else ())
    kind = issuer_kind(issuer, subject)
    user_token = kind is IssuerKind.ENTRA and (claims.get("idtyp") == "user" or "scp" in claims)
    return ExternalToken(
        issuer=issuer,
        subject=subject,
        audiences=audiences,
        kind=kind,
        parts=subject_parts(kind, subject),
        issued_at=_num(claims.get("iat")),
        not_before=_num(claims.get("nbf")),
        expires_at=_num(claims.get("exp")),
        alg=str(header.get("alg") or ""),
        kid=str(header.get("kid") or ""),
        entra_user_token=user_token,
    )


def read_external_token(text: str) -> ExternalToken:
    """Decode a presented external token (raises wizard.errors.TokenFormatError when it is not a JWT)."""
    decoded = decode_token(text)
    return from_claims(decoded.claims, decoded.header)
