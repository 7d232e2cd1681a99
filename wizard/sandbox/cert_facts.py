"""What a sandbox start needs to know of a certificate it keeps, without parsing the certificate every time.

A warm start reuses the CA, the server certificate, the token-signing and issuer certificates and every
certificate app's. Checking each (how long it is valid, which key it wraps) meant importing cryptography's
x509 package and parsing them all: about a fifth of a warm `doctor --sandbox` (issue 12). Now those facts
are worked out once, with x509, and kept as JSON in the sandbox folder under the SHA-256 of the file's
bytes: a file that changes has other facts, never stale ones. The DER and the thumbprints come from the PEM
text itself (base64 and hashlib).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from wizard.sandbox.keystore import private_folder, write_atomic
from wizard.sandbox.pem_keys import spki_der

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.types import PublicKeyTypes

_BEGIN, _END = b"-----BEGIN CERTIFICATE-----", b"-----END CERTIFICATE-----"
#: Facts not written for this long belong to certificates long replaced (kept ones are remade monthly).
_STALE = dt.timedelta(days=90)
_KEY_MARK = b"PRIVATE KEY-----"


class CertFacts(NamedTuple):
    """A certificate's DER, validity (UTC), subject (RFC 4514), its public key's SHA-256 and, for a file
    holding a private key too, whether that key is the certificate's (None when the file holds none)."""

    der: bytes
    not_before: dt.datetime
    not_after: dt.datetime
    subject: str
    public_sha256: str
    key_matches: bool | None

    @property
    def sha1_hex(self) -> str:
        """The portal's thumbprint: SHA-1 of the DER, upper-case hex."""
        return hashlib.sha1(self.der).hexdigest().upper()  # noqa: S324 - the portal's thumbprint is SHA-1

    @property
    def sha256_hex(self) -> str:
        return hashlib.sha256(self.der).hexdigest().upper()


def certificate_pem(data: bytes) -> bytes | None:
    """The first certificate of a PEM file (a bundle may hold a key before it), with its final newline."""
    start = data.find(_BEGIN)
    end = data.find(_END, start)
    if start < 0 or end < 0:
        return None
    return data[start : end + len(_END)] + b"\n"


def certificate_der(data: bytes) -> bytes | None:
    """The DER of the first certificate of a PEM file, or None when it holds none."""
    pem = certificate_pem(data)
    if pem is None:
        return None
    try:
        return base64.b64decode(b"".join(pem.splitlines()[1:-1]), validate=True)
    except (binascii.Error, ValueError):
        return None


def public_digest(public: PublicKeyTypes) -> str:
    """SHA-256 of a public key's SubjectPublicKeyInfo: how a certificate and a key are matched."""
    return hashlib.sha256(spki_der(public)).hexdigest()


def cert_facts(folder: Path, data: bytes) -> CertFacts | None:
    """The facts of the first certificate in `data`, kept under `folder/facts`; None when it holds none."""
    der = certificate_der(data)
    if der is None:
        return None
    path = private_folder(folder / "facts") / f"{hashlib.sha256(data).hexdigest()[:40]}.json"
    try:
        kept = json.loads(path.read_text(encoding="utf-8"))
        return CertFacts(
            der,
            dt.datetime.fromtimestamp(kept["not_before"], dt.timezone.utc),
            dt.datetime.fromtimestamp(kept["not_after"], dt.timezone.utc),
            str(kept["subject"]),
            str(kept["public_sha256"]),
            kept["key_matches"] if kept["key_matches"] in (True, False) else None,
        )
    except (OSError, ValueError, KeyError, TypeError, OverflowError):
        pass
    facts = parse_facts(der, data)
    if facts is not None:
        _prune(path.parent)
        entry = {
            "not_before": facts.not_before.timestamp(),
            "not_after": facts.not_after.timestamp(),
            "subject": facts.subject,
            "public_sha256": facts.public_sha256,
            "key_matches": facts.key_matches,
        }
        write_atomic(path, json.dumps(entry).encode(), private=True, durable=False)
    return facts


def _prune(folder: Path) -> None:
    """Remove the facts of certificates replaced long ago (only when new facts are written: rarely)."""
    oldest = (dt.datetime.now(dt.timezone.utc) - _STALE).timestamp()
    for kept in folder.glob("*.json"):
        try:
            if kept.stat().st_mtime < oldest:
                kept.unlink()
        except OSError:  # another start removed it first
            continue


def parse_facts(der: bytes, data: bytes) -> CertFacts | None:
    """The facts worked out from the certificate itself (cryptography's x509), and the key beside it."""
    from cryptography import x509

    from wizard.sandbox.keystore import load_any_key

    try:
        cert = x509.load_der_x509_certificate(der)
    except ValueError:
        return None
    public = public_digest(cert.public_key())
    matches: bool | None = None
    if _KEY_MARK in data:
        key = load_any_key(data)
        matches = key is not None and public_digest(key.public_key()) == public
    subject = cert.subject.rfc4514_string()
    return CertFacts(der, cert.not_valid_before_utc, cert.not_valid_after_utc, subject, public, matches)
