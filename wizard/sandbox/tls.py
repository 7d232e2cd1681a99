"""The sandbox's local CA (persisted), its server certificate, and app certificates for credentials.

The CA, the server certificate and every RSA key live in the per-user sandbox folder (0700) and are
made once: the CA's key and certificate as one file renamed into place under the folder's lock
(concurrent first runs all get the same CA), `ca.pem` beside it for clients to trust.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import hashlib
import ipaddress
import os
from pathlib import Path
from typing import TYPE_CHECKING

from wizard.errors import CertificateError
from wizard.sandbox.cert_facts import CertFacts, cert_facts, certificate_pem
from wizard.sandbox.keystore import KeyStore, key_pem, load_key, locked, new_key, private_folder, write_atomic
from wizard.sandbox.records import Record
from wizard.sandbox.signing import reusable

if TYPE_CHECKING:
    from cryptography import x509
    from cryptography.hazmat.primitives.asymmetric import ec, rsa

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
    from cryptography.hazmat.primitives.serialization import Encoding

    return cert.public_bytes(Encoding.PEM)


def _write(path: Path, data: bytes, *, private: bool, durable: bool = True) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, data, private=private, durable=durable)


class LocalCA(Record, frozen=True, dict=True):
    """A CA: its bundle (key and certificate), what is known of its certificate, and `cert_path`, the PEM
    clients trust. The key and the parsed certificate load when first used (to sign a server certificate)."""

    bundle: bytes  # the CA's private key is in it: never in a repr, a log, an error
    facts: CertFacts
    cert_path: Path

    def __repr__(self) -> str:
        return f"LocalCA(cert_path={self.cert_path!r})"

    @functools.cached_property
    def cert(self) -> x509.Certificate:
        from cryptography import x509

        return x509.load_der_x509_certificate(self.facts.der)

    @functools.cached_property
    def key(self) -> rsa.RSAPrivateKey:
        key = load_key(self.bundle)
        if key is None:  # pragma: no cover - the bundle was checked when it was read
            raise CertificateError("The sandbox CA's key is unreadable")
        return key


def _make_ca() -> tuple[x509.Certificate, rsa.RSAPrivateKey]:
    """A new CA: its certificate and key."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.x509.oid import NameOID

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


def _read_pair(folder: Path, data: bytes, *, left: dt.timedelta = _MIN_LEFT) -> CertFacts | None:
    """What is known of a bundle's certificate (or of the concatenation of the two legacy files) when its
    key is the certificate's and the certificate is valid for `left` yet; else None."""
    facts = cert_facts(folder, data) if data else None
    if facts is None or not facts.key_matches or facts.not_after <= _now() + left:
        return None
    return facts


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
            data = _read(bundle)
            facts = _read_pair(folder, data)
            if facts is None:  # an earlier version kept ca-key.pem and ca.pem: keep trusting that CA
                data = _read(folder / "ca-key.pem") + _read(cert_path)
                if _read_pair(folder, data) is None:
                    cert, key = _make_ca()
                    data = key_pem(key) + cert_pem(cert)
                pem = certificate_pem(data) or b""
                data = (load_key_pem(data) or b"") + pem
                write_atomic(bundle, data, private=True)
                facts = _read_pair(folder, data)
                if facts is None:  # pragma: no cover - a bundle just made or checked
                    raise CertificateError(f"The sandbox CA under {folder} is unusable")
            pem = certificate_pem(data) or b""
            if _read(cert_path) != pem:
                write_atomic(cert_path, pem, private=False)
            (folder / "ca-key.pem").unlink(missing_ok=True)
    except OSError as exc:
        raise CertificateError(
            f"Cannot write the sandbox CA under {folder}", hint=f"{exc.strerror}; pass another data_dir."
        ) from None
    return LocalCA(data, facts, cert_path)


def load_key_pem(data: bytes) -> bytes | None:
    """The private key of a bundle as this module writes it (PKCS#8 PEM), or None when it holds none."""
    key = load_key(data)
    return key_pem(key) if key is not None else None


def server_cert(ca: LocalCA, names: list[str], keys: KeyStore) -> Path:
    """A server certificate for `names`, reused while valid: one PEM file with the key and the chain.

    It is named after the CA, the names it covers and its key's kind, and made under the folder's lock,
    like the CA. Its key is ECDSA P-256 (every client the sandbox serves supports it): a TLS handshake
    then costs the server one ECDSA signature, not an RSA-2048 one (about 8M instructions each, two per
    `doctor --sandbox`, issue 12), and a new key takes a millisecond, so it is made with each certificate.
    """
    wanted = sorted(dict.fromkeys(n.lower() for n in names))
    ident = hashlib.sha256(
        hashlib.sha256(ca.facts.der).digest()
        + b"ec-p256\n"
        + "\n".join(wanted).encode("utf-8", "surrogatepass")
    ).hexdigest()[:32]
    path = keys.folder / f"server-{ident}.pem"
    with locked(keys.folder):
        if _read_pair(keys.folder, _read(path), left=dt.timedelta(days=1)) is not None:
            return path
        key = new_server_key()
        data = key_pem(key) + cert_pem(_server_certificate(ca, names, key))
        write_atomic(path, data, private=True)
    cert_facts(keys.folder, data)  # kept now, while x509 is loaded: the next start parses nothing
    return path


def new_server_key() -> ec.EllipticCurvePrivateKey:
    from cryptography.hazmat.primitives.asymmetric import ec

    return ec.generate_private_key(ec.SECP256R1())


def _server_certificate(
    ca: LocalCA, names: list[str], key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
) -> x509.Certificate:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    # only when the kept server certificate will not do
    from wizard.certs.generate import LEAF_KEY_USAGE, SIGNING_KEY_USAGE

    sans: list[x509.GeneralName] = []
    for n in dict.fromkeys(names):
        try:
            sans.append(x509.IPAddress(ipaddress.ip_address(n)))
        except ValueError:
            sans.append(x509.DNSName(n))
    now = _now()
    # An EC key signs (ECDHE_ECDSA, TLS 1.3) and never enciphers: no keyEncipherment bit for it.
    usage = SIGNING_KEY_USAGE if isinstance(key, ec.EllipticCurvePrivateKey) else LEAF_KEY_USAGE
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
        .add_extension(usage, critical=True)
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


class AppCertificate(Record, frozen=True, dict=True):
    """A credential certificate as the portal would hold it (DER, validity, thumbprints), and its files on
    disk; `cert` parses it (cryptography's x509) only for those who need more."""

    der: bytes
    start: dt.datetime
    end: dt.datetime
    subject: str  # RFC 4514, as Graph names a key credential without a display name
    key_path: str
    cert_path: str
    combined_path: str
    pfx_path: str
    thumbprint_sha1: str  # upper-case hex, as the portal shows it
    thumbprint_sha256: str

    @functools.cached_property
    def cert(self) -> x509.Certificate:
        from cryptography import x509

        return x509.load_der_x509_certificate(self.der)


def public_app_certificate(cert: x509.Certificate) -> AppCertificate:
    """An uploaded certificate: only the public part, no files."""
    from cryptography.hazmat.primitives.serialization import Encoding

    der = cert.public_bytes(Encoding.DER)
    return AppCertificate(
        der=der,
        start=cert.not_valid_before_utc,
        end=cert.not_valid_after_utc,
        subject=cert.subject.rfc4514_string(),
        key_path="",
        cert_path="",
        combined_path="",
        pfx_path="",
        thumbprint_sha1=hashlib.sha1(der).hexdigest().upper(),  # noqa: S324 - the portal's thumbprint
        thumbprint_sha256=hashlib.sha256(der).hexdigest().upper(),
    )


_PFX_BEGIN, _PFX_END = b"-----BEGIN PKCS12-----\n", b"-----END PKCS12-----\n"


def _new_app_certificate(
    subject: str, stem: str, key: rsa.RSAPrivateKey | None
) -> tuple[rsa.RSAPrivateKey, bytes]:
    """A new self-signed certificate as PEM, followed by the PFX of key and certificate (base64, as PEM)."""
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import NoEncryption, pkcs12
    from cryptography.x509.oid import NameOID

    from wizard.certs.generate import build_certificate  # only when no kept certificate will do

    key, cert = build_certificate(
        subject=x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]).rfc4514_string(),
        days=365,
        key=key,
    )
    pfx = pkcs12.serialize_key_and_certificates(stem.encode(), key, cert, None, NoEncryption())
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
    wizard.sandbox.signing.REUSE_FOR: a start signs nothing, and parses no certificate
    (wizard.sandbox.cert_facts). The files belong to one sandbox run (its temporary folder, removed at
    stop): not flushed to disk.
    """
    if store is not None and key is not None:
        kept = key
        data = store.derived(
            f"certificate:{subject}:{stem}",
            kept,
            lambda: _new_app_certificate(subject, stem, kept)[1],
            usable=lambda d: _PFX_BEGIN in d and reusable(d, kept, store=store) is not None,
        )
        facts = cert_facts(store.folder, data)
    else:
        from wizard.sandbox.cert_facts import certificate_der, parse_facts

        key, data = _new_app_certificate(subject, stem, key)
        facts = parse_facts(certificate_der(data) or b"", data)
    if facts is None:  # pragma: no cover - `data` was made or checked just now
        raise CertificateError(f"The sandbox's certificate for {stem} is unreadable")
    pem = certificate_pem(data) or b""
    private = key_pem(key)
    paths = {ext: folder / f"{stem}{ext}" for ext in (".key.pem", ".cert.pem", ".pem", ".pfx")}
    _write(paths[".key.pem"], private, private=True, durable=False)
    _write(paths[".cert.pem"], pem, private=False, durable=False)
    _write(paths[".pem"], private + pem, private=True, durable=False)
    _write(paths[".pfx"], _split_bundle(data), private=True, durable=False)
    return AppCertificate(
        der=facts.der,
        start=facts.not_before,
        end=facts.not_after,
        subject=facts.subject,
        key_path=str(paths[".key.pem"]),
        cert_path=str(paths[".cert.pem"]),
        combined_path=str(paths[".pem"]),
        pfx_path=str(paths[".pfx"]),
        thumbprint_sha1=facts.sha1_hex,
        thumbprint_sha256=facts.sha256_hex,
    )
