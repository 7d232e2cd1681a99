"""Generate an RSA key and a self-signed certificate, written in every form the samples and SDKs read."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from wizard.certs import ALLOWED_KEY_SIZES, DEFAULT_DAYS, MAX_DAYS
from wizard.certs.thumbprints import Thumbprints, thumbprints
from wizard.errors import CertificateError, FileExistsRefusal, UsageError
from wizard.safe_write import PlannedFile, WrittenFile, write_files
from wizard.secret import Secret

BACKDATE = dt.timedelta(minutes=5)
#: Key usage of an end-entity certificate (client credential or TLS server): sign, and wrap keys.
LEAF_KEY_USAGE = x509.KeyUsage(
    digital_signature=True,
    content_commitment=False,
    key_encipherment=True,
    data_encipherment=False,
    key_agreement=False,
    key_cert_sign=False,
    crl_sign=False,
    encipher_only=False,
    decipher_only=False,
)
#: An ECDSA key's (the sandbox's server certificate): it signs and never enciphers.
SIGNING_KEY_USAGE = x509.KeyUsage(
    digital_signature=True,
    content_commitment=False,
    key_encipherment=False,
    data_encipherment=False,
    key_agreement=False,
    key_cert_sign=False,
    crl_sign=False,
    encipher_only=False,
    decipher_only=False,
)


@dataclass(frozen=True)
class GeneratedCertificate:
    """The files written and the values to compare with the portal after upload."""

    subject: str
    not_before: dt.datetime
    not_after: dt.datetime
    key_size: int
    thumbprints: Thumbprints
    files: dict[str, WrittenFile] = field(default_factory=dict)

    def to_dict(self) -> dict[str, object]:
        return {
            "subject": self.subject,
            "not_before": self.not_before.isoformat(),
            "not_after": self.not_after.isoformat(),
            "key_size": self.key_size,
            "thumbprints": self.thumbprints.to_dict(),
            "files": {role: f.to_dict() for role, f in self.files.items()},
        }


def parse_subject(subject: str) -> x509.Name:
    """`CN=daemon,O=Contoso` (RFC 4514) or a bare common name."""
    text = subject.strip()
    if not text:
        raise UsageError("The certificate subject is empty", hint="Use --subject CN=my-daemon.")
    if "=" not in text:
        text = f"CN={text}"
    try:
        name = x509.Name.from_rfc4514_string(text)
    except ValueError as exc:
        raise UsageError(
            f"The subject {subject!r} is not a distinguished name", hint="Use CN=my-daemon."
        ) from exc
    if not name.get_attributes_for_oid(NameOID.COMMON_NAME):
        raise UsageError("The subject has no CN", hint="Add a common name, e.g. CN=my-daemon.")
    return name


def check_key_size(key_size: int) -> None:
    if key_size not in ALLOWED_KEY_SIZES:
        raise UsageError(
            f"RSA {key_size} is not accepted",
            hint="Entra ID accepts RSA keys of at least 2048 bits; choose 2048, 3072 or 4096.",
        )


def build_certificate(
    *,
    subject: str,
    key_size: int = 2048,
    days: int = DEFAULT_DAYS,
    now: dt.datetime | None = None,
    key: rsa.RSAPrivateKey | None = None,
) -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    """An RSA key (`key`, else a new one) and a self-signed SHA-256 certificate, backdated a few minutes
    against clock skew."""
    check_key_size(key.key_size if key is not None else key_size)
    if not 1 <= days <= MAX_DAYS:
        raise UsageError(f"{days} days is out of range", hint=f"Choose 1 to {MAX_DAYS} days (365 is common).")
    name = parse_subject(subject)
    key = key or rsa.generate_private_key(public_exponent=65537, key_size=key_size)
    start = (now or dt.datetime.now(dt.timezone.utc)) - BACKDATE
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + BACKDATE + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(LEAF_KEY_USAGE, critical=True)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return key, cert


def _encryption(passphrase: Secret | None) -> serialization.KeySerializationEncryption:
    if passphrase:
        return serialization.BestAvailableEncryption(passphrase.reveal().encode("utf-8"))
    return serialization.NoEncryption()


def generate_certificate(
    *,
    subject: str,
    out_dir: str | Path,
    name: str = "daemon",
    key_size: int = 2048,
    days: int = DEFAULT_DAYS,
    passphrase: Secret | None = None,
    pfx_password: Secret | None = None,
    force: bool = False,
) -> GeneratedCertificate:
    """Write key (PKCS#8 PEM), certificate (.cer DER and .pem), PFX and combined key+cert PEM.

    Key-bearing files are 0600. Nothing is overwritten unless `force` (then a backup is kept). The five
    files are written as one set: if any cannot be written, none is left behind.
    """
    folder = Path(out_dir).expanduser()
    paths = {
        "key": folder / f"{name}.key.pem",
        "cert_der": folder / f"{name}.cer",
        "cert_pem": folder / f"{name}.pem",
        "pfx": folder / f"{name}.pfx",
        "combined": folder / f"{name}.combined.pem",
    }
    if not force:
        existing = [str(p) for p in paths.values() if os.path.lexists(p)]
        if existing:
            raise FileExistsRefusal(
                existing[0], hint="Pass --force to replace them (backups are kept), or use --name."
            )
    key, cert = build_certificate(subject=subject, key_size=key_size, days=days)
    key_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, _encryption(passphrase)
    )
    cert_pem = cert.public_bytes(serialization.Encoding.PEM)
    try:
        pfx = pkcs12.serialize_key_and_certificates(
            name.encode("utf-8"), key, cert, None, _encryption(pfx_password or passphrase)
        )
    except ValueError as exc:  # pragma: no cover - cryptography refuses only odd passwords
        raise CertificateError("The PFX could not be written", hint=str(exc)) from exc
    contents: dict[str, tuple[bytes, bool]] = {
        "key": (key_pem, True),
        "cert_der": (cert.public_bytes(serialization.Encoding.DER), False),
        "cert_pem": (cert_pem, False),
        "pfx": (pfx, True),
        "combined": (key_pem + cert_pem, True),
    }
    # One set, all or none: a key without its certificate (or a PFX of another key) is worse than nothing.
    roles = list(contents)
    written = write_files(
        [PlannedFile(paths[role], contents[role][0], contents[role][1]) for role in roles], force=force
    )
    files = dict(zip(roles, written, strict=True))
    return GeneratedCertificate(
        subject=cert.subject.rfc4514_string(),
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        key_size=key_size,
        thumbprints=thumbprints(cert),
        files=files,
    )
