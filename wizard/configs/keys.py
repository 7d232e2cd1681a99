"""The key and certificate files some samples need in a form of their own (PKCS#8 DER, key+cert PEM, PFX)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12

from wizard.errors import CertificateError
from wizard.profile import Profile
from wizard.secret import Secret

PASSPHRASE_HINT = "Give the key's passphrase with --passphrase-file PATH or DAEMON_WIZARD_KEY_PASSPHRASE."


@dataclass(frozen=True)
class KeyMaterial:
    """The profile's private key and certificate, loaded."""

    key: rsa.RSAPrivateKey
    cert: x509.Certificate
    key_was_encrypted: bool

    @property
    def thumbprint_sha1(self) -> str:
        return self.cert.fingerprint(hashes.SHA1()).hex().upper()  # noqa: S303 - the x5t thumbprint is SHA-1

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


def _read(path: str, what: str) -> bytes:
    try:
        return Path(path).expanduser().read_bytes()
    except OSError as exc:
        raise CertificateError(f"The {what} {path} cannot be read ({exc.strerror})") from None


def load_key_material(profile: Profile, passphrase: Secret | None = None) -> KeyMaterial:
    """Load the key and certificate the profile points at (PEM/DER key + cert, or a PFX)."""
    ref = profile.certificate
    password = passphrase.reveal().encode() if passphrase else None
    if ref.pfx_path and not ref.key_path:
        data = _read(ref.pfx_path, "PFX file")
        try:
            key, cert, _ = pkcs12.load_key_and_certificates(data, password)
        except ValueError:
            if password is None:
                raise CertificateError(
                    "The PFX file is protected by a password", hint=PASSPHRASE_HINT
                ) from None
            raise CertificateError("The PFX file cannot be opened with this password") from None
        if key is None or cert is None:
            raise CertificateError("The PFX file must hold both the private key and the certificate")
        return KeyMaterial(_rsa(key), cert, key_was_encrypted=password is not None)
    if not ref.key_path or not ref.cert_path:
        raise CertificateError(
            "The profile has no private key and certificate files",
            hint="Give --key PATH and --certificate PATH (or --pfx PATH).",
        )
    key_data = _read(ref.key_path, "private key")
    encrypted = b"ENCRYPTED" in key_data
    try:
        if key_data.lstrip().startswith(b"-----"):
            key = serialization.load_pem_private_key(key_data, password)
        else:
            key = serialization.load_der_private_key(key_data, password)
    except TypeError:
        if password is None:
            raise CertificateError("The private key is encrypted", hint=PASSPHRASE_HINT) from None
        key = serialization.load_pem_private_key(key_data, None)
        encrypted = False
    except ValueError:
        raise CertificateError(
            "The private key cannot be read (wrong passphrase, or not a PEM/DER private key)"
        ) from None
    return KeyMaterial(_rsa(key), load_certificate(ref.cert_path), key_was_encrypted=encrypted)


def load_certificate(path: str) -> x509.Certificate:
    data = _read(path, "certificate")
    try:
        if b"-----BEGIN CERTIFICATE" in data:
            return x509.load_pem_x509_certificate(data)
        return x509.load_der_x509_certificate(data)
    except ValueError:
        raise CertificateError(f"{path} is not an X.509 certificate (PEM or DER)") from None


def is_plain_pem_key(path: str) -> bool:
    """An unencrypted PEM private key file (what the Python sample can open without a passphrase)."""
    try:
        data = Path(path).expanduser().read_bytes()
    except OSError:
        return False
    return b"-----BEGIN" in data and b"PRIVATE KEY-----" in data and b"ENCRYPTED" not in data


def _rsa(key: object) -> rsa.RSAPrivateKey:
    if not isinstance(key, rsa.RSAPrivateKey):
        raise CertificateError(
            "The private key is not an RSA key", hint="Entra ID certificate credentials need an RSA key."
        )
    return key


def key_file_problem(path: str, *, want: str) -> str | None:
    """What is wrong with an existing absolute key file for a sample (`want`: pem-plain, der, pem-bundle)."""
    target = Path(path)
    if not target.is_absolute() or not target.is_file():
        return None  # relative paths are resolved by the sample from its own folder
    try:
        data = target.read_bytes()[:1_000_000]
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
