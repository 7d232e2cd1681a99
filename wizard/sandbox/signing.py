"""The sandbox's token-signing keys, each with a self-signed certificate as Entra's JWKS publishes them."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

#: The subject of Entra's own token-signing certificates.
SUBJECT = "accounts.accesscontrol.windows.net"
VALIDITY = dt.timedelta(days=5 * 365)


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


def new_signing_key(key: rsa.RSAPrivateKey) -> SigningKey:
    """Wrap `key` in a self-signed certificate (signing only: no key is generated here)."""
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, SUBJECT)])
    start = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=1)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + VALIDITY)
        .sign(key, hashes.SHA256())
    )
    digest = hashlib.sha1(cert.public_bytes(serialization.Encoding.DER)).digest()  # noqa: S324 - x5t is SHA-1
    kid = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    return SigningKey(kid, key, cert)
