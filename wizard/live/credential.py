"""Turn a profile's credential (secret or certificate files) into what the client libraries take."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from wizard.errors import CertificateError, SecretSourceError
from wizard.profile import CredentialKind, Profile
from wizard.secret import Secret

if TYPE_CHECKING:
    from wizard.certs.load import LoadedCredential

ThumbprintMode = Literal["sha256", "sha1"]


@dataclass(frozen=True)
class CertificateMaterial:
    """PEM key and certificate, and the thumbprints the portal shows."""

    private_key_pem: Secret
    certificate_pem: str | None
    sha1: str | None
    sha256: str | None
    loaded: LoadedCredential | None = None


def load_certificate(profile: Profile, *, passphrase: Secret | None = None) -> CertificateMaterial:
    """Key and certificate from --pfx, or from --key plus --certificate (or one PEM with both)."""
    # cryptography is loaded here, not at import: a secret credential never needs it (~40 ms).
    from wizard.certs.load import load_reference

    loaded = load_reference(profile.certificate, passphrase=passphrase)
    prints = loaded.thumbprints
    ref = profile.certificate
    return CertificateMaterial(
        loaded.key_pem(),
        loaded.certificate_pem(),
        prints.sha1_hex if prints else ref.thumbprint_sha1,
        prints.sha256_hex if prints else ref.thumbprint_sha256,
        loaded,
    )


def require_secret(profile: Profile, secret: Secret | None) -> Secret:
    if profile.credential is CredentialKind.SECRET and not secret:
        raise SecretSourceError(
            "No client secret given",
            hint="Pipe it with --secret-stdin, use --secret-file PATH or set DAEMON_WIZARD_CLIENT_SECRET.",
        )
    return secret or Secret("")


def msal_credential(
    profile: Profile, secret: Secret | None, *, mode: ThumbprintMode = "sha256"
) -> tuple[Any, str]:
    """msal's `client_credential` and a label for reports.

    `secret` is what unlocks the credential: the client secret, or for a certificate the passphrase of an
    encrypted private key (None when the key is not encrypted).
    SHA-256 gives msal the public certificate, so it signs with PS256 and sends `x5t#S256` (and x5c);
    SHA-1 gives it the thumbprint only, so it signs RS256 with `x5t`, as older setups do.
    """
    if profile.credential is not CredentialKind.CERTIFICATE:
        return require_secret(profile, secret).reveal(), "secret"
    material = load_certificate(profile, passphrase=secret)
    if mode == "sha256" and material.certificate_pem:
        return {
            "private_key": material.private_key_pem.reveal(),
            "public_certificate": material.certificate_pem,
        }, "certificate (SHA-256 thumbprint, PS256)"
    if not material.sha1:
        raise CertificateError(
            "The SHA-1 thumbprint is unknown",
            hint="Pass the certificate with --certificate PATH so its thumbprint can be computed.",
        )
    return {
        "private_key": material.private_key_pem.reveal(),
        "thumbprint": material.sha1,
    }, "certificate (SHA-1 thumbprint, RS256)"
