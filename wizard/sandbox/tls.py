"""The sandbox's local CA (persisted), its server certificate, and app certificates for credentials."""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from wizard.certs.generate import LEAF_KEY_USAGE, build_certificate
from wizard.certs.thumbprints import thumbprints
from wizard.errors import CertificateError

CA_NAME = "entra-daemon-wizard sandbox CA"
_PRIVATE = 0o600


def data_root(data_dir: str | Path | None = None) -> Path:
    """Where the sandbox keeps its CA: `data_dir`, else $DAEMON_WIZARD_HOME, else the user data dir."""
    if data_dir:
        return Path(data_dir)
    home = os.environ.get("DAEMON_WIZARD_HOME")
    if home:
        return Path(home)
    import platformdirs

    return Path(platformdirs.user_data_dir("daemon-wizard", appauthor=False))


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def key_pem(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def cert_pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def _write(path: Path, data: bytes, *, private: bool) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, _PRIVATE if private else 0o644)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.replace(tmp, path)


@dataclass(frozen=True)
class LocalCA:
    """A CA certificate and key; the PEM at `cert_path` is what clients trust."""

    cert: x509.Certificate
    key: rsa.RSAPrivateKey
    cert_path: Path


def _make_ca() -> tuple[x509.Certificate, rsa.RSAPrivateKey]:
    key = new_key()
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, CA_NAME)])
    now = _now()
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return cert, key


def load_or_create_ca(root: Path) -> LocalCA:
    """Reuse the persisted CA under `root/sandbox/`, or make one (key file mode 0600)."""
    folder = root / "sandbox"
    cert_path, key_path = folder / "ca.pem", folder / "ca-key.pem"
    if cert_path.is_file() and key_path.is_file():
        try:
            cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
            key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
            if isinstance(key, rsa.RSAPrivateKey) and cert.not_valid_after_utc > _now() + dt.timedelta(
                days=2
            ):
                return LocalCA(cert, key, cert_path)
        except (ValueError, OSError):
            pass  # unreadable or foreign files: make a fresh CA below
    try:
        cert, key = _make_ca()
        _write(key_path, key_pem(key), private=True)
        _write(cert_path, cert_pem(cert), private=False)
    except OSError as exc:
        raise CertificateError(
            f"Cannot write the sandbox CA under {folder}", hint=f"{exc.strerror}; pass another data_dir."
        ) from None
    return LocalCA(cert, key, cert_path)


def issue_server_cert(ca: LocalCA, names: list[str], folder: Path) -> tuple[Path, Path]:
    """A server certificate for `names` (DNS names or IP addresses); returns (cert path, key path)."""
    key = new_key()
    sans: list[x509.GeneralName] = []
    for n in dict.fromkeys(names):
        try:
            sans.append(x509.IPAddress(ipaddress.ip_address(n)))
        except ValueError:
            sans.append(x509.DNSName(n))
    now = _now()
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])]))
        .issuer_name(ca.cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.SubjectAlternativeName(sans), critical=False)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(LEAF_KEY_USAGE, critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()), critical=False
        )
        .sign(ca.key, hashes.SHA256())
    )
    cert_path, key_path = folder / "server.pem", folder / "server-key.pem"
    _write(key_path, key_pem(key), private=True)
    _write(cert_path, cert_pem(cert), private=False)
    return cert_path, key_path


@dataclass(frozen=True)
class AppCertificate:
    """A self-signed credential certificate as the portal would hold it, and its files on disk."""

    cert: x509.Certificate
    key_path: str
    cert_path: str
    combined_path: str
    pfx_path: str
    thumbprint_sha1: str  # upper-case hex, as the portal shows it
    thumbprint_sha256: str

    @property
    def start(self) -> dt.datetime:
        return self.cert.not_valid_before_utc

    @property
    def end(self) -> dt.datetime:
        return self.cert.not_valid_after_utc


def make_app_certificate(subject: str, folder: Path, stem: str) -> AppCertificate:
    """Self-signed cert + key written as key PEM, cert PEM, combined PEM and PFX (no password)."""
    key, cert = build_certificate(
        subject=x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]).rfc4514_string(), days=365
    )
    prints = thumbprints(cert)
    paths = {ext: folder / f"{stem}{ext}" for ext in (".key.pem", ".cert.pem", ".pem", ".pfx")}
    _write(paths[".key.pem"], key_pem(key), private=True)
    _write(paths[".cert.pem"], cert_pem(cert), private=False)
    _write(paths[".pem"], key_pem(key) + cert_pem(cert), private=True)
    pfx = pkcs12.serialize_key_and_certificates(stem.encode(), key, cert, None, serialization.NoEncryption())
    _write(paths[".pfx"], pfx, private=True)
    return AppCertificate(
        cert=cert,
        key_path=str(paths[".key.pem"]),
        cert_path=str(paths[".cert.pem"]),
        combined_path=str(paths[".pem"]),
        pfx_path=str(paths[".pfx"]),
        thumbprint_sha1=prints.sha1_hex,
        thumbprint_sha256=prints.sha256_hex,
    )
