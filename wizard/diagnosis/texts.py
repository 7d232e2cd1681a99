"""One source for each code's title, fix and links (the rules registry), also for findings built outside the
rules: a validation problem (`validate`, and `doctor` stopping before the network) and doctor's safety net.

So `validate`, `explain` and `doctor` give the same title and fix for the same code; what is specific to one
observation (the value that is wrong, the field-level advice) goes in the explanation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from wizard.diagnosis import engine  # noqa: F401 (loads every rule module, so RULES is complete)
from wizard.diagnosis.model import Finding
from wizard.diagnosis.registry import RULES

if TYPE_CHECKING:
    from wizard.validation import Problem


def finding_for(
    code: str,
    *,
    explanation: str,
    severity: str = "error",
    title: str | None = None,
    fix: str | None = None,
) -> Finding:
    """The finding for `code`: the registry's title, fix and links when it knows the code; `title` and
    `fix` are only used for codes it does not know (validation-only codes such as `placeholder`)."""
    if code in RULES:
        rule = RULES[code]
        return Finding(code, severity, rule.title, explanation, rule.fix, rule.links)
    return Finding(code, severity, title or code, explanation, fix or "", ())


def problem_title(problem: Problem) -> str:
    """The title `validate` shows: the registry's for a code it knows, else the problem's own message."""
    return RULES[problem.code].title if problem.code in RULES else problem.message


def problem_fix(problem: Problem) -> str:
    """The fix `validate` shows: the registry's for a code it knows, else the problem's own fix."""
    return RULES[problem.code].fix if problem.code in RULES else problem.fix


def problem_finding(problem: Problem) -> Finding:
    """A validation problem as a finding; the field, the wrong value and the field-level advice explain it."""
    explanation = f"{problem.field}: {problem.message}."
    if problem.code in RULES and problem.fix:
        explanation += f" {problem.fix}"
    return finding_for(
        problem.code,
        explanation=explanation,
        severity=problem.severity,
        title=problem.message,
        fix=problem.fix,
    )


def problem_dict(problem: Problem) -> dict[str, str]:
    """A problem in `validate --json` and doctor's `problems`: the registry's title and fix, and the
    field-level advice as `hint` when it differs from the fix."""
    data = problem.to_dict()
    data["title"] = problem_title(problem)
    data["fix"] = problem_fix(problem)
    if problem.fix and problem.fix != data["fix"]:
        data["hint"] = problem.fix
    return data
