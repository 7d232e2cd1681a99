"""Run every rule over the evidence and order the findings, most likely cause first."""

from __future__ import annotations

import logging
from dataclasses import replace

from wizard.diagnosis import (  # noqa: F401 (importing registers the rules)
    rules_admin,
    rules_azure,
    rules_credentials,
    rules_fallback,
    rules_fic_writes,
    rules_isv,
    rules_m365,
    rules_network,
    rules_permissions,
    rules_scope,
    rules_tenant,
    rules_tenant_writes,
    rules_token,
)
from wizard.diagnosis.evidence import Evidence, parse_evidence
from wizard.diagnosis.model import Diagnosis, Finding
from wizard.diagnosis.registry import RULES, SERVER_SAYS, Hit, Rule
from wizard.diagnosis.signals import Signals

log = logging.getLogger(__name__)


def _best_hit(rule: Rule, signals: Signals, *, strict: bool) -> Hit | None:
    best: Hit | None = None
    for detect in rule.detectors:
        try:
            hit = detect(signals)
        except Exception:  # a rule must never take the whole diagnosis down
            if strict:
                raise
            log.debug("rule %s failed", rule.code, exc_info=True)
            continue
        if hit is not None and (best is None or hit.confidence > best.confidence):
            best = hit
    return best


def _finding(rule: Rule, hit: Hit, *, downgrade: bool) -> Finding:
    severity = hit.severity or rule.severity
    if downgrade and severity == "error" and hit.confidence < SERVER_SAYS:
        severity = "warning"
    return Finding(
        code=rule.code,
        severity=severity,
        title=rule.title,
        explanation=hit.explanation or rule.meaning,
        fix=hit.fix or rule.fix,
        links=rule.links,
        confidence=hit.confidence,
    )


def diagnose(evidence: object, *, strict: bool = False) -> Diagnosis:
    """Findings for this evidence (a dict from JSON, a pasted error string, or Evidence). Never raises.

    `strict=True` re-raises a failing rule instead of skipping it (tests use it to find fragile rules).
    """
    try:
        ev = evidence if isinstance(evidence, Evidence) else parse_evidence(evidence)
    except Exception:  # parse_evidence is total; this is the last line of defence
        if strict:
            raise
        log.debug("evidence could not be parsed", exc_info=True)
        ev = Evidence()
    signals = Signals(ev)
    order = {rule.code: i for i, rule in enumerate(RULES)}
    findings = _conclude(signals, [r for r in RULES if not r.fallback], strict=strict)
    failed = any(f.severity == "error" for f in findings)
    if not failed:
        # Nothing specific explains a failure: the fallback rules say what is known (the API's words, the error).
        fallbacks = _conclude(signals, [r for r in RULES if r.fallback], strict=strict)
        findings += fallbacks
        failed = any(f.severity == "error" for f in fallbacks)
    ok_seen = any(f.code == "ok" for f in findings)
    if failed:
        findings = [f for f in findings if f.code != "ok"]
    succeeded = ok_seen and not failed
    fallback = {rule.code for rule in RULES if rule.fallback}
    findings.sort(
        key=lambda f: (
            not (succeeded and f.code == "ok"),
            f.code in fallback,
            -f.confidence,
            order[f.code],
        )
    )
    verdict = "ok" if succeeded else "fail"
    return Diagnosis(verdict=verdict, findings=tuple(findings))


def _conclude(signals: Signals, rules: list[Rule], *, strict: bool) -> list[Finding]:
    hits: list[tuple[Rule, Hit]] = []
    for rule in rules:
        hit = _best_hit(rule, signals, strict=strict)
        if hit is not None:
            hits.append((rule, hit))
    ok_seen = any(rule.code == "ok" for rule, _ in hits)
    # A successful API call outweighs configuration smells: they become warnings.
    return [_finding(rule, hit, downgrade=ok_seen and signals.api_ok) for rule, hit in hits]


def explain_error(text: str, **config: object) -> Diagnosis:
    """Diagnose a pasted error message (optionally with config keys such as client_id, authority).

    A token-endpoint error (AADSTS...) and an API's answer (Graph's 403 body, a JwtBearer 401) are told apart.
    """
    evidence = parse_evidence(text)
    if config:
        evidence = replace(evidence, config=parse_evidence({"config": dict(config)}).config)
    return diagnose(evidence)
