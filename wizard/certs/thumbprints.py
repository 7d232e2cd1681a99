"""Certificate thumbprints as the portal shows them and as JWT headers carry them."""

from __future__ import annotations

import base64
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


@dataclass(frozen=True)
class Thumbprints:
    """SHA-1 (portal, `x5t`) and SHA-256 (`x5t#S256`) fingerprints of a certificate's DER bytes."""

    sha1_hex: str
    sha256_hex: str
    x5t: str
    x5t_s256: str

    def to_dict(self) -> dict[str, str]:
        return {"sha1": self.sha1_hex, "sha256": self.sha256_hex, "x5t": self.x5t, "x5t#S256": self.x5t_s256}


def thumbprints(cert: x509.Certificate) -> Thumbprints:
    sha1 = cert.fingerprint(hashes.SHA1())  # noqa: S303 - the portal's thumbprint is SHA-1 by definition
    sha256 = cert.fingerprint(hashes.SHA256())
    return Thumbprints(sha1.hex().upper(), sha256.hex().upper(), b64url(sha1), b64url(sha256))
