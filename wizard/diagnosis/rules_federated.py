"""Rules about federated credentials (workload identity federation): which part of the match failed.

They replace the single `federated-mismatch` (kept as an alias, ranked below the specific finding). Each
rests on Entra's code and text, and, when the app's federated credentials are in the evidence
(`app_registration.federatedIdentityCredentials`) with the presented token (`client_assertion`, or the
issuer/subject/audience Entra echoes), on a character-level diff that names the credential that would match.
"""

from __future__ import annotations

import json
import re
import time
from typing import Any

from wizard.diagnosis.registry import INFERRED, LEARN, RULES, SERVER_SAYS, Hit, Rule
from wizard.diagnosis.signals import Signals
from wizard.errors import TokenFormatError
from wizard.federated.diff import Credential, DiffResult, credentials_from_json, diff
from wizard.federated.external import ExternalToken, from_claims, read_external_token

SECTION = "Credentials"
WIF = "https://learn.microsoft.com/entra/workload-id/workload-identity-federation"
WIF_APP = "https://learn.microsoft.com/entra/workload-id/workload-identity-federation-create-trust"
WIF_ERRORS = "https://learn.microsoft.com/entra/workload-id/workload-identity-federation-considerations"
GITHUB_OIDC = "https://docs.github.com/actions/security-for-github-actions/security-hardening-your-deployments/about-security-hardening-with-openid-connect"
AKS_WI = "https://learn.microsoft.com/azure/aks/workload-identity-overview"
ERROR_CODES = f"{LEARN}/reference-error-codes"

_FIX_PORTAL = "App registrations > (your app) > Certificates & secrets > Federated credentials"


def _add(code: str, title: str, meaning: str, fix: str, *links: str) -> Rule:
    return RULES.add(
        code, section=SECTION, title=title, meaning=meaning, fix=fix, links=links or (WIF, WIF_ERRORS)
    )


ISSUER = _add(
    "federated-issuer-mismatch",
    "No federated credential has the token's issuer",
    "No federated credential of the app has the presented token's issuer (often a trailing slash, `//`, a "
    "re-created cluster).",
    f"{_FIX_PORTAL}: set the credential's issuer to the token's `iss` exactly, character for character.",
)
SUBJECT = _add(
    "federated-subject-mismatch",
    "No federated credential has the token's subject",
    "The issuer matches but no credential has the presented subject (entity type, immutable IDs, custom "
    "template).",
    f"{_FIX_PORTAL}: add a credential whose subject is the token's `sub` exactly (`daemon-wizard fic subject` "
    "predicts it from the workflow).",
    WIF_APP,
    GITHUB_OIDC,
)
SUBJECT_CASE = _add(
    "federated-subject-case",
    "The subject matches only when case is ignored",
    "The subject matches only when case is ignored; matching is case-sensitive.",
    "Make the credential's subject the token's `sub` with the same letter case (organisation, repository and "
    "environment names as GitHub sends them).",
    WIF_APP,
)
AUDIENCE = _add(
    "federated-audience-mismatch",
    "The token's audience is not the credential's",
    "The presented token's audience is not the credential's (`api://AzureADTokenExchange` and its "
    "national-cloud forms).",
    "Request the external token for the audience `api://AzureADTokenExchange` (US Gov: "
    "`api://AzureADTokenExchangeUSGov`, China: `api://AzureADTokenExchangeChina`), and keep that audience on "
    "the credential.",
)
NO_CREDENTIAL = _add(
    "federated-no-credential",
    "The app has no federated credential",
    "The app has no federated credential at all, or none yet.",
    f"{_FIX_PORTAL} > Add credential: the issuer, the subject and the audience of the token the workload "
    "presents (`daemon-wizard fic diff` prints the exact JSON).",
    WIF_APP,
)
EXPIRED = _add(
    "federated-token-expired",
    "The external token expired before the exchange",
    "The external token has expired before the exchange (long jobs reuse a short-lived token).",
    "Fetch a fresh external token for every exchange (msal: pass a callable as `client_assertion`; "
    "azure-identity's WorkloadIdentityCredential re-reads the token file); in GitHub Actions, request the OIDC "
    "token right before the step that uses it.",
)
INVALID = _add(
    "federated-token-invalid",
    "The federated assertion is not a usable external token",
    "No external token, a malformed or unsigned one, a token without the federation audience, or an "
    "Entra-issued token used as the assertion.",
    "Present the workload's own OIDC token: GitHub Actions needs `permissions: id-token: write`; Kubernetes "
    "needs a projected service-account token with the audience `api://AzureADTokenExchange` (the workload "
    'identity webhook and the pod label `azure.workload.identity/use: "true"`); check '
    "`AZURE_FEDERATED_TOKEN_FILE` points at a non-empty file.",
    GITHUB_OIDC,
    AKS_WI,
)
UNREACHABLE = _add(
    "federated-issuer-unreachable",
    "Entra cannot fetch the issuer's discovery document or keys",
    "Entra cannot fetch the issuer's discovery document or keys.",
    "`{iss}/.well-known/openid-configuration` and its `jwks_uri` must be reachable from the internet over "
    "HTTPS without authentication (AKS: enable the OIDC issuer with `az aks update --enable-oidc-issuer`; a "
    "self-hosted issuer: publish both documents publicly).",
    WIF_ERRORS,
    AKS_WI,
)
KEY_UNKNOWN = _add(
    "federated-key-unknown",
    "The key that signed the external token is not published",
    "The key that signed the external token is not in the issuer's published keys.",
    "The token's `kid` must be in the issuer's JWKS: after a key rotation publish the new key (AKS: `az aks "
    "oidc-issuer rotate-signing-keys` keeps both for a while), or use a token signed with a published key.",
)
REPLICATION = _add(
    "replication-pending",
    "The change is not live in Entra yet",
    "A credential, permission or federated credential changed minutes ago and is not live yet.",
    "Wait a few minutes and try again (federated credentials and new secrets usually apply within 1 to 5 "
    "minutes); retry with a bounded backoff rather than changing the configuration again.",
    WIF_ERRORS,
)

_MATCH_CODES = (70021, 700211, 700212, 700213, 7002138)
_ECHO = {
    "issuer": re.compile(r"assertion[ _]issuer[:=]?\s*'([^']*)'", re.I),
    "subject": re.compile(r"assertion[ _]subject[:=]?\s*'([^']*)'", re.I),
    "audience": re.compile(r"assertion[ _]audience[:=]?\s*'([^']*)'", re.I),
}


def _raw_error(s: Signals) -> str:
    return f"{s.token_error.text}\n{s.client_error.text}"


def credentials(s: Signals) -> list[Credential] | None:
    """The app's federated credentials when the evidence holds them ([] = it has none), else None."""
    reg = s.evidence.app_registration or {}
    for key in ("federatedIdentityCredentials", "federated_credentials"):
        if key in reg:
            return credentials_from_json(reg[key])
    return None


def presented(s: Signals) -> ExternalToken | None:
    """The presented external token: the assertion in the evidence, else what Entra's error echoes."""
    value = s.evidence.client_assertion
    if isinstance(value, str):
        try:
            return read_external_token(value)
        except TokenFormatError:
            pass
    if isinstance(value, dict):
        claims = value.get("claims", value)
        if isinstance(claims, dict) and claims.get("iss"):
            header = value.get("header")
            return from_claims(claims, header if isinstance(header, dict) else None)
    text = _raw_error(s)
    echoed = {k: (m.group(1) if (m := p.search(text)) else None) for k, p in _ECHO.items()}
    if not any(echoed.values()):
        return None
    names = {"issuer": "iss", "subject": "sub", "audience": "aud"}
    return from_claims({names[k]: v for k, v in echoed.items() if v is not None})


def _diff(s: Signals) -> DiffResult | None:
    creds, token = credentials(s), presented(s)
    if creds is None or token is None or not (token.issuer and token.subject):
        return None
    return diff(token, creds)


def _fic_json(result: DiffResult) -> str:
    if result.suggested is None:
        return ""
    body = result.suggested.to_dict()
    return f" The credential that would match: `{json.dumps(body)}`."


def _from_diff(s: Signals, code: str) -> Hit | None:
    result = _diff(s)
    if result is None or result.matched or code not in result.codes or result.closest is None:
        return None
    parts = "; ".join(
        f"{d.field}: {d.detail} (token `{d.presented}`, credential `{d.expected}`)"
        for d in result.closest.differences
    )
    return Hit(
        SERVER_SAYS + 3 if s.has_token_failure else INFERRED + 10,
        explanation=f"Closest federated credential: `{result.closest.credential.name}`. {parts}.",
        fix=(
            f"{_FIX_PORTAL} > `{result.closest.credential.name}`: edit it to match."
            if result.edit
            else f"{_FIX_PORTAL} > Add credential (keep `{result.closest.credential.name}` if it still serves "
            "its own branch or environment)."
        )
        + _fic_json(result),
    )


def _federated_context(s: Signals) -> bool:
    if (s.evidence.config.credential_type or "").lower() == "federated":
        return True
    token = presented(s)
    if token is not None and token.issuer and token.kind.value != "entra":
        return True
    return s.says("federated", "external oidc", "azure_federated_token_file", "workloadidentitycredential")


@ISSUER.detector
def _issuer(s: Signals) -> Hit | None:
    return _from_diff(s, ISSUER.code) or (Hit(SERVER_SAYS) if s.code(700211) else None)


@SUBJECT.detector
def _subject(s: Signals) -> Hit | None:
    hit = _from_diff(s, SUBJECT.code)
    if hit is not None:
        return hit
    if s.code(700213) and not s.says("case-insensitive comparison"):
        return Hit(SERVER_SAYS)
    return None


@SUBJECT_CASE.detector
def _subject_case(s: Signals) -> Hit | None:
    hit = _from_diff(s, SUBJECT_CASE.code)
    if hit is not None:
        return hit
    if s.code(7002138) or s.says(
        "matches with case-insensitive comparison", "case-insensitive comparison, but"
    ):
        return Hit(SERVER_SAYS + 2)
    return None


def _k8s_default_audience(s: Signals) -> bool:
    token = presented(s)
    auds = token.audiences if token else ()
    return any("kubernetes.default.svc" in a or a.startswith("https://kubernetes") for a in auds)


@AUDIENCE.detector
def _audience(s: Signals) -> Hit | None:
    hit = _from_diff(s, AUDIENCE.code)
    if hit is not None and not _k8s_default_audience(s):
        return hit
    if s.code(700212) and not _k8s_default_audience(s):
        return Hit(SERVER_SAYS)
    return None


@NO_CREDENTIAL.detector
def _none(s: Signals) -> Hit | None:
    if s.code(70025) or s.says(
        "has no configured federated identity credentials", "no federated identity credential"
    ):
        return Hit(SERVER_SAYS + 1)
    if credentials(s) == [] and (s.code(*_MATCH_CODES) or (_federated_context(s) and s.has_token_failure)):
        return Hit(SERVER_SAYS + 2, explanation="The app registration has no federated credential at all.")
    return None


@EXPIRED.detector
def _expired(s: Signals) -> Hit | None:
    token = presented(s)
    if s.code(700024) and _federated_context(s):
        return Hit(SERVER_SAYS + 3)
    now = s.evidence.now if s.evidence.now_given else time.time()
    if token is not None and token.kind.value != "entra" and token.expired(now) and _federated_context(s):
        return Hit(INFERRED + 10, explanation=f"The external token expired at {token.expires_at:.0f} (Unix).")
    return None


@INVALID.detector
def _invalid(s: Signals) -> Hit | None:
    checked = _checked(s, "not-rs256", "bad-signature")
    if checked is not None:
        return checked
    if s.code(700222, 700229) or s.says("aad-issued tokens may not be used for federated identity flows"):
        return Hit(
            SERVER_SAYS + 2,
            explanation="An Entra-issued token was used as the assertion: Entra accepts "
            "only another issuer's tokens (or an app-only token of a managed identity) there.",
        )
    if s.says("actions_id_token_request_url", "id-token: write"):
        return Hit(
            SERVER_SAYS,
            explanation="The GitHub job may not request an OIDC token: the workflow lacks "
            "`permissions: id-token: write`.",
        )
    if s.code(700212) and _k8s_default_audience(s):
        return Hit(
            SERVER_SAYS + 2,
            explanation="The presented token is the default Kubernetes service-account "
            "token (audience the API server), not one projected for `api://AzureADTokenExchange`.",
        )
    if _federated_context(s) and (
        s.code(50027, 7000219) or s.says("invalid jwt token", "federated token file")
    ):
        return Hit(SERVER_SAYS - 2)
    return None


def issuer_check(s: Signals) -> tuple[str, str] | None:
    """The client-side issuer check of the evidence (result, the failed step's detail), when one ran."""
    value = s.evidence.client_assertion
    check = value.get("issuer_check") if isinstance(value, dict) else None
    if not isinstance(check, dict) or not isinstance(check.get("result"), str):
        return None
    steps = check.get("checks")
    failed: dict[str, Any] = next(
        (c for c in (steps if isinstance(steps, list) else []) if isinstance(c, dict) and not c.get("ok")), {}
    )
    return check["result"], str(failed.get("detail") or "")


def _checked(s: Signals, *results: str) -> Hit | None:
    found = issuer_check(s)
    if found is None or found[0] not in results:
        return None
    return Hit(
        SERVER_SAYS, explanation=f"Checked from here as Entra will, before any token request: {found[1]}."
    )


@UNREACHABLE.detector
def _unreachable(s: Signals) -> Hit | None:
    if s.code(50166, 90061, 501661) or s.says("request to external oidc endpoint failed"):
        return Hit(SERVER_SAYS + 1)
    return _checked(s, "unreachable")


@KEY_UNKNOWN.detector
def _key(s: Signals) -> Hit | None:
    if s.code(7000272) or s.says("used to sign the federated credential could not be found"):
        return Hit(SERVER_SAYS + 1)
    return _checked(s, "key-unknown")


@REPLICATION.detector
def _replication(s: Signals) -> Hit | None:
    result = _diff(s)
    if result is not None and result.matched and s.code(*_MATCH_CODES):
        name = next(c.credential.name for c in result.comparisons if c.matches)
        return Hit(
            SERVER_SAYS + 5,
            explanation=f"The federated credential `{name}` matches the presented token exactly, yet Entra "
            "found no match: the credential is newer than Entra's replicas (it takes minutes to apply).",
        )
    return None


def is_specific_federated_failure(s: Signals) -> bool:
    """True when a specific federated rule explains the failure (the alias `federated-mismatch` then ranks
    below it)."""
    return s.code(700211, 700212, 700213, 7002138, 70025) or _diff(s) is not None
