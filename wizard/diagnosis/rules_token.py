"""Rules about the token's audience, lifetime and issuer as the web API judged them, and the all-clear."""

from __future__ import annotations

import re

from wizard.diagnosis.registry import API_SAYS, HINT, INFERRED, LEARN, RULES, SERVER_SAYS, WEAK, Hit
from wizard.diagnosis.rules_permissions import GRAPH_ERRORS, is_graph_call, rbac_api
from wizard.diagnosis.signals import Signals
from wizard.tokens.audiences import api_for_url, known_api, same_api

SECTION = "Token and API"
ACCESS_TOKENS = f"{LEARN}/access-tokens"
SKEW = 300  # seconds of clock skew validators allow by default

AUDIENCE_MISMATCH = RULES.add(
    "audience-mismatch",
    section=SECTION,
    title="The token is for another API",
    meaning="The token's `aud` is not the API being called (token for another resource, or the API expects "
    "another "
    "form of its identifier).",
    fix="Request the token with the called API's own scope (`<its App ID URI>/.default`), or configure the "
    "API to "
    "accept the identifier form in `aud` (appId GUID vs App ID URI).",
    links=(f"{ACCESS_TOKENS}#validate-tokens", GRAPH_ERRORS),
)
TOKEN_EXPIRED = RULES.add(
    "token-expired",
    section=SECTION,
    title="The token has expired",
    meaning="The token presented is expired or not yet valid as seen by the API.",
    fix="Acquire a token before each call (MSAL returns the cached one until ~5 minutes before expiry) "
    "instead of "
    "keeping one token for the process lifetime.",
    links=(f"{ACCESS_TOKENS}#token-lifetime",),
)
VERSION_MISMATCH = RULES.add(
    "token-version-mismatch",
    section=SECTION,
    title="v1.0 token where the API expects v2.0 (or the reverse)",
    meaning="The API expects a v2.0 token (issuer `login.microsoftonline.com/{tid}/v2.0`) but gets v1.0 "
    "(`sts.windows.net`), or the reverse.",
    fix='In the API\'s app registration manifest set `"requestedAccessTokenVersion": 2` '
    "(`accessTokenAcceptedVersion`), or configure the API to accept both issuers.",
    links=(f"{ACCESS_TOKENS}#token-formats",),
)
CLOCK_SKEW = RULES.add(
    "clock-skew",
    section=SECTION,
    title="Clocks disagree",
    meaning="The clocks of the client, the API host or the token service disagree beyond the allowed skew.",
    fix="Sync the clocks with NTP (client and API host); keep the validator's default 5-minute clock skew.",
    links=(f"{ACCESS_TOKENS}#token-lifetime",),
)
CIAM_ISSUER = RULES.add(
    "ciam-issuer-mismatch",
    section=SECTION,
    title="External ID token validated against the workforce issuer",
    meaning="An External ID token (issuer on `ciamlogin.com`) is validated by an API configured for "
    "`login.microsoftonline.com`.",
    fix="Configure the API's authority/metadata as `https://<tenant>.ciamlogin.com/<tenant id>/v2.0` so "
    "issuer and "
    "signing keys match External ID tokens.",
    links=("https://learn.microsoft.com/entra/external-id/customers/concept-supported-features-customers",),
)
OK = RULES.add(
    "ok",
    section="Not a failure",
    title="Everything works",
    meaning="Token issued, claims fit the configured API, and the API call succeeded.",
    fix="Nothing to do.",
    severity="info",
)


def _token_api_name(s: Signals) -> str | None:
    api = known_api(s.claim_str("aud") or "")
    return api.name if api else None


#: How APIs say "this token is not for me": Graph, ARM, Key Vault, Storage, JwtBearer (IDX10214), PyJWT,
#: node-jsonwebtoken, jose, Spring. Matched against the API's answer only (never the token endpoint's).
_AUDIENCE_WORDS = re.compile(
    r"invalidauthenticationtokenaudience"
    r"|obtained for (?:the )?wrong audience"
    r"|(?:invalid|wrong|unexpected|bad) (?:token )?audience"
    r"|audiences? (?:validation failed|is invalid|invalid|did not match|does not match|doesn't match|mismatch)"
    r"|audience '[^']*' is invalid"
    r"|idx10214"
    r"|akv10022"
    r"|jwt audience invalid"
    r"|unexpected \"?aud\"? claim"
    r"|\baud(?:ience)? claim (?:is )?(?:not valid|invalid|mismatch|does not match)"
    # "The audience of the token is not valid", "aud value not accepted": within one sentence.
    r"|\baud(?:ience)?\b(?:(?!\. )[^\n]){0,60}?\b(?:is invalid|is not valid|not accepted|mismatch|does not match|did not match)"
)
#: Azure AD Graph, retired: its tokens (aud graph.windows.net or its appId) are refused everywhere now.
_AAD_GRAPH = ("https://graph.windows.net", "00000002-0000-0000-c000-000000000000")


def _aad_graph_token(s: Signals) -> bool:
    aud = (s.claim_str("aud") or "").lower().rstrip("/")
    return aud in _AAD_GRAPH or aud.startswith("https://graph.windows.net/")


@AUDIENCE_MISMATCH.detector
def _audience_in_api_words(s: Signals) -> Hit | None:
    if not _AUDIENCE_WORDS.search(s.api_text):
        return None
    return Hit(API_SAYS, explanation=_aud_text(s))


@AUDIENCE_MISMATCH.detector
def _retired_aad_graph(s: Signals) -> Hit | None:
    said = "graph.windows.net" in s.api_text and s.api.status in {401, 403}
    if not _aad_graph_token(s) and not said:
        return None
    explanation = (
        "The token is for Azure AD Graph (`https://graph.windows.net`), which is retired; no API accepts it "
        "now, Azure AD Graph itself included."
    )
    fix = (
        "Request `https://graph.microsoft.com/.default` and call Microsoft Graph "
        "(`https://graph.microsoft.com/v1.0/...`); add the matching Microsoft Graph **Application** "
        "permissions (Azure AD Graph ones do not carry over) and grant admin consent."
    )
    if s.api_failed:
        return Hit(API_SAYS + 1, explanation=explanation, fix=fix)
    return Hit(HINT + 10, explanation=explanation, fix=fix, severity="warning")


@AUDIENCE_MISMATCH.detector
def _audience(s: Signals) -> Hit | None:
    aud = s.claim_str("aud")
    url = s.api_url
    token_api = known_api(aud) if aud else None
    graph_token = token_api is not None and token_api.name == "Microsoft Graph"
    if graph_token and s.api_failed and _signing_key_rejected(s) and not (url and is_graph_call(s)):
        return Hit(
            API_SAYS - 3,
            explanation="The API could not validate the signature of a Microsoft Graph token (signed for Graph "
            "only, with a nonce): the token was requested for Graph instead of this API.",
            fix="Request `<this API's App ID URI>/.default` instead of `https://graph.microsoft.com/.default`.",
        )
    if not aud or not url or "://" not in url:
        return None
    token_api, url_api = known_api(aud), api_for_url(url)
    if url_api and not same_api(token_api, url_api):
        return Hit(INFERRED + 10 if s.api_failed else HINT + 10, explanation=_aud_text(s))
    return None


def _aud_text(s: Signals) -> str:
    aud = s.claim_str("aud")
    if not aud:
        return AUDIENCE_MISMATCH.meaning
    name = _token_api_name(s)
    target = s.api_url or "the API"
    return (
        f"The token's `aud` is `{aud}`" + (f" ({name})" if name else "") + f", but it was sent to {target}."
    )


def _window(s: Signals) -> tuple[float | None, float | None]:
    return s.claim_num("nbf") or s.claim_num("iat"), s.claim_num("exp")


def _api_says_expired(s: Signals) -> bool:
    return s.api_says(
        "expired", "idx10223", "lifetime validation failed. the token is expired", "token is expired"
    )


def _api_says_not_yet(s: Signals) -> bool:
    return s.api_says("not yet valid", "idx10222", "not valid before", "jwt not active", "nbf")


@TOKEN_EXPIRED.detector
def _expired(s: Signals) -> Hit | None:
    nbf, exp = _window(s)
    now = s.evidence.now
    if s.api_failed and _api_says_expired(s):
        if exp is not None and exp > now + SKEW and (nbf is None or nbf <= now + SKEW):
            return Hit(INFERRED - 10)  # still valid by our clock: clock-skew comes first
        return Hit(API_SAYS + 2)
    if exp is not None and exp < now:
        mins = int((now - exp) // 60)
        if not s.evidence.now_given:  # judged by today's clock: the evidence may be an old observation
            return Hit(
                WEAK,
                severity="warning",
                explanation=f"By this machine's clock the token expired {mins} min ago (no observation time "
                "given).",
            )
        return Hit(
            API_SAYS - 5 if s.api_failed else INFERRED,
            explanation=f"The token expired {mins} min before the observation.",
        )
    return None


@CLOCK_SKEW.detector
def _skew(s: Signals) -> Hit | None:
    nbf, exp = _window(s)
    now = s.evidence.now
    if s.api_failed and _api_says_not_yet(s) and not _api_says_expired(s):
        return Hit(API_SAYS + 2, explanation="The API judged the token not yet valid: its clock is behind.")
    if s.api_failed and _api_says_not_yet(s) and nbf is not None and nbf > now:
        return Hit(API_SAYS + 3)
    if s.api_failed and _api_says_expired(s) and exp is not None and exp > now + SKEW:
        return Hit(
            API_SAYS + 3,
            explanation="The API calls the token expired, yet by the observation's clock it is still valid: "
            "the API host's clock is ahead.",
        )
    if nbf is not None and nbf > now + SKEW:
        return Hit(
            INFERRED, explanation="The token's not-before time is in the future by this machine's clock."
        )
    if s.says("not within its valid time range") and s.matches(r"current time"):
        return Hit(SERVER_SAYS - 20)
    return None


def _issuer_rejected(s: Signals) -> bool:
    return s.api_says(
        "idx10205",
        "idx10204",
        "idx40001",
        "issuer validation failed",
        "invalid issuer",
        "issuer is invalid",
        "issuer invalid",
        "does not match any of the valid issuers",
    ) or bool(re.search(r"the issuer '[^']*' is invalid", s.api_text))


def _signing_key_rejected(s: Signals) -> bool:
    return s.api_says(
        "idx10501",
        "idx10503",
        "idx10511",
        "idx10516",
        "signature validation failed",
        "invalid signature",
        "signature is invalid",
    )


@CIAM_ISSUER.detector
def _ciam(s: Signals) -> Hit | None:
    iss = s.claim_str("iss") or ""
    ciam_token = "ciamlogin.com" in iss or ("ciamlogin.com" in s.api_text and "issuer" in s.api_text)
    if not ciam_token:
        return None
    if s.api_failed and (_issuer_rejected(s) or _signing_key_rejected(s)):
        return Hit(API_SAYS + 4)
    if s.api_failed and s.api.status == 401:
        return Hit(INFERRED)
    return None


@VERSION_MISMATCH.detector
def _version(s: Signals) -> Hit | None:
    iss = s.claim_str("iss") or ""
    if "ciamlogin.com" in iss or not s.api_failed:
        return None
    if _issuer_rejected(s):
        return Hit(API_SAYS, explanation=_version_text(s))
    if (
        s.api.status == 401
        and s.claims
        and not s.api_text.strip()
        and known_api(s.claim_str("aud") or "") is None
    ):
        return Hit(WEAK + 10, explanation=_version_text(s))
    return None


def _version_text(s: Signals) -> str:
    iss = s.claim_str("iss") or ""
    if "sts.windows.net" in iss:
        return (
            f"The token is v1.0 (issuer `{iss}`); the API validates v2.0 issuers "
            "(`https://login.microsoftonline.com/<tid>/v2.0`)."
        )
    if iss.rstrip("/").endswith("v2.0"):
        return f"The token is v2.0 (issuer `{iss}`); the API validates the v1.0 issuer `https://sts.windows.net/<tid>/`."
    return VERSION_MISMATCH.meaning


@OK.detector
def _ok(s: Signals) -> Hit | None:
    if s.has_token_failure or s.api_failed:
        return None
    if s.api_ok:
        return Hit(WEAK, explanation="The token was issued and the API call succeeded.", severity="info")
    if s.claims is not None and s.api.status is None and (s.roles or rbac_api(s) is not None):
        return Hit(
            WEAK,
            explanation="A token with roles was issued; no API call was observed.",
            severity="info",
        )
    return None
