"""The one key and certificate loader: PEM, DER, PFX or combined PEM, with a passphrase, into one dataclass.

Every caller (cert inspect, the live credential, the config exporters, the sandbox's upload) reads key and
certificate files here, so a file is understood, refused and explained the same way everywhere. Errors are
our own: `CertificateUnreadable` (bad input, with the fix) and `CertificateExpired`.
"""

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
from wizard.errors import CertificateExpired, CertificateUnreadable
from wizard.paths import FileTooLarge, NotARegularFile, read_bounded
from wizard.profile import CertificateRef
from wizard.secret import Secret

PrivateKey = (
    rsa.RSAPrivateKey
    | ec.EllipticCurvePrivateKey
    | dsa.DSAPrivateKey
    | ed25519.Ed25519PrivateKey
    | ed448.Ed448PrivateKey
)
MAX_FILE_BYTES = 1_000_000
MIN_RSA_BITS = 2048
#: The fix for an encrypted key or PFX. Every command that reads certificates has --passphrase-file.
PASSPHRASE_HINT = "Give its passphrase with --passphrase-file PATH (or DAEMON_WIZARD_KEY_PASSPHRASE)."
FORMATS_HINT = (
    "Accepted: PEM (.pem/.crt/.cer, key and/or certificate), DER (.cer), PKCS#8 key, PFX/P12 (with its "
    "password)."
)


@dataclass(frozen=True)
class LoadedCredential:
    """What one or more files hold: private key, certificate and chain, and the facts Entra cares about."""

    private_key: PrivateKey | None
    certificate: x509.Certificate | None
    chain: tuple[x509.Certificate, ...] = ()
    key_encrypted: bool = False

    @property
    def thumbprints(self) -> Thumbprints | None:
        return thumbprints(self.certificate) if self.certificate is not None else None

    @property
    def key_type(self) -> str | None:
        """`RSA`, `EC (secp256r1)`, `Ed25519`...: of the certificate's key, else of the private key."""
        if self.certificate is not None:
            return describe_key(self.certificate.public_key())[0]
        return describe_key(self.private_key.public_key())[0] if self.private_key is not None else None

    @property
    def key_size(self) -> int | None:
        if self.certificate is not None:
            return describe_key(self.certificate.public_key())[1]
        return describe_key(self.private_key.public_key())[1] if self.private_key is not None else None

    @property
    def not_before(self) -> dt.datetime | None:
        return self.certificate.not_valid_before_utc if self.certificate is not None else None

    @property
    def not_after(self) -> dt.datetime | None:
        return self.certificate.not_valid_after_utc if self.certificate is not None else None

    @property
    def key_matches(self) -> bool | None:
        """Whether the private key belongs to the certificate (None when one of them is missing)."""
        if self.private_key is None or self.certificate is None:
            return None
        return public_der(self.private_key.public_key()) == public_der(self.certificate.public_key())

    def key_pem(self) -> Secret:
        """The private key as unencrypted PKCS#8 PEM, for the client libraries (kept in a Secret)."""
        if self.private_key is None:
            raise CertificateUnreadable("No private key was loaded")
        return Secret(
            self.private_key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            ).decode("ascii")
        )

    def certificate_pem(self) -> str | None:
        if self.certificate is None:
            return None
        return self.certificate.public_bytes(serialization.Encoding.PEM).decode("ascii")


def describe_key(public: object) -> tuple[str, int | None]:
    if isinstance(public, rsa.RSAPublicKey):
        return "RSA", public.key_size
    if isinstance(public, ec.EllipticCurvePublicKey):
        return f"EC ({public.curve.name})", public.key_size
    if isinstance(public, ed25519.Ed25519PublicKey):
        return "Ed25519", None
    if isinstance(public, ed448.Ed448PublicKey):
        return "Ed448", None
    if isinstance(public, dsa.DSAPublicKey):
        return "DSA", public.key_size
    return type(public).__name__.replace("PublicKey", "").lstrip("_"), None


def public_der(public: object) -> bytes:
    return public.public_bytes(  # type: ignore[attr-defined, no-any-return]
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def read_file(path: str | Path, *, what: str = "certificate or key file") -> bytes:
    """The bytes of a regular file, bounded: a FIFO, a device or a huge file is refused, never waited on."""
    p = Path(path).expanduser()
    try:
        return read_bounded(p, limit=MAX_FILE_BYTES)
    except FileNotFoundError:
        raise CertificateUnreadable(f"The {what} {p} does not exist", hint="Check the path.") from None
    except IsADirectoryError:
        raise CertificateUnreadable(f"{p} is a folder, not a {what}", hint="Give the file.") from None
    except NotARegularFile:
        raise CertificateUnreadable(
            f"{p} is not a regular file", hint=f"Give the {what} itself (not a pipe or a device)."
        ) from None
    except FileTooLarge:
        raise CertificateUnreadable(f"{p} is too large to be a {what}", hint=FORMATS_HINT) from None
    except OSError as exc:
        raise CertificateUnreadable(
            f"The {what} {p} cannot be read ({exc.strerror})", hint="Check the path and its permissions."
        ) from None


def _password(password: Secret | None) -> bytes | None:
    return password.reveal().encode("utf-8", "surrogatepass") if password else None


def _load_key(data: bytes, password: Secret | None, *, pem: bool) -> PrivateKey | None:
    """The private key in PEM or DER; None when these bytes are not a key at all."""
    pwd = _password(password)
    loader = serialization.load_pem_private_key if pem else serialization.load_der_private_key
    try:
        key = loader(data, password=pwd)
    except TypeError as exc:
        text = str(exc).lower()
        if pwd is None and ("encrypted" in text or "password" in text):
            raise CertificateUnreadable("The private key is encrypted", hint=PASSPHRASE_HINT) from None
        if pwd is not None and "not encrypted" in text:
            key = loader(data, password=None)  # a passphrase given for a plain key: harmless
        else:
            raise CertificateUnreadable("The private key could not be read", hint=PASSPHRASE_HINT) from None
    except ValueError:
        if pwd is not None and (not pem or b"ENCRYPTED" in data):
            raise CertificateUnreadable(
                "The private key could not be decrypted: wrong passphrase", hint=PASSPHRASE_HINT
            ) from None
        return None
    except UnsupportedAlgorithm:
        raise CertificateUnreadable(
            "The private key uses an algorithm that cannot be read here",
            hint="Entra certificate credentials need an RSA key of at least 2048 bits.",
        ) from None
    if not isinstance(key, PrivateKey):
        raise CertificateUnreadable(
            "The private key type is not supported",
            hint="Entra certificate credentials need an RSA key of at least 2048 bits.",
        )
    return key


def _from_pem(data: bytes, password: Secret | None) -> LoadedCredential:
    certs: list[x509.Certificate] = []
    if b"CERTIFICATE-----" in data:
        try:
            certs = x509.load_pem_x509_certificates(data)
        except ValueError:
            raise CertificateUnreadable("The PEM certificate is damaged", hint=FORMATS_HINT) from None
    key = None
    if b"PRIVATE KEY-----" in data:
        key = _load_key(data, password, pem=True)
        if key is None:
            raise CertificateUnreadable("The PEM private key is damaged", hint=FORMATS_HINT)
    if not certs and key is None:
        raise CertificateUnreadable("The PEM file holds neither a certificate nor a private key")
    return LoadedCredential(
        key, certs[0] if certs else None, tuple(certs[1:]), key_encrypted=b"ENCRYPTED" in data
    )


def _from_pfx(data: bytes, password: Secret | None) -> LoadedCredential:
    pwd = _password(password)
    try:
        key, cert, extra = pkcs12.load_key_and_certificates(data, pwd)
    except ValueError as exc:
        if "password" in str(exc).lower() or "mac" in str(exc).lower():
            if pwd is None:
                raise CertificateUnreadable(
                    "The PFX file is protected by a password", hint=PASSPHRASE_HINT
                ) from None
            raise CertificateUnreadable(
                "The PFX password is wrong: the PFX file cannot be opened with it", hint=PASSPHRASE_HINT
            ) from None
        raise CertificateUnreadable(
            "The file is not a certificate, key or PFX that can be read", hint=FORMATS_HINT
        ) from None
    except UnsupportedAlgorithm:
        raise CertificateUnreadable(
            "The PFX file uses an encryption that cannot be read here",
            hint="Re-export it with AES-256 (openssl pkcs12 -export, or Windows' AES256-SHA256 option).",
        ) from None
    if key is not None and not isinstance(key, PrivateKey):
        raise CertificateUnreadable("The PFX key type is not supported")
    return LoadedCredential(key, cert, tuple(extra), key_encrypted=pwd is not None)


def _looks_like_pfx(data: bytes) -> bool:
    # PKCS#12 is a DER SEQUENCE whose first element is INTEGER 3 (the version).
    head = data[:8]
    return head[:1] == b"\x30" and b"\x02\x01\x03" in head


def load_bytes(data: bytes, *, password: Secret | None = None) -> LoadedCredential:
    """Detect PEM (any mix of key and certificates), DER certificate, DER key or PFX from the bytes."""
    if b"-----BEGIN" in data:
        return _from_pem(data, password)
    if _looks_like_pfx(data):
        return _from_pfx(data, password)
    try:
        return LoadedCredential(None, x509.load_der_x509_certificate(data))
    except ValueError:
        pass
    key = _load_key(data, password, pem=False) if data[:1] == b"\x30" else None
    if key is not None:
        return LoadedCredential(key, None, key_encrypted=password is not None)
    raise CertificateUnreadable(
        "The file is not a certificate, key or PFX that can be read", hint=FORMATS_HINT
    )


def load_files(*paths: str | Path | None, password: Secret | None = None) -> LoadedCredential:
    """Key and certificate from one or more files; the first file that holds each one wins.

    Callers pass the files in their order of precedence (explicit flags before profile values).
    """
    key: PrivateKey | None = None
    cert: x509.Certificate | None = None
    chain: tuple[x509.Certificate, ...] = ()
    encrypted = False
    for path in paths:
        if not path:
            continue
        loaded = load_bytes(read_file(path), password=password)
        if key is None and loaded.private_key is not None:
            key, encrypted = loaded.private_key, loaded.key_encrypted
        if cert is None and loaded.certificate is not None:
            cert, chain = loaded.certificate, loaded.chain
    return LoadedCredential(key, cert, chain, key_encrypted=encrypted)


def entra_key_problem(loaded: LoadedCredential) -> str | None:
    """Why Entra would refuse this key for a client assertion (type, size), or None."""
    key_type, size = loaded.key_type, loaded.key_size
    if key_type is None:
        return None
    if key_type != "RSA":
        return f"The key is {key_type}: Entra needs an RSA key of at least {MIN_RSA_BITS} bits."
    if size is not None and size < MIN_RSA_BITS:
        return f"The key is RSA {size}: Entra needs an RSA key of at least {MIN_RSA_BITS} bits."
    return None


def validity_problem(loaded: LoadedCredential, now: dt.datetime | None = None) -> str | None:
    """Why the certificate is outside its validity now (expired, not yet valid), or None."""
    if loaded.certificate is None:
        return None
    moment = now or dt.datetime.now(dt.timezone.utc)
    after, before = loaded.certificate.not_valid_after_utc, loaded.certificate.not_valid_before_utc
    if moment > after:
        return (
            f"The certificate expired on {after:%Y-%m-%d %H:%M} UTC; Entra refuses assertions signed with it."
        )
    if moment < before:
        return f"The certificate is not valid before {before:%Y-%m-%d %H:%M} UTC (check the clock)."
    return None


def require_usable(
    loaded: LoadedCredential, *, now: dt.datetime | None = None, check_validity: bool = True
) -> LoadedCredential:
    """The credential a daemon can sign with, or our error saying why not (before any request).

    `check_validity=False` skips the dates (writing a config for a certificate that is being renewed).
    """
    if loaded.private_key is None:
        raise CertificateUnreadable(
            "No private key found in the certificate files",
            hint="The daemon signs its assertion with the private key: give a PFX that holds it, or --key PATH.",
        )
    problem = entra_key_problem(loaded)
    if problem is not None:
        raise CertificateUnreadable(
            problem,
            hint="Make an RSA 2048 key and certificate: daemon-wizard cert new --subject CN=daemon --out DIR",
        )
    if loaded.key_matches is False:
        raise CertificateUnreadable(
            "The private key does not match the certificate",
            hint="Give the key and the certificate of one pair (`daemon-wizard cert inspect CERT --key KEY`).",
        )
    expired = validity_problem(loaded, now) if check_validity else None
    if expired is not None:
        raise CertificateExpired(
            expired,
            hint="Make a new certificate (daemon-wizard cert new), upload it to the app, and use it.",
        )
    return loaded


def load_reference(
    ref: CertificateRef, *, passphrase: Secret | None = None, check_validity: bool = True
) -> LoadedCredential:
    """A profile's key and certificate files, loaded and checked as Entra would, before any request.

    A PFX stands for the key and the certificate together; --key/--certificate fill what it lacks.
    """
    if not (ref.pfx_path or ref.key_path or ref.cert_path):
        raise CertificateUnreadable(
            "No certificate files given",
            hint="Pass --key PATH and --certificate PATH (or --pfx PATH) for a certificate credential.",
        )
    loaded = load_files(ref.pfx_path, ref.key_path, ref.cert_path, password=passphrase)
    if loaded.private_key is None and ref.pfx_path:
        raise CertificateUnreadable(
            f"The PFX file {ref.pfx_path} holds no private key",
            hint='Export the PFX with its private key (Windows: "Yes, export the private key"), '
            "or give --key PATH.",
        )
    return require_usable(loaded, check_validity=check_validity)
