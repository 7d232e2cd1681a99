"""Diagnosis engine: evidence in, findings (stable codes, explanation, fix, links) out."""

from __future__ import annotations

from wizard.diagnosis.engine import diagnose, explain_error
from wizard.diagnosis.evidence import ApiEvidence, ConfigEvidence, Evidence, parse_evidence
from wizard.diagnosis.model import Diagnosis, Finding
from wizard.diagnosis.registry import RULES, Rule

__all__ = [
    "RULES",
    "ApiEvidence",
    "ConfigEvidence",
    "Diagnosis",
    "Evidence",
    "Finding",
    "Rule",
    "diagnose",
    "explain_error",
    "parse_evidence",
]
