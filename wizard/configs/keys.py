"""The key and certificate files some samples need in a form of their own (PKCS#8 DER, key+cert PEM, PFX)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12

from wizard.certs.load import MAX_FILE_BYTES, load_reference
from wizard.certs.thumbprints import thumbprints
from wizard.errors import CertificateUnreadable
from wizard.paths import read_bounded
from wizard.profile import Profile
from wizard.secret import Secret


@dataclass(frozen=True)
class KeyMaterial:
    """The profile's private key and certificate, loaded."""

    key: rsa.RSAPrivateKey
    cert: x509.Certificate
    key_was_encrypted: bool

    @property
    def thumbprint_sha1(self) -> str:
        return thumbprints(self.cert).sha1_hex

    def pkcs8_der(self) -> bytes:
        """Unencrypted PKCS#8 DER: what Java's PKCS8EncodedKeySpec reads."""
        return self.key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )

    def pem_key(self) -> bytes:
        return self.key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )

    def combined_pem(self, passphrase: Secret | None = None) -> bytes:
        """Private key followed by the certificate, as azure-identity's CertificateCredential reads PEM."""
        encryption: serialization.KeySerializationEncryption = (
            serialization.BestAvailableEncryption(passphrase.reveal().encode())
            if passphrase
            else serialization.NoEncryption()
        )
        key = self.key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
        )
        return key + self.cert.public_bytes(serialization.Encoding.PEM)

    def pfx(self, passphrase: Secret | None = None) -> bytes:
        encryption: serialization.KeySerializationEncryption = (
            serialization.BestAvailableEncryption(passphrase.reveal().encode())
            if passphrase
            else serialization.NoEncryption()
        )
        return pkcs12.serialize_key_and_certificates(b"daemon", self.key, self.cert, None, encryption)


def load_key_material(profile: Profile, passphrase: Secret | None = None) -> KeyMaterial:
    """Load the key and certificate the profile points at (PEM/DER key + cert, or a PFX)."""
    loaded = load_reference(profile.certificate, passphrase=passphrase, check_validity=False)
    if loaded.certificate is None:
        raise CertificateUnreadable(
            "The profile has a private key but no certificate",
            hint="Give --certificate PATH (or a --pfx that holds both).",
        )
    assert isinstance(loaded.private_key, rsa.RSAPrivateKey)  # require_usable accepts RSA keys only
    return KeyMaterial(loaded.private_key, loaded.certificate, key_was_encrypted=loaded.key_encrypted)


def is_plain_pem_key(path: str) -> bool:
    """An unencrypted PEM private key file (what the Python sample can open without a passphrase)."""
    try:
        data = read_bounded(path, limit=MAX_FILE_BYTES)
    except OSError:  # missing, unreadable, too large, or a FIFO/device (never waited on)
        return False
    return b"-----BEGIN" in data and b"PRIVATE KEY-----" in data and b"ENCRYPTED" not in data


def key_file_problem(path: str, *, want: str) -> str | None:
    """What is wrong with an existing absolute key file for a sample (`want`: pem-plain, der, pem-bundle)."""
    target = Path(path)
    if not target.is_absolute() or not target.is_file():
        return None  # relative paths are resolved by the sample from its own folder
    try:
        data = read_bounded(target, limit=MAX_FILE_BYTES)
    except OSError:
        return None
    is_pem = data.lstrip().startswith(b"-----")
    if want == "der" and is_pem:
        return "is a PEM file; Java needs PKCS#8 DER (openssl pkcs8 -topk8 -outform DER -nocrypt)"
    if want == "pem-plain" and (not is_pem or b"PRIVATE KEY-----" not in data):
        return "is not a PEM private key"
    if want == "pem-plain" and b"ENCRYPTED" in data:
        return "is encrypted; the sample passes no passphrase"
    if want == "pem-bundle" and is_pem and not (b"PRIVATE KEY-----" in data and b"BEGIN CERTIFICATE" in data):
        return "must hold both the private key and the certificate"
    return None
