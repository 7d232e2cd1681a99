"""The fallback rules: what is known when no specific rule fits (the API's own words, the token, the error).

They conclude only when no specific rule found an error, and always rank last, so a refused call or a failed
client library never ends with "no rule recognised" and never hides a specific finding.
"""

from __future__ import annotations

from wizard.diagnosis.registry import FALLBACK, LEARN, RULES, Hit
from wizard.diagnosis.rules_permissions import GRAPH_ERRORS
from wizard.diagnosis.signals import Signals, clip

API_REFUSED = RULES.add(
    "api-refused",
    section="Token and API",
    title="The API refused the call, and no specific rule explains why",
    meaning="The API refused the token and no more specific rule applies: what is known, and where to look.",
    fix="Read the API's own error code and message (quoted in the explanation); compare the token's `aud` with the API's App ID "
    "URI and its `roles` with the permissions the API documents for this call. `daemon-wizard doctor "
    "--json --verbose` keeps the whole answer and the token's claims.",
    links=(f"{LEARN}/access-tokens#validate-tokens", GRAPH_ERRORS),
    fallback=True,
)
CLIENT_ERROR = RULES.add(
    "client-error",
    section="Network and client",
    title="The client stopped with an error no specific rule explains",
    meaning="The client library failed before any answer from the service.",
    fix="Read the client's error in the explanation; run `daemon-wizard doctor --verbose` to see the step where it stopped, and "
    "check the configuration that step uses (key and certificate files, authority, proxy).",
    links=(f"{LEARN}/reference-error-codes",),
    fallback=True,
)


def _token_facts(s: Signals) -> str:
    if s.claims is None:
        return "The access token is not in the evidence, so its audience and roles cannot be compared."
    aud = s.claim_str("aud") or "(none)"
    roles = ", ".join(s.roles) if s.roles else "(none)"
    facts = f"The token's `aud` is `{aud}`; its roles: {roles}."
    scp = s.claim_str("scp")
    if scp:
        facts += f" It is a delegated token (scp: {scp})."
    return facts


@API_REFUSED.detector
def _api_refused(s: Signals) -> Hit | None:
    if not s.api_failed:
        return None
    status = s.api.status
    request = f"{s.api.method or 'the request'} {s.api_url or ''}".strip()
    said = f"The API answered {status if status is not None else s.api.status_text} to {request}"
    code, message = s.api_words
    if code or message:
        said += ": " + (f"`{code}`" if code else "") + (" " if code and message else "") + (message or "")
    if not said.endswith((".", "…")):
        said += "."
    if status is not None and status not in {401, 403}:
        said += " The status is not an authorization refusal: the request itself may be at fault."
    return Hit(FALLBACK, explanation=f"{said} {_token_facts(s)}")


@CLIENT_ERROR.detector
def _client_error(s: Signals) -> Hit | None:
    if s.api.status is not None or s.api_failed:
        return None  # the service answered: api-refused says what it said
    client = s.evidence.client_error.strip()
    if client:
        return Hit(FALLBACK, explanation=f"The client reported: {clip(client)}")
    if s.token_error.text.strip():
        codes = ", ".join(f"AADSTS{c}" for c in s.token_error.codes)
        where = f" ({codes})" if codes else ""
        fix = None
        if s.token_error.codes:
            fix = (
                f"Look the code up at https://login.microsoftonline.com/error?code={s.token_error.codes[0]} "
                "and compare it with the app's registration; "
                + CLIENT_ERROR.fix[0].lower()
                + CLIENT_ERROR.fix[1:]
            )
        return Hit(
            FALLBACK,
            explanation=f"The token endpoint refused the request{where} in words no rule recognises: "
            f"{clip(s.token_error.text)}",
            fix=fix,
        )
    return None
