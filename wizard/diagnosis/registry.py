"""The rules registry: each finding code with its human text, and the detectors that can conclude it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from wizard.diagnosis.signals import Signals

LEARN = "https://learn.microsoft.com/entra/identity-platform"

#: Confidence levels a detector reports; the engine orders findings by them.
SERVER_SAYS = 100  # the token endpoint (or credential library) named the problem itself
API_SAYS = 90  # the API's answer names it
INFERRED = 70  # concluded from claims/config together with a failure
HINT = 40  # a configuration smell that would fail, no failure observed for it
WEAK = 20  # worth knowing, probably not the cause
FALLBACK = 1  # a fallback rule: what is known when no specific rule fits (always ranked last)

#: Sections in the order of reference/diagnosis-codes.md (docs and `explain --list` follow it).
SECTIONS = (
    "Scope and request shape",
    "Credentials",
    "Tenant, app and authority",
    "Token and API",
    "Beyond the token",
    "Network and client",
    "Not a failure",
)


@dataclass(frozen=True)
class Hit:
    """A detector's conclusion; explanation/fix override the rule's generic text when given."""

    confidence: int
    explanation: str | None = None
    fix: str | None = None
    severity: str | None = None


Detector = Callable[["Signals"], "Hit | None"]


@dataclass(frozen=True)
class Rule:
    """One finding code: what it means, how to fix it, where to read more, and how it is detected."""

    code: str
    section: str
    title: str
    meaning: str
    fix: str
    links: tuple[str, ...] = ()
    severity: str = "error"
    #: A fallback rule only concludes when no specific rule found an error, and always ranks last.
    fallback: bool = False
    detectors: list[Detector] = field(default_factory=list, compare=False, hash=False)

    def detector(self, func: Detector) -> Detector:
        """Decorator: register `func` as one way of concluding this rule."""
        self.detectors.append(func)
        return func


class Registry:
    """All rules, in the order of diagnosis-codes.md; iterable for docs and `explain --list`."""

    def __init__(self) -> None:
        self._rules: dict[str, Rule] = {}

    def add(
        self,
        code: str,
        *,
        section: str,
        title: str,
        meaning: str,
        fix: str,
        links: tuple[str, ...] = (),
        severity: str = "error",
        fallback: bool = False,
    ) -> Rule:
        if code in self._rules:
            raise ValueError(f"duplicate rule {code}")
        rule = Rule(code, section, title, meaning, fix, links, severity, fallback)
        self._rules[code] = rule
        return rule

    def __iter__(self) -> Iterator[Rule]:
        rules = list(self._rules.values())
        rank = {name: i for i, name in enumerate(SECTIONS)}
        return iter(sorted(rules, key=lambda r: rank.get(r.section, len(SECTIONS))))

    def __len__(self) -> int:
        return len(self._rules)

    def __getitem__(self, code: str) -> Rule:
        return self._rules[code]

    def __contains__(self, code: object) -> bool:
        return code in self._rules


RULES = Registry()
