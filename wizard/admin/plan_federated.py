"""The federated credential of `register plan | apply --credential federated`: what is asked for (issuer,
subject, audience, name), checked as Graph checks it, and the plan's step predicted from the app's credentials.

Graph's rules (tenant-writes W8): at most 20 per app; a name of 3 to 120 characters, letters, digits, `-` and
`_`, the first alphanumeric, immutable; issuer and subject unique together per app; exactly one audience; no
wildcards (flexible credentials are a beta API of their own).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from wizard.admin.identity import AdminIdentity
from wizard.admin.plan import CLOUD_APP_ADMIN, Step
from wizard.clouds import Cloud
from wizard.errors import UsageError
from wizard.federated.diff import Credential

MAX_PER_APP = 20
NAME_RULE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{2,119}$")
NAME_RULE_TEXT = "3 to 120 characters: letters, digits, '-' and '_', starting with a letter or digit"
STEP = "add federated credential"
_SLUG = re.compile(r"[^A-Za-z0-9_-]+")
WRITE = "Application.ReadWrite.All"
#: Who may write an app's federated credentials besides its owners (tenant-writes W8).
FIC_ROLES = ("Global Administrator", "Application Administrator", "Cloud Application Administrator")


def default_name(subject: str) -> str:
    """A valid credential name from the subject: `repo-contoso-daemon-environment-production`."""
    slug = _SLUG.sub("-", subject).strip("-_")[:120]
    if len(slug) < 3 or not slug[0].isalnum():
        slug = ("edw-" + slug)[:120]
    return slug if NAME_RULE.match(slug) else "edw-federated"


def audience_for(cloud: Cloud | None) -> str:
    """`api://AzureADTokenExchange` and its national-cloud forms."""
    from wizard.federated.external import FEDERATION_AUDIENCES

    return FEDERATION_AUDIENCES.get(cloud or Cloud.GLOBAL, FEDERATION_AUDIENCES[Cloud.GLOBAL])


@dataclass(frozen=True)
class FederatedRequest:
    """The federated identity credential the daemon's external token must match."""

    issuer: str
    subject: str
    audience: str
    name: str = ""

    def __post_init__(self) -> None:
        if not self.issuer.startswith("https://") or len(self.issuer) > 600:
            raise UsageError(
                f"--federated-issuer {self.issuer[:80]!r} is not an https:// issuer URL",
                hint="Exactly as the external token's `iss` says, e.g. https://token.actions.githubusercontent.com",
            )
        if not self.subject.strip() or len(self.subject) > 600:
            raise UsageError("--federated-subject is empty or longer than 600 characters")
        if not self.audience.strip():
            raise UsageError("--federated-audience is empty")
        if not self.name:
            object.__setattr__(self, "name", default_name(self.subject))

    @property
    def credential(self) -> Credential:
        return Credential(self.name, self.issuer, self.subject, (self.audience,))

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "issuer": self.issuer, "subject": self.subject, "audience": self.audience}


def existing(app: dict[str, Any] | None) -> list[Credential]:
    """The app's federated credentials as the plan read them (none for a new app)."""
    from wizard.federated.diff import credentials_from_json

    return credentials_from_json((app or {}).get("federatedIdentityCredentials") or [])


def same(a: Credential, b: Credential) -> bool:
    return a.issuer == b.issuer and a.subject == b.subject and tuple(a.audiences) == tuple(b.audiences)


def federated_step(
    wanted: FederatedRequest, app: dict[str, Any] | None, identity: AdminIdentity, *, name: str
) -> Step:
    """The plan's step for the credential: done (the same one exists), todo, or blocked, and why."""
    role = f"owner or {CLOUD_APP_ADMIN}"
    target = f"{name} {wanted.name}"
    have = existing(app)
    mine = bool(set(identity.roles) & set(FIC_ROLES))

    def step(status: str, reason: str) -> Step:
        return Step(STEP, target, status, WRITE, role, reason)

    if not NAME_RULE.match(wanted.name):
        return step("blocked", f"the name {wanted.name[:60]!r} is not allowed: {NAME_RULE_TEXT}")
    if "*" in wanted.subject or "?" in wanted.subject:
        return step(
            "blocked",
            "a subject is matched exactly: no wildcards (a flexible credential with claimsMatchingExpression "
            "is a beta API)",
        )
    by_name = next((c for c in have if c.name == wanted.name), None)
    if by_name is not None and same(by_name, wanted.credential):
        return step("done", "exists with this issuer, subject and audience")
    pair = next(
        (
            c
            for c in have
            if c.name != wanted.name and (c.issuer, c.subject) == (wanted.issuer, wanted.subject)
        ),
        None,
    )
    if pair is not None:
        return step(
            "blocked",
            f"the credential {pair.name!r} already has this issuer and subject (Entra allows each pair once per "
            f"app): pass --federated-name {pair.name} to keep it",
        )
    if by_name is None and len(have) >= MAX_PER_APP:
        return step(
            "blocked",
            f"the app has {len(have)} federated credentials, Entra's limit of {MAX_PER_APP}: remove one it no "
            "longer needs",
        )
    who = (
        "" if app is None or mine else "; if you own the app (else it needs Cloud Application Administrator)"
    )
    if by_name is not None:
        return step("todo", f"will be updated (upsert by name): subject {wanted.subject}{who}")
    return step(
        "todo",
        f"will be added (upsert by name, {len(have) + 1} of at most {MAX_PER_APP}): issuer {wanted.issuer}, "
        f"subject {wanted.subject}, audience {wanted.audience}{who}",
    )


def with_credentials(reader: Any, facts: Any) -> Any:
    """`facts` with the app's federated credentials read from Graph (`federatedIdentityCredentials`)."""
    from dataclasses import replace

    app = facts.app
    if app is None:
        return facts
    items: list[Any] = []
    url: str | None = f"/applications/{app.get('id')}/federatedIdentityCredentials"
    while url:
        body = reader.get(url) or {}
        items.extend(i for i in body.get("value") or [] if isinstance(i, dict))
        link = body.get("@odata.nextLink")
        url = link.split("/v1.0", 1)[1] if isinstance(link, str) and "/v1.0" in link else None
    return replace(facts, app={**app, "federatedIdentityCredentials": items})


def fingerprint_part(app: dict[str, Any]) -> dict[str, Any]:
    """What a stale-plan check compares of the app's federated credentials (when the plan read them)."""
    if "federatedIdentityCredentials" not in app:
        return {}
    return {"fics": sorted(f"{c.name}|{c.issuer}|{c.subject}|{','.join(c.audiences)}" for c in existing(app))}
