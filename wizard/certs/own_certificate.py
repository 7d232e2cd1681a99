"""The user's own certificate, for "Fix it now" on certificate-not-registered: the file that holds it, never one
generated in its place (a new certificate would not match the private key the daemon signs with)."""

from __future__ import annotations

from wizard.certs.load import load_files
from wizard.certs.thumbprints import Thumbprints
from wizard.errors import UsageError, WizardError
from wizard.profile import CertificateRef


def _norm(value: str) -> str:
    return value.replace(":", "").replace(" ", "").strip()


def _same(prints: Thumbprints, ref: CertificateRef) -> bool:
    """True unless the profile names a thumbprint (hex, or base64url as in x5t) that this certificate lacks."""
    for given, hex_form, b64_form in (
        (ref.thumbprint_sha1, prints.sha1_hex, prints.x5t),
        (ref.thumbprint_sha256, prints.sha256_hex, prints.x5t_s256),
    ):
        if given and _norm(given).upper() != hex_form and _norm(given) != b64_form:
            return False
    return True


def certificate_to_upload(ref: CertificateRef) -> str:
    """The file holding the profile's certificate (certificate file, a combined PEM key file, or a PFX without
    a password), checked against the profile's thumbprint. UsageError when the profile has no certificate."""
    for path in (ref.cert_path, ref.key_path, ref.pfx_path):
        if not path:
            continue
        try:
            loaded = load_files(path)
        except WizardError:
            continue  # unreadable, or encrypted: apply could not read it either
        if loaded.certificate is None or loaded.thumbprints is None:
            continue
        if not _same(loaded.thumbprints, ref):
            raise UsageError(
                f"The certificate in {path} is not the one the profile names "
                f"(its SHA-1 thumbprint is {loaded.thumbprints.sha1_hex})",
                hint="Give the certificate whose thumbprint the profile has, or correct the thumbprint on "
                "the credential step; nothing was uploaded.",
            )
        return path
    has = (
        "a private key and a thumbprint"
        if ref.key_path and (ref.thumbprint_sha1 or ref.thumbprint_sha256)
        else ("a private key" if ref.key_path else "no certificate file")
    )
    raise UsageError(
        "The certificate file is needed to register it: the profile has "
        + has
        + ", and a certificate cannot "
        "be rebuilt from them",
        hint="Give the public certificate (.pem, .crt or .cer) on the credential step, then Fix it now again; "
        "nothing was uploaded and no certificate was generated in its place.",
    )
