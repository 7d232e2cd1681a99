"""The presented token's `iss`, `sub` and `aud` against every federated credential of the app.

Entra matches all three exactly and case-sensitively, and its errors echo only the presented value. This
names the closest credential and the exact difference: case, a trailing slash, the entity type (environment,
branch, tag, pull request), a name where an immutable ID is expected or the reverse, the audience, or that
the app has no credential at all; and the credential that would make the match true.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from wizard.federated.external import ExternalToken, IssuerKind, subject_parts

#: The only parts a federated identity credential matches on.
FIELDS = ("issuer", "subject", "audience")
#: Differences of spelling only: the same credential written another way.
_SPELLING = frozenset({"case", "trailing-slash", "double-slash", "immutable-id"})


@dataclass(frozen=True)
class Credential:
    """One federated identity credential as Graph returns it (`federatedIdentityCredentials`)."""

    name: str
    issuer: str
    subject: str
    audiences: tuple[str, ...]
    id: str = ""

    @classmethod
    def from_graph(cls, item: dict[str, Any]) -> Credential:
        aud = item.get("audiences")
        return cls(
            name=str(item.get("name") or ""),
            issuer=str(item.get("issuer") or ""),
            subject=str(item.get("subject") or ""),
            audiences=tuple(str(a) for a in aud) if isinstance(aud, list) else (),
            id=str(item.get("id") or ""),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "issuer": self.issuer,
            "subject": self.subject,
            "audiences": list(self.audiences),
        }


@dataclass(frozen=True)
class Difference:
    """One part that differs, with its kind and a sentence that says it."""

    field: str
    kind: str  # case | trailing-slash | double-slash | entity-type | immutable-id | value
    presented: str
    expected: str
    detail: str

    def to_dict(self) -> dict[str, str]:
        return {
            "field": self.field,
            "kind": self.kind,
            "presented": self.presented,
            "expected": self.expected,
            "detail": self.detail,
        }


@dataclass(frozen=True)
class Comparison:
    """The presented token against one credential."""

    credential: Credential
    differences: tuple[Difference, ...]
    score: float

    @property
    def matches(self) -> bool:
        return not self.differences


@dataclass(frozen=True)
class DiffResult:
    """Every credential compared, the closest first, and what would make the match true."""

    token: ExternalToken
    comparisons: tuple[Comparison, ...] = ()
    suggested: Credential | None = None
    codes: tuple[str, ...] = field(default=())
    #: True when the suggestion edits the closest credential; False when it is a new one to add.
    edit: bool = False

    @property
    def closest(self) -> Comparison | None:
        return self.comparisons[0] if self.comparisons else None

    @property
    def matched(self) -> bool:
        return any(c.matches for c in self.comparisons)

    def to_dict(self) -> dict[str, Any]:
        return {
            "matched": self.matched,
            "presented": {
                "issuer": self.token.issuer,
                "subject": self.token.subject,
                "audiences": list(self.token.audiences),
            },
            "closest": self.closest.credential.name if self.closest else None,
            "credentials": [
                {
                    **c.credential.to_dict(),
                    "matches": c.matches,
                    "differences": [d.to_dict() for d in c.differences],
                }
                for c in self.comparisons
            ],
            "suggested_credential": self.suggested.to_dict() if self.suggested else None,
            "suggestion": ("edit" if self.edit else "add") if self.suggested else None,
            "codes": list(self.codes),
        }


def _issuer_difference(presented: str, expected: str) -> Difference | None:
    if presented == expected:
        return None
    if presented.rstrip("/") == expected.rstrip("/"):
        which = "ends with '/'" if presented.endswith("/") else "has no trailing '/'"
        return Difference(
            "issuer",
            "trailing-slash",
            presented,
            expected,
            f"the token's issuer {which} and the credential's does not: the match is exact, character by "
            "character (AKS issuers end with '/', GitHub's does not)",
        )
    if re.sub(r"(?<!:)//+", "/", presented) == re.sub(r"(?<!:)//+", "/", expected):
        return Difference("issuer", "double-slash", presented, expected, "one of them has a doubled '/'")
    if presented.lower() == expected.lower():
        return Difference("issuer", "case", presented, expected, "the issuers differ only in letter case")
    return Difference("issuer", "value", presented, expected, "a different issuer")


def _strip_ids(subject: str) -> str:
    return re.sub(r"@\d+", "", subject)


def _subject_difference(presented: str, expected: str, kind: IssuerKind) -> Difference | None:
    if presented == expected:
        return None
    if presented.lower() == expected.lower():
        return Difference(
            "subject",
            "case",
            presented,
            expected,
            "the subjects differ only in letter case; Entra compares them case-sensitively (since 2025)",
        )
    if _strip_ids(presented) == _strip_ids(expected):
        if "@" in presented and "@" not in expected:
            detail = (
                "the token carries GitHub's immutable subject (owner and repository IDs) and the "
                "credential the names only"
            )
        elif "@" in expected and "@" not in presented:
            detail = (
                "the credential expects the immutable subject (owner and repository IDs, as the portal "
                "now generates) and the repository still sends names: opt in to immutable subjects, or "
                "use the subject without IDs"
            )
        else:
            detail = "the owner or repository IDs differ (a repository re-created or transferred)"
        return Difference("subject", "immutable-id", presented, expected, detail)
    if kind is IssuerKind.GITHUB:
        got, want = subject_parts(kind, presented), subject_parts(kind, expected)
        same_repo = (got.get("owner"), got.get("repo")) == (want.get("owner"), want.get("repo"))
        if same_repo and got.get("entity") != want.get("entity") and got.get("entity") and want.get("entity"):
            return Difference(
                "subject",
                "entity-type",
                presented,
                expected,
                f"the job presents a {got['entity'].replace('_', ' ')} subject and the credential expects a "
                f"{want['entity'].replace('_', ' ')} one: a job that names an environment always presents "
                "environment:..., a pull_request run presents pull_request, otherwise ref:...",
            )
        if same_repo and got.get("entity") == want.get("entity"):
            return Difference(
                "subject",
                "value",
                presented,
                expected,
                f"same repository and entity type, another {got.get('entity', 'value')}",
            )
    if kind is IssuerKind.KUBERNETES:
        got, want = subject_parts(kind, presented), subject_parts(kind, expected)
        if got and want:
            which = [k for k in ("namespace", "service_account") if got.get(k) != want.get(k)]
            return Difference("subject", "value", presented, expected, "another " + " and ".join(which))
    return Difference("subject", "value", presented, expected, "a different subject")


def _audience_difference(presented: tuple[str, ...], expected: tuple[str, ...]) -> Difference | None:
    if set(presented) & set(expected):
        return None
    shown, want = ", ".join(presented) or "(none)", ", ".join(expected) or "(none)"
    if {p.lower() for p in presented} & {e.lower() for e in expected}:
        return Difference("audience", "case", shown, want, "the audiences differ only in letter case")
    detail = "the token was requested for another audience"
    if any("kubernetes.default.svc" in p or p.startswith("https://kubernetes") for p in presented):
        detail = (
            "this is the default Kubernetes service-account token; project one with the audience "
            "api://AzureADTokenExchange (the workload identity webhook does)"
        )
    return Difference("audience", "value", shown, want, detail)


def compare(token: ExternalToken, credential: Credential) -> Comparison:
    import difflib  # only when credentials are compared, not on every diagnosis import

    diffs = [
        d
        for d in (
            _issuer_difference(token.issuer, credential.issuer),
            _subject_difference(token.subject, credential.subject, token.kind),
            _audience_difference(token.audiences, credential.audiences),
        )
        if d is not None
    ]
    score = sum(
        difflib.SequenceMatcher(None, a, b).ratio()
        for a, b in (
            (token.issuer, credential.issuer),
            (token.subject, credential.subject),
            (" ".join(token.audiences), " ".join(credential.audiences)),
        )
    ) - len(diffs)
    return Comparison(credential=credential, differences=tuple(diffs), score=score)


def _code_for(comparison: Comparison | None) -> tuple[str, ...]:
    if comparison is None:
        return ("federated-no-credential",)
    if comparison.matches:
        return ()
    codes = []
    for d in comparison.differences:
        if d.field == "issuer":
            codes.append("federated-issuer-mismatch")
        elif d.field == "subject":
            codes.append("federated-subject-case" if d.kind == "case" else "federated-subject-mismatch")
        elif d.field == "audience":
            codes.append("federated-audience-mismatch")
    return tuple(dict.fromkeys(codes))


def _safe_name(token: ExternalToken) -> str:
    base = re.sub(r"[^A-Za-z0-9_-]+", "-", token.subject.split(":", 1)[-1]).strip("-_")[:100] or "federated"
    return base if base[0].isalnum() else "f" + base


def diff(token: ExternalToken, credentials: list[Credential]) -> DiffResult:
    """Compare the token with every credential, closest first; suggest the credential that would match."""
    comparisons = sorted((compare(token, c) for c in credentials), key=lambda c: -c.score)
    closest = comparisons[0] if comparisons else None
    suggested = None
    if closest is None or not closest.matches:
        # Keep the credential's own audience (api://AzureADTokenExchange): the token should be requested for it.
        kept = closest.credential.audiences if closest and closest.credential.audiences else ()
        # A credential that is the same one spelt differently is edited; another subject gets its own
        # credential (names are immutable, and the old one may still serve its branch or environment).
        edit = closest is not None and all(d.kind in _SPELLING for d in closest.differences)
        suggested = Credential(
            name=closest.credential.name if closest and edit else _safe_name(token),
            issuer=token.issuer,
            subject=token.subject,
            audiences=kept or ("api://AzureADTokenExchange",),
        )
    return DiffResult(
        token=token,
        comparisons=tuple(comparisons),
        suggested=suggested,
        codes=_code_for(closest),
        edit=bool(suggested and closest and suggested.name == closest.credential.name),
    )


def credentials_from_json(data: object) -> list[Credential]:
    """Credentials from `az ad app federated-credential list` (a list), Graph's `{"value": [...]}`, or one."""
    if isinstance(data, dict) and isinstance(data.get("value"), list):
        data = data["value"]
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        return []
    return [Credential.from_graph(item) for item in data if isinstance(item, dict)]
