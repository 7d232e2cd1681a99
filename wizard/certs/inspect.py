"""Read a certificate and/or key from PEM, DER or PFX and tell what matters for Entra."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa
from cryptography.hazmat.primitives.serialization import pkcs12

from wizard.certs.thumbprints import Thumbprints, thumbprints
from wizard.errors import CertificateError
from wizard.secret import Secret

PrivateKey = (
    rsa.RSAPrivateKey
    | ec.EllipticCurvePrivateKey
    | dsa.DSAPrivateKey
    | ed25519.Ed25519PrivateKey
    | ed448.Ed448PrivateKey
)
MAX_FILE_BYTES = 1_000_000


@dataclass(frozen=True)
class CredentialMaterial:
    """What one or two files hold: a certificate, a private key, or both."""

    certificate: x509.Certificate | None
    private_key: PrivateKey | None
    encrypted_key: bool = False


@dataclass(frozen=True)
class CertificateInfo:
    """Everything `cert inspect` reports."""

    subject: str
    issuer: str
    self_signed: bool
    not_before: dt.datetime
    not_after: dt.datetime
    days_left: int
    expired: bool
    key_type: str
    key_size: int | None
    thumbprints: Thumbprints
    has_private_key: bool
    key_matches: bool | None
    problems: tuple[str, ...]

    def to_dict(self) -> dict[str, object]:
        return {
            "subject": self.subject,
            "issuer": self.issuer,
            "self_signed": self.self_signed,
            "not_before": self.not_before.isoformat(),
            "not_after": self.not_after.isoformat(),
            "days_left": self.days_left,
            "expired": self.expired,
            "key_type": self.key_type,
            "key_size": self.key_size,
            "thumbprints": self.thumbprints.to_dict(),
            "has_private_key": self.has_private_key,
            "key_matches": self.key_matches,
            "problems": list(self.problems),
        }


def _read(path: str | Path) -> bytes:
    p = Path(path).expanduser()
    if not p.is_file():
        raise CertificateError(f"{p} does not exist or is not a file", hint="Check the path.")
    if p.stat().st_size > MAX_FILE_BYTES:
        raise CertificateError(f"{p} is too large to be a certificate or key")
    return p.read_bytes()


def _load_key(data: bytes, password: Secret | None, *, pem: bool) -> tuple[PrivateKey | None, bool]:
    pwd = password.reveal().encode("utf-8") if password else None
    loader = serialization.load_pem_private_key if pem else serialization.load_der_private_key
    try:
        key = loader(data, password=pwd)
    except TypeError as exc:
        if pwd is None and ("encrypted" in str(exc).lower() or "password" in str(exc).lower()):
            raise CertificateError(
                "The private key is encrypted",
                hint="Give its passphrase (--passphrase-stdin or --passphrase-file).",
            ) from exc
        raise CertificateError("The private key could not be read", hint="Check the passphrase.") from exc
    except ValueError as exc:
        if pwd is not None:
            raise CertificateError(
                "The private key could not be decrypted", hint="Check the passphrase."
            ) from exc
        return None, False
    except UnsupportedAlgorithm as exc:
        raise CertificateError("The private key uses an unsupported algorithm") from exc
    if not isinstance(key, PrivateKey):
        raise CertificateError("The private key type is not supported")
    return key, pwd is not None


def load_credential_material(data: bytes, *, password: Secret | None = None) -> CredentialMaterial:
    """Detect PEM (any mix of cert and key), DER certificate, DER key, or PKCS#12 from the bytes."""
    if b"-----BEGIN" in data:
        cert = None
        if b"CERTIFICATE-----" in data:
            try:
                cert = x509.load_pem_x509_certificates(data)[0]
            except ValueError as exc:
                raise CertificateError("The PEM certificate is damaged") from exc
        key, encrypted = (None, False)
        if b"PRIVATE KEY-----" in data:
            key, encrypted = _load_key(data, password, pem=True)
            if key is None:
                raise CertificateError("The PEM private key is damaged")
        if cert is None and key is None:
            raise CertificateError("The PEM file holds neither a certificate nor a private key")
        return CredentialMaterial(cert, key, encrypted)
    try:
        return CredentialMaterial(x509.load_der_x509_certificate(data), None)
    except ValueError:
        pass
    key, encrypted = (None, False)
    try:
        key, encrypted = _load_key(data, password, pem=False)
    except CertificateError:
        key = None
    if key is not None:
        return CredentialMaterial(None, key, encrypted)
    pwd = password.reveal().encode("utf-8") if password else None
    try:
        k, c, _ = pkcs12.load_key_and_certificates(data, pwd)
    except ValueError as exc:
        if pwd is None and data[:1] == b"\x30":
            raise CertificateError(
                "This looks like a password-protected PFX, or it is not a certificate",
                hint="Give the PFX password with --passphrase-stdin or --passphrase-file.",
            ) from exc
        raise CertificateError(
            "The file is not a certificate, key or PFX that can be read",
            hint="Accepted: PEM (.pem/.crt/.cer), DER (.cer), PKCS#8 key, PFX/P12 (with its password).",
        ) from exc
    if k is not None and not isinstance(k, PrivateKey):
        raise CertificateError("The PFX key type is not supported")
    return CredentialMaterial(c, k, pwd is not None)


def _key_description(cert: x509.Certificate) -> tuple[str, int | None]:
    pub = cert.public_key()
    if isinstance(pub, rsa.RSAPublicKey):
        return "RSA", pub.key_size
    if isinstance(pub, ec.EllipticCurvePublicKey):
        return f"EC ({pub.curve.name})", pub.key_size
    return type(pub).__name__.replace("PublicKey", "").lstrip("_"), None


def _public_bytes(key: PrivateKey) -> bytes:
    return key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def inspect_certificate(
    path: str | Path,
    *,
    key_path: str | Path | None = None,
    password: Secret | None = None,
    now: dt.datetime | None = None,
) -> CertificateInfo:
    """Subject, validity, key, thumbprints and key match for a certificate file (PEM, DER or PFX)."""
    material = load_credential_material(_read(path), password=password)
    if material.certificate is None:
        raise CertificateError(
            f"{path} holds a private key but no certificate", hint="Inspect the certificate file."
        )
    cert = material.certificate
    key = material.private_key
    if key_path is not None:
        key = load_credential_material(_read(key_path), password=password).private_key
        if key is None:
            raise CertificateError(f"{key_path} holds no private key")
    moment = now or dt.datetime.now(dt.timezone.utc)
    key_type, key_size = _key_description(cert)
    matches = (
        None
        if key is None
        else _public_bytes(key)
        == cert.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    days_left = (cert.not_valid_after_utc - moment).days
    problems: list[str] = []
    if key_type != "RSA":
        problems.append(f"{key_type} keys are not accepted for Entra client assertions; use RSA.")
    elif key_size is not None and key_size < 2048:
        problems.append(f"RSA {key_size} is too small; Entra requires at least 2048 bits.")
    if moment > cert.not_valid_after_utc:
        problems.append("The certificate has expired; Entra rejects assertions signed with it.")
    elif days_left < 30:
        problems.append(f"The certificate expires in {days_left} days; upload a new one before then.")
    if moment < cert.not_valid_before_utc:
        problems.append("The certificate is not valid yet (check the clock).")
    if matches is False:
        problems.append("The private key does not belong to this certificate.")
    return CertificateInfo(
        subject=cert.subject.rfc4514_string(),
        issuer=cert.issuer.rfc4514_string(),
        self_signed=cert.issuer == cert.subject,
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        days_left=days_left,
        expired=moment > cert.not_valid_after_utc,
        key_type=key_type,
        key_size=key_size,
        thumbprints=thumbprints(cert),
        has_private_key=key is not None,
        key_matches=matches,
        problems=tuple(problems),
    )
