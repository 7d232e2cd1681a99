"""Rules about the app's credential: secret, certificate assertion, federated credential."""

from __future__ import annotations

import re
from datetime import datetime, timezone

from wizard.diagnosis.registry import HINT, INFERRED, LEARN, RULES, SERVER_SAYS, WEAK, Hit
from wizard.diagnosis.rules_federated import is_specific_federated_failure
from wizard.diagnosis.signals import Signals
from wizard.errors import TokenFormatError
from wizard.tokens.decode import decode_token

SECTION = "Credentials"
PORTAL_CREDS = "Entra admin center > App registrations > (your app) > Certificates & secrets"
CERT_CREDS = f"{LEARN}/certificate-credentials"
ADD_SECRET = f"{LEARN}/how-to-add-credentials?tabs=client-secret"
WIF = "https://learn.microsoft.com/entra/workload-id/workload-identity-federation"

SECRET_INVALID = RULES.add(
    "secret-invalid",
    section=SECTION,
    title="The client secret is wrong",
    meaning='The secret does not match any secret of the app: often the portal\'s "Secret ID" (a GUID) '
    "pasted instead of its Value, or a rotated secret.",
    fix=f"Open {PORTAL_CREDS}, create a new client secret and copy its **Value** column (shown once), not "
    "the "
    "Secret ID. URL-encode it if you build the request body yourself.",
    links=(ADD_SECRET, f"{LEARN}/reference-error-codes"),
)
SECRET_EXPIRED = RULES.add(
    "secret-expired",
    section=SECTION,
    title="The client secret has expired",
    meaning="The secret exists but has passed its end date.",
    fix=f"Open {PORTAL_CREDS}, add a new secret, update the daemon's configuration, then delete the old one "
    "(or switch to a certificate).",
    links=(ADD_SECRET, "https://aka.ms/NewClientSecret"),
)
CREDENTIAL_MISSING = RULES.add(
    "credential-missing",
    section=SECTION,
    title="No credential reached the token endpoint",
    meaning="No secret or assertion reached the token endpoint (empty variable, config not loaded).",
    fix="Check that the secret (or certificate) is actually loaded: the environment variable is set in the "
    "daemon's process, the config key name matches, and the value is not empty.",
    links=(f"{LEARN}/v2-oauth2-client-creds-grant-flow#get-a-token",),
)
CERT_NOT_REGISTERED = RULES.add(
    "certificate-not-registered",
    section=SECTION,
    title="The signing certificate is not registered on the app",
    meaning="The certificate that signed the assertion is not among the app's uploaded certificates.",
    fix=f"Upload the certificate's public part (.cer/.pem) in {PORTAL_CREDS} > Certificates, and check "
    "that its "
    "thumbprint matches the one the daemon uses (`daemon-wizard cert inspect`).",
    links=(CERT_CREDS, f"{LEARN}/howto-create-self-signed-certificate"),
)
CERT_HASH = RULES.add(
    "certificate-thumbprint-hash",
    section=SECTION,
    title="The assertion's thumbprint header uses the wrong hash",
    meaning="The assertion's thumbprint header is wrong for its kind: `x5t` must be the SHA-1 thumbprint, "
    "`x5t#S256` the SHA-256 one (with PS256).",
    fix="Put the base64url SHA-1 thumbprint in `x5t` (RS256), or the SHA-256 thumbprint in `x5t#S256` with "
    "`alg: PS256`. Let MSAL build the assertion from the certificate instead of hand-writing it.",
    links=(CERT_CREDS,),
)
ASSERTION_TIME = RULES.add(
    "assertion-time-invalid",
    section=SECTION,
    title="The client assertion is outside its validity window",
    meaning="The client assertion's validity window does not cover the token service's \"now\" (clock, time "
    "zone, a stale cached assertion).",
    fix="Sync the host clock (NTP), build `nbf`/`exp` from UTC epoch seconds, and create a fresh assertion "
    "for "
    "each token request (valid about 10 minutes).",
    links=(CERT_CREDS,),
)
PUBLIC_CLIENT = RULES.add(
    "public-client",
    section=SECTION,
    title="The app is registered as a public client",
    meaning="The app registration is set as a public client, so it cannot use a confidential credential.",
    fix="Entra admin center > App registrations > (your app) > Authentication > Advanced settings: set "
    '"Allow public client flows" to **No**, and remove mobile/desktop platforms the daemon does not need.',
    links=(f"{LEARN}/msal-client-applications",),
)
CERT_EXPIRED = RULES.add(
    "certificate-expired",
    section=SECTION,
    title="The certificate is outside its validity period",
    meaning="The certificate that signs the assertion (or the one registered on the app) has expired or is "
    "not valid yet; Entra refuses assertions signed with it. The local file can be checked before any "
    "request.",
    fix="Make a new certificate (`daemon-wizard cert new --subject CN=my-daemon --out DIR`), upload its "
    f"public part in {PORTAL_CREDS} > Certificates, point the daemon at the new key, then delete the old "
    "certificate. If it is not valid *yet*, check the machine's clock.",
    links=(CERT_CREDS, f"{LEARN}/howto-create-self-signed-certificate"),
)
CERT_UNREADABLE = RULES.add(
    "certificate-unreadable",
    section=SECTION,
    title="The key or certificate cannot be used",
    meaning="The private key or certificate cannot be loaded or cannot sign for Entra: a wrong format, a "
    "wrong PFX password or key passphrase, a PFX without its private key, a key type Entra does not accept "
    "(it needs RSA of at least 2048 bits; EC and Ed25519 keys are refused), or a key that does not belong "
    "to the certificate.",
    fix="Check the files with `daemon-wizard cert inspect CERT --key KEY` (or the PFX with its password). "
    "For a new pair that Entra accepts: `daemon-wizard cert new --subject CN=my-daemon --out DIR` (RSA "
    "2048), then upload the certificate to the app.",
    links=(CERT_CREDS,),
)
FEDERATED_MISMATCH = RULES.add(
    "federated-mismatch",
    section=SECTION,
    title="The federated credential does not match the external token",
    meaning="A federated credential's issuer/subject/audience does not match the presented external token.",
    fix="Open Certificates & secrets > Federated credentials and make issuer, subject and audience "
    "(`api://AzureADTokenExchange`) match the external token exactly (case-sensitive).",
    links=(WIF, "https://learn.microsoft.com/entra/workload-id/workload-identity-federation-create-trust"),
)


def _with_blade(s: Signals, fix: str) -> str:
    link = s.app_blade("Credentials")
    return f"{fix} Blade: {link}" if link else fix


@SECRET_INVALID.detector
def _secret_invalid(s: Signals) -> Hit | None:
    if s.code(7000215) or s.says(
        "invalid client secret",
        "client secret value, not the client secret id",
        "client secret is invalid",
        "secret provided is invalid",
        "invalid_client_secret",
    ):
        return Hit(SERVER_SAYS, fix=_with_blade(s, SECRET_INVALID.fix))
    if s.code(50012) and s.says("secret"):
        return Hit(SERVER_SAYS - 2)
    cred = s.evidence.config.credential_type
    if s.token_error.error == "invalid_client" and cred == "secret" and not s.codes:
        return Hit(INFERRED, explanation="The token endpoint answered invalid_client to a secret.")
    return None


def _expired_secrets(s: Signals) -> list[str]:
    reg = s.evidence.app_registration or {}
    creds = reg.get("passwordCredentials")
    if not isinstance(creds, list):
        return []
    expired, valid = [], 0
    for cred in creds:
        if not isinstance(cred, dict):
            continue
        end = _parse_time(cred.get("endDateTime"))
        if end is None:
            continue
        if end < s.evidence.now:
            expired.append(str(cred.get("displayName") or cred.get("keyId") or "a secret"))
        else:
            valid += 1
    return expired if valid == 0 else []


def _parse_time(value: object) -> float | None:
    if not isinstance(value, str):
        return None
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.timestamp()


@SECRET_EXPIRED.detector
def _secret_expired(s: Signals) -> Hit | None:
    if s.code(7000222) or s.matches(r"client secret keys? .{0,60}(are|is|has) expired|secret (has )?expired"):
        return Hit(SERVER_SAYS, fix=_with_blade(s, SECRET_EXPIRED.fix))
    expired = _expired_secrets(s)
    if expired:
        names = ", ".join(expired)
        conf = INFERRED + 10 if s.has_token_failure else HINT
        return Hit(
            conf, explanation=f"Every secret of the app registration has passed its end date ({names})."
        )
    return None


@CREDENTIAL_MISSING.detector
def _credential_missing(s: Signals) -> Hit | None:
    if s.code(7000218, 7000216, 900144) and s.says("client_assertion", "client_secret"):
        return Hit(SERVER_SAYS)
    if s.matches(r"must contain the following parameter: '?(client_assertion|client_secret)"):
        return Hit(SERVER_SAYS)
    if s.says(
        "client_secret should be a non-empty string",
        "client secret is empty",
        "secret must not be empty",
        "clientsecret cannot be null",
        "value cannot be null. (parameter 'clientsecret')",
        "client_credential is required",
    ):
        return Hit(SERVER_SAYS - 3)
    if s.says("environment variables are not fully configured", "azure_client_secret") or s.matches(
        r"(client_?secret|secret|client_?assertion|client_?credential)\W.{0,40}"
        r"(is null|null or|empty|whitespace|non-empty|is required|is missing|not set|must be provided)"
    ):
        return Hit(SERVER_SAYS - 5)
    if s.evidence.config.credential_type == "none" and s.has_token_failure:
        return Hit(INFERRED, explanation="The configuration has no credential at all.")
    return None


def _thumbprint_in_error(s: Signals) -> str | None:
    found = re.search(r"thumbprint of key used by client: '?([0-9a-f]+)", s.error_text)
    return found.group(1) if found else None


@CERT_NOT_REGISTERED.detector
def _cert_not_registered(s: Signals) -> Hit | None:
    if s.says(
        "the key was not found",
        "key was not found",
        "not registered on application",
        "certificate with identifier used to sign the client assertion",
        "no matching key",
    ) or (s.code(700027) and not s.says("did not match the expected signature")):
        return Hit(SERVER_SAYS, fix=_with_blade(s, CERT_NOT_REGISTERED.fix))
    if s.code(700027) or s.says("client assertion contains an invalid signature"):
        return Hit(SERVER_SAYS - 3)
    return None


def _assertion_header(s: Signals) -> dict[str, object] | None:
    value = s.evidence.client_assertion
    if isinstance(value, dict):
        head = value.get("header", value)
        return head if isinstance(head, dict) else None
    if isinstance(value, str):
        try:
            return decode_token(value).header
        except TokenFormatError:
            return None
    return None


def _header_conf(s: Signals) -> int:
    # The assertion itself shows the wrong header: with a failure, that is as good as the server saying so.
    return SERVER_SAYS + 1 if s.has_token_failure else INFERRED + 10


@CERT_HASH.detector
def _cert_hash(s: Signals) -> Hit | None:
    # The assertion's own header, when given, is definitive; the error text is the fallback.
    header = _assertion_header(s)
    if header:
        x5t = header.get("x5t")
        s256 = header.get("x5t#S256")
        alg = str(header.get("alg", ""))
        if isinstance(x5t, str) and len(x5t.rstrip("=")) != 27:
            return Hit(
                _header_conf(s), explanation=f"`x5t` is {len(x5t)} characters; a SHA-1 thumbprint is 27."
            )
        if isinstance(s256, str) and alg != "PS256":
            return Hit(
                _header_conf(s), explanation=f"`x5t#S256` is used with `alg: {alg}`; it requires PS256."
            )
    thumb = _thumbprint_in_error(s)
    if thumb and len(thumb) == 64:
        # A SHA-256 thumbprint is right in `x5t#S256` (msal sends it with PS256 when given the public
        # certificate), so "key not found" with one is most often an unregistered certificate; the wrong
        # header is the second explanation.
        return Hit(
            SERVER_SAYS - 5,
            explanation="The thumbprint Entra received has 64 hex digits (SHA-256). That is correct in "
            "`x5t#S256` with PS256; if your library put it in `x5t`, which must carry the SHA-1 thumbprint "
            "(40 hex digits), that is the cause.",
        )
    if s.matches(r"x5t.{0,80}(sha-?1|sha-?256|s256|thumbprint)") or s.matches(r"(sha-?256|ps256).{0,80}x5t"):
        return Hit(SERVER_SAYS - 1)
    if s.says("did not match the expected signature") and s.code(700027):
        return Hit(INFERRED)
    return None


@ASSERTION_TIME.detector
def _assertion_time(s: Signals) -> Hit | None:
    if s.code(700024) or s.says(
        "client assertion is not within its valid time range",
        "assertion is not within its valid time",
        "client assertion has expired",
        "assertion is not yet valid",
    ):
        return Hit(SERVER_SAYS)
    if s.matches(r"assertion.{0,40}(expired|not yet valid|lifetime|valid time)"):
        return Hit(SERVER_SAYS - 5)
    return None


@PUBLIC_CLIENT.detector
def _public_client(s: Signals) -> Hit | None:
    if s.code(700025) or s.says(
        "client is public so neither",
        "is a public client",
        "allowpublicclient",
    ):
        return Hit(SERVER_SAYS if s.has_token_failure else WEAK)
    reg = s.evidence.app_registration or {}
    if reg.get("isFallbackPublicClient") is True:
        return Hit(
            INFERRED if s.has_token_failure else HINT, severity="warning" if not s.has_token_failure else None
        )
    return None


@FEDERATED_MISMATCH.detector
def _federated(s: Signals) -> Hit | None:
    if s.code(70021, 700211, 700212, 700213, 700210) or s.says(
        "no matching federated identity record",
        "federated identity credential",
        "federated credential",
    ):
        # The alias of the specific federated codes: first only when nothing says which part failed.
        return Hit(SERVER_SAYS - 8 if is_specific_federated_failure(s) else SERVER_SAYS)
    if s.matches(r"assertion (issuer|subject|audience) .{0,40}(does not match|not found|mismatch)"):
        return Hit(SERVER_SAYS - 5)
    return None


@CERT_EXPIRED.detector
def _cert_expired(s: Signals) -> Hit | None:
    # The wizard's own check of the local file, before any request ("certificate expired: ...").
    if s.client_error_text.startswith("certificate expired:"):
        return Hit(SERVER_SAYS + 2, explanation=s.evidence.client_error.split(":", 1)[1].strip()[:300])
    # Entra's words (AADSTS700027 "[Reason - The key used is expired.]"), and the libraries'.
    if s.says("key used is expired"):
        return Hit(SERVER_SAYS + 1, fix=_with_blade(s, CERT_EXPIRED.fix))
    if s.says("ssl", "tls", "certificate verify failed", "certificate_verify_failed"):
        return None  # a server's TLS certificate that expired is network-tls, not the daemon's credential
    if s.says("certificate has expired", "certificate is expired", "certificate expired"):
        return Hit(SERVER_SAYS - 1)
    if s.matches(r"certificate .{0,40}(is not (yet )?valid|not yet valid|outside (of )?its validity)"):
        return Hit(SERVER_SAYS - 3)
    return None


_UNREADABLE_SAYS = (
    "could not deserialize key data",
    "unable to load pem file",
    "invalid password or pkcs12 data",
    "mac verify failure",
    "bad decrypt",
    "the specified network password is not correct",
    "pem_read_bio",
    "no start line",
    "unsupported key type",
    "key does not match the certificate",
    "keys are not accepted for entra",
    "entra needs an rsa key",
    "the private key is encrypted",
)


@CERT_UNREADABLE.detector
def _cert_unreadable(s: Signals) -> Hit | None:
    if s.client_error_text.startswith("certificate unreadable:"):
        return Hit(SERVER_SAYS + 2, explanation=s.evidence.client_error.split(":", 1)[1].strip()[:300])
    if s.says(*_UNREADABLE_SAYS):
        return Hit(SERVER_SAYS - 2)
    return None
