"""The sandbox's local CA (persisted), its server certificate, and app certificates for credentials.

The CA, the server certificate and every RSA key live in the per-user sandbox folder (0700) and are
made once: the CA's key and certificate as one file renamed into place under the folder's lock
(concurrent first runs all get the same CA), `ca.pem` beside it for clients to trust.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from wizard.certs.thumbprints import thumbprints
from wizard.errors import CertificateError
from wizard.sandbox.keystore import KeyStore, key_pem, load_key, locked, new_key, private_folder, write_atomic
from wizard.sandbox.signing import reusable

CA_NAME = "entra-daemon-wizard sandbox CA"
CA_BUNDLE = "ca-bundle.pem"  # key + certificate, the one file that defines the CA
CA_CERT = "ca.pem"  # the certificate alone, what clients trust
_MIN_LEFT = dt.timedelta(days=2)
SERVER_DAYS = 30

__all__ = ["KeyStore", "key_pem", "new_key"]


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


def cert_pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def _write(path: Path, data: bytes, *, private: bool, durable: bool = True) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, data, private=private, durable=durable)


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


def _usable(cert: x509.Certificate, key: rsa.RSAPrivateKey) -> bool:
    """The key belongs to the certificate, and the certificate is valid for a while yet."""
    return cert.public_key() == key.public_key() and cert.not_valid_after_utc > _now() + _MIN_LEFT


def _read_pair(data: bytes) -> tuple[x509.Certificate, rsa.RSAPrivateKey] | None:
    """The certificate and key of a bundle (or of the concatenation of the two legacy files)."""
    key = load_key(data)
    try:
        cert = x509.load_pem_x509_certificate(data)
    except ValueError:
        return None
    return (cert, key) if key is not None and _usable(cert, key) else None


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""


def load_or_create_ca(root: Path) -> LocalCA:
    """Reuse the persisted CA under `root/sandbox/`, or make one; safe to call from many processes."""
    folder = root / "sandbox"
    bundle, cert_path = folder / CA_BUNDLE, folder / CA_CERT
    try:
        private_folder(folder)
        with locked(folder):
            pair = _read_pair(_read(bundle))
            if pair is None:  # an earlier version kept ca-key.pem and ca.pem: keep trusting that CA
                pair = _read_pair(_read(folder / "ca-key.pem") + _read(cert_path))
                if pair is None:
                    pair = _make_ca()
                write_atomic(bundle, key_pem(pair[1]) + cert_pem(pair[0]), private=True)
            cert, key = pair
            if _read(cert_path) != cert_pem(cert):
                write_atomic(cert_path, cert_pem(cert), private=False)
            (folder / "ca-key.pem").unlink(missing_ok=True)
    except OSError as exc:
        raise CertificateError(
            f"Cannot write the sandbox CA under {folder}", hint=f"{exc.strerror}; pass another data_dir."
        ) from None
    return LocalCA(cert, key, cert_path)


def server_cert(ca: LocalCA, names: list[str], keys: KeyStore) -> Path:
    """A server certificate for `names`, reused while valid: one PEM file with the key and the chain.

    It is named after the CA and the names it covers, and made under the folder's lock, like the CA.
    """
    wanted = sorted(dict.fromkeys(n.lower() for n in names))
    ident = hashlib.sha256(
        ca.cert.fingerprint(hashes.SHA256()) + "\n".join(wanted).encode("utf-8", "surrogatepass")
    ).hexdigest()[:32]
    path = keys.folder / f"server-{ident}.pem"
    with locked(keys.folder):
        data = _read(path)
        pair = _read_pair(data) if data else None
        if pair is not None and pair[0].not_valid_after_utc > _now() + dt.timedelta(days=1):
            return path
    key = keys.key("server")
    cert = _server_certificate(ca, names, key)
    with locked(keys.folder):
        write_atomic(path, key_pem(key) + cert_pem(cert), private=True)
    return path


def _server_certificate(ca: LocalCA, names: list[str], key: rsa.RSAPrivateKey) -> x509.Certificate:
    from wizard.certs.generate import LEAF_KEY_USAGE  # only when the kept server certificate will not do

    sans: list[x509.GeneralName] = []
    for n in dict.fromkeys(names):
        try:
            sans.append(x509.IPAddress(ipaddress.ip_address(n)))
        except ValueError:
            sans.append(x509.DNSName(n))
    now = _now()
    return (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])]))
        .issuer_name(ca.cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=SERVER_DAYS))
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


def issue_server_cert(ca: LocalCA, names: list[str], folder: Path) -> tuple[Path, Path]:
    """A new server certificate and key for `names` in `folder`; returns (cert path, key path)."""
    key = new_key()
    cert = _server_certificate(ca, names, key)
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


_PFX_BEGIN, _PFX_END = b"-----BEGIN PKCS12-----\n", b"-----END PKCS12-----\n"


def _new_app_certificate(
    subject: str, stem: str, key: rsa.RSAPrivateKey | None
) -> tuple[rsa.RSAPrivateKey, bytes]:
    """A new self-signed certificate as PEM, followed by the PFX of key and certificate (base64, as PEM)."""
    from cryptography.hazmat.primitives.serialization import pkcs12

    from wizard.certs.generate import build_certificate  # only when no kept certificate will do

    key, cert = build_certificate(
        subject=x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]).rfc4514_string(),
        days=365,
        key=key,
    )
    pfx = pkcs12.serialize_key_and_certificates(stem.encode(), key, cert, None, serialization.NoEncryption())
    return key, cert_pem(cert) + _PFX_BEGIN + base64.encodebytes(pfx) + _PFX_END


def _split_bundle(data: bytes) -> bytes:
    """The PFX of a bundle `_new_app_certificate` made."""
    return base64.decodebytes(data.partition(_PFX_BEGIN)[2].partition(_PFX_END)[0])


def make_app_certificate(
    subject: str,
    folder: Path,
    stem: str,
    *,
    key: rsa.RSAPrivateKey | None = None,
    store: KeyStore | None = None,
) -> AppCertificate:
    """Self-signed cert (with `key`, else a new one) written as key PEM, cert PEM, combined PEM and PFX.

    With a `store`, the certificate and PFX made for `key` are kept there and reused for
    wizard.sandbox.signing.REUSE_FOR: a start signs nothing. The files belong to one sandbox run (its
    temporary folder, removed at stop): not flushed to disk.
    """
    if store is not None and key is not None:
        kept = key
        data = store.derived(
            f"certificate:{subject}:{stem}",
            kept,
            lambda: _new_app_certificate(subject, stem, kept)[1],
            usable=lambda d: _PFX_BEGIN in d and reusable(d, kept) is not None,
        )
    else:
        key, data = _new_app_certificate(subject, stem, key)
    cert = x509.load_pem_x509_certificate(data)
    prints = thumbprints(cert)
    paths = {ext: folder / f"{stem}{ext}" for ext in (".key.pem", ".cert.pem", ".pem", ".pfx")}
    _write(paths[".key.pem"], key_pem(key), private=True, durable=False)
    _write(paths[".cert.pem"], cert_pem(cert), private=False, durable=False)
    _write(paths[".pem"], key_pem(key) + cert_pem(cert), private=True, durable=False)
    _write(paths[".pfx"], _split_bundle(data), private=True, durable=False)
    return AppCertificate(
        cert=cert,
        key_path=str(paths[".key.pem"]),
        cert_path=str(paths[".cert.pem"]),
        combined_path=str(paths[".pem"]),
        pfx_path=str(paths[".pfx"]),
        thumbprint_sha1=prints.sha1_hex,
        thumbprint_sha256=prints.sha256_hex,
    )
