"""The sandbox's token-signing keys, each with a self-signed certificate as Entra's JWKS publishes them."""

from __future__ import annotations

import base64
import datetime as dt
import functools
import hashlib
from typing import TYPE_CHECKING

from wizard.sandbox.cert_facts import cert_facts, certificate_der, public_digest
from wizard.sandbox.records import Record

if TYPE_CHECKING:
    from cryptography import x509
    from cryptography.hazmat.primitives.asymmetric import rsa

    from wizard.sandbox.keystore import KeyStore

#: The subject of Entra's own token-signing certificates.
SUBJECT = "accounts.accesscontrol.windows.net"
VALIDITY = dt.timedelta(days=5 * 365)
#: How long a kept certificate (a signing key's, a certificate app's) is reused before a start makes a new one.
REUSE_FOR = dt.timedelta(days=30)


class SigningKey(Record, frozen=True, dict=True):
    """A token-signing key published in the JWKS; `kid` and `x5t` are its certificate's SHA-1, as on Entra.

    The certificate is kept as DER; `cert` parses it (cryptography's x509) only for the few who need it."""

    kid: str
    key: rsa.RSAPrivateKey
    der: bytes

    @property
    def x5c(self) -> str:
        """The certificate as `x5c` carries it: standard base64 of the DER."""
        return base64.b64encode(self.der).decode()

    @functools.cached_property
    def cert(self) -> x509.Certificate:
        from cryptography import x509

        return x509.load_der_x509_certificate(self.der)


def _self_signed(key: rsa.RSAPrivateKey) -> x509.Certificate:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.x509.oid import NameOID

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


def _wrap(key: rsa.RSAPrivateKey, der: bytes) -> SigningKey:
    digest = hashlib.sha1(der).digest()  # noqa: S324 - x5t is SHA-1
    kid = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    return SigningKey(kid, key, der)


def new_signing_key(key: rsa.RSAPrivateKey) -> SigningKey:
    """Wrap `key` in a self-signed certificate (signing only: no key is generated here)."""
    from cryptography.hazmat.primitives.serialization import Encoding

    return _wrap(key, _self_signed(key).public_bytes(Encoding.DER))


def reusable(
    data: bytes,
    key: rsa.RSAPrivateKey,
    *,
    made_within: dt.timedelta = REUSE_FOR,
    store: KeyStore | None = None,
) -> bytes | None:
    """The DER of the certificate at the start of `data` when it wraps `key` and was made within
    `made_within`; its facts are kept in `store`'s folder (wizard.sandbox.cert_facts), else worked out."""
    from wizard.sandbox.cert_facts import parse_facts

    der = certificate_der(data)
    if der is None:
        return None
    facts = cert_facts(store.folder, data) if store is not None else parse_facts(der, data)
    if facts is None:
        return None
    made = facts.not_before
    fresh = dt.datetime.now(dt.timezone.utc) - made <= made_within + dt.timedelta(days=1)  # backdated 1 day
    return der if fresh and facts.public_sha256 == public_digest(key.public_key()) else None


def kept_signing_key(store: KeyStore, purpose: str) -> SigningKey:
    """The key kept for `purpose` in its certificate, both kept: a start signs no certificate (for
    `REUSE_FOR`, then it makes a new one), and the `kid` stays the same from run to run meanwhile."""
    from wizard.sandbox.cert_facts import certificate_pem

    key = store.key(purpose)

    def make() -> bytes:
        from cryptography.hazmat.primitives.serialization import Encoding

        pem = _self_signed(key).public_bytes(Encoding.PEM)
        cert_facts(store.folder, pem)  # kept now, while x509 is loaded: the next start parses nothing
        return pem

    pem = store.derived(
        f"{purpose}:certificate", key, make, usable=lambda data: reusable(data, key, store=store) is not None
    )
    der = certificate_der(certificate_pem(pem) or b"")
    if der is None:  # pragma: no cover - `derived` returns only what `usable` accepted or `make` made
        raise ValueError("no certificate in the kept signing certificate")
    return _wrap(key, der)
