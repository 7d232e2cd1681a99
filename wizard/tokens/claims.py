"""Each claim of an Entra access token explained in plain words, as one would want next to jwt.ms."""

from __future__ import annotations

import math
from datetime import datetime, timezone

CREDENTIAL_TYPES = {
    "0": "public client (no credential: the app proved nothing about itself)",
    "1": "client secret (a shared password)",
    "2": "certificate or federated assertion (client_assertion)",
}

HEADER_MEANINGS: dict[str, str] = {
    "typ": "Token type; JWT for access tokens.",
    "alg": "Signature algorithm (RS256 for Entra). `none` means unsigned: never accept such a token.",
    "kid": "Id of the signing key in the issuer's JWKS (keys published at the OpenID configuration's "
    "jwks_uri).",
    "x5t": "SHA-1 thumbprint of the signing certificate (same key as kid).",
    "nonce": "Present on Microsoft Graph tokens: the signature is computed over a hashed nonce, so only "
    "Graph can "
    "validate it. Clients must treat Graph tokens as opaque.",
    "cty": "Content type of a nested token.",
    "enc": "Encryption algorithm (encrypted token).",
}

# A token from another issuer (GitHub Actions, Kubernetes, ...), presented to Entra as a client_assertion.
EXTERNAL_CLAIM_MEANINGS: dict[str, str] = {
    "aud": "Audience: must be the token exchange audience (api://AzureADTokenExchange in the global cloud) "
    "and match a federated identity credential's audiences.",
    "iss": "Issuer: the identity provider that issued the token; Entra fetches its discovery document and "
    "keys, and it must equal a federated identity credential's issuer exactly.",
    "sub": "Subject: the workload the issuer vouches for; it must equal a federated identity credential's "
    "subject exactly (case-sensitive).",
}

CLAIM_MEANINGS: dict[str, str] = {
    "aud": "Audience: the API this token is for. The API must reject tokens whose aud is not its own "
    "identifier.",
    "iss": "Issuer: the token service (and tenant) that issued the token. sts.windows.net means a v1.0 "
    "token, "
    "login.microsoftonline.com/<tid>/v2.0 a v2.0 one, *.ciamlogin.com External ID.",
    "iat": "Issued at.",
    "nbf": "Not valid before this time.",
    "exp": "Expires at; APIs reject the token afterwards (allowing a few minutes of clock skew).",
    "aio": "Internal Entra data (used for token reuse); ignore it.",
    "appid": "Application (client) ID of the app that requested the token (v1.0 tokens).",
    "azp": "Application (client) ID of the app that requested the token (v2.0 tokens).",
    "appidacr": "How the client authenticated (v1.0): 0 public client, 1 client secret, 2 "
    "certificate/assertion.",
    "azpacr": "How the client authenticated (v2.0): 0 public client, 1 client secret, 2 "
    "certificate/assertion.",
    "idp": "Identity provider that authenticated the subject; for app-only tokens the issuing tenant.",
    "idtyp": "Identity type: `app` for an app-only (daemon) token, `user` for a delegated one.",
    "oid": "Object ID of the subject: for an app-only token, the app's service principal in this tenant.",
    "sub": "Subject: who the token is about; for app-only tokens the service principal's object id.",
    "rh": "Internal Entra data (refresh handle); ignore it.",
    "roles": "Application permissions (app roles) granted to the app with admin consent. A daemon's API "
    "calls are "
    "authorised by these.",
    "scp": "Delegated permissions (scopes) the signed-in user consented to; absent on app-only tokens.",
    "tid": "Tenant ID that issued the token.",
    "uti": "Unique token identifier (internal).",
    "ver": "Token format version: 1.0 or 2.0 (chosen by the API's accessTokenAcceptedVersion, not by the "
    "client).",
    "wids": "Directory role template IDs of the subject.",
    "xms_tcdt": "Tenant creation date/time (internal).",
    "xms_idrel": "Internal Entra data about the identity's relation to the tenant.",
    "xms_ftd": "Internal Entra data (token issuance region); ignore it.",
    "xms_rd": "Internal Entra data; ignore it.",
    "xms_pdl": "Preferred data location of the user.",
    "xms_cc": "Client capabilities (e.g. CP1 for continuous access evaluation).",
    "xms_ssm": "Internal Entra data; ignore it.",
    "acct": "Account status of the user in the tenant (0 member, 1 guest).",
    "acr": "Authentication context class of the user sign-in.",
    "amr": "Authentication methods used by the user (pwd, mfa, ...).",
    "name": "Display name of the signed-in user (delegated tokens).",
    "upn": "User principal name (delegated tokens).",
    "unique_name": "Human readable user name (v1.0 delegated tokens).",
    "preferred_username": "User name (v2.0 delegated tokens).",
    "given_name": "User's given name.",
    "family_name": "User's family name.",
    "ipaddr": "IP address the user signed in from.",
    "groups": "Group object IDs of the subject (when group claims are configured).",
    "hasgroups": "The subject has too many groups to list; query Graph instead.",
    "_claim_names": "Overage indicator: some claims (groups) must be fetched from Graph.",
    "_claim_sources": "Where to fetch overage claims.",
    "sid": "Session ID of the user sign-in.",
    "deviceid": "Device ID of the user's device.",
    "login_hint": "Opaque login hint for silent sign-in.",
    "ctry": "Country of the user.",
    "tenant_region_scope": "Region of the tenant.",
    "app_displayname": "Display name of the client app.",
    "cnf": "Confirmation: the token is bound to a key (proof of possession).",
}

TIME_CLAIMS = ("iat", "nbf", "exp")


def relative(seconds: float) -> str:
    """`in 52 min`, `3 h ago`, `just now`."""
    future = seconds > 0
    span = abs(seconds)
    if span < 60:
        text = f"{int(span)} s"
    elif span < 3600:
        text = f"{int(span // 60)} min"
    elif span < 86400 * 2:
        text = f"{span / 3600:.1f} h".replace(".0 h", " h")
    else:
        text = f"{int(span // 86400)} days"
    return f"in {text}" if future else f"{text} ago"


def utc(timestamp: float) -> str:
    try:
        return datetime.fromtimestamp(timestamp, tz=timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
    except (OverflowError, OSError, ValueError):
        return f"{timestamp} (not a valid time)"


#: NumericDates beyond year 9999 cannot be shown as dates (and no real token carries them).
_MAX_NUMERIC_DATE = 253_402_300_799.0


def numeric_date(value: object) -> float | None:
    """A JWT NumericDate as float seconds, or None when it is not one (NaN, infinity, 400 digits, text)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        seconds = float(value)
    except OverflowError:
        return None
    if not math.isfinite(seconds) or abs(seconds) > _MAX_NUMERIC_DATE:
        return None
    return seconds


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:20]}...{text[-8:]} ({len(text)} characters)"


def describe_time(name: str, value: object, now: float) -> str:
    """`2024-05-29 16:26:40 UTC (expires in 52 min)` for a NumericDate claim."""
    seconds = numeric_date(value)
    if seconds is None:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return f"{_short(value)} (not a valid time: NaN, infinite or beyond year 9999)"
        return f"{_short(value)} (not a number of seconds: malformed)"
    delta = seconds - now
    if name == "exp":
        when = f"expires {relative(delta)}" if delta > 0 else f"expired {relative(delta)}"
    elif name == "nbf":
        when = f"valid from {relative(delta)}" if delta > 0 else f"valid since {relative(delta)}"
    else:
        when = f"issued {relative(delta)}"
    return f"{utc(seconds)} ({when})"


def credential_type(value: object) -> str | None:
    return CREDENTIAL_TYPES.get(str(value)) if value is not None else None
