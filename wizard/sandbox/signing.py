"""The sandbox's token-signing keys, each with a self-signed certificate as Entra's JWKS publishes them."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

if TYPE_CHECKING:
    from wizard.sandbox.keystore import KeyStore

#: The subject of Entra's own token-signing certificates.
SUBJECT = "accounts.accesscontrol.windows.net"
VALIDITY = dt.timedelta(days=5 * 365)
#: How long a kept certificate (a signing key's, a certificate app's) is reused before a start makes a new one.
REUSE_FOR = dt.timedelta(days=30)


@dataclass(frozen=True)
class SigningKey:
    """A token-signing key published in the JWKS; `kid` and `x5t` are its certificate's SHA-1, as on Entra."""

    kid: str
    key: rsa.RSAPrivateKey
    cert: x509.Certificate

    @property
    def x5c(self) -> str:
        """The certificate as `x5c` carries it: standard base64 of the DER."""
        return base64.b64encode(self.cert.public_bytes(serialization.Encoding.DER)).decode()


def _self_signed(key: rsa.RSAPrivateKey) -> x509.Certificate:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, SUBJECT)])
    start = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=1)
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + VALIDITY)
        .sign(key, hashes.SHA256())
    )


def _wrap(key: rsa.RSAPrivateKey, cert: x509.Certificate) -> SigningKey:
    digest = hashlib.sha1(cert.public_bytes(serialization.Encoding.DER)).digest()  # noqa: S324 - x5t is SHA-1
    kid = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    return SigningKey(kid, key, cert)


def new_signing_key(key: rsa.RSAPrivateKey) -> SigningKey:
    """Wrap `key` in a self-signed certificate (signing only: no key is generated here)."""
    return _wrap(key, _self_signed(key))


def reusable(
    data: bytes, key: rsa.RSAPrivateKey, *, made_within: dt.timedelta = REUSE_FOR
) -> x509.Certificate | None:
    """The certificate at the start of `data` when it wraps `key` and was made within `made_within`."""
    try:
        cert = x509.load_pem_x509_certificate(data)
    except ValueError:
        return None
    made = cert.not_valid_before_utc
    fresh = dt.datetime.now(dt.timezone.utc) - made <= made_within + dt.timedelta(days=1)  # backdated 1 day
    return cert if fresh and cert.public_key() == key.public_key() else None


def kept_signing_key(store: KeyStore, purpose: str) -> SigningKey:
    """The key kept for `purpose` in its certificate, both kept: a start signs no certificate (for
    `REUSE_FOR`, then it makes a new one), and the `kid` stays the same from run to run meanwhile."""
    key = store.key(purpose)
    pem = store.derived(
        f"{purpose}:certificate",
        key,
        lambda: _self_signed(key).public_bytes(serialization.Encoding.PEM),
        usable=lambda data: reusable(data, key) is not None,
    )
    return _wrap(key, x509.load_pem_x509_certificate(pem))
