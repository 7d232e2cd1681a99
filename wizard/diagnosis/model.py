"""What the engine returns: findings ordered most likely first, and a verdict."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Finding:
    """One conclusion: a stable code (diagnosis-codes.md) with the text a person acts on."""

    code: str
    severity: str
    title: str
    explanation: str
    fix: str
    links: tuple[str, ...] = ()
    #: How sure the engine is (not part of the public JSON).
    confidence: int = field(default=0, compare=False)

    def to_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "severity": self.severity,
            "title": self.title,
            "explanation": self.explanation,
            "fix": self.fix,
            "links": list(self.links),
        }


@dataclass(frozen=True)
class Diagnosis:
    """The verdict and the findings, most likely cause first."""

    verdict: str
    findings: tuple[Finding, ...] = ()

    @property
    def ok(self) -> bool:
        return self.verdict == "ok"

    @property
    def first(self) -> Finding | None:
        return self.findings[0] if self.findings else None

    @property
    def codes(self) -> list[str]:
        return [f.code for f in self.findings]

    def to_dict(self) -> dict[str, object]:
        """The public JSON shape of `explain --json` and `doctor --json`."""
        return {"verdict": self.verdict, "findings": [f.to_dict() for f in self.findings]}
