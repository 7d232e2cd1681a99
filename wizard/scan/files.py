"""Detectors over key and certificate files: a PFX that opens without a password, certificates that have
expired or expire soon. Read through the project's one certificate loader."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from wizard.certs.load import LoadedCredential
from wizard.errors import WizardError
from wizard.scan.model import ScanResult
from wizard.scan.rules import CERT_EXPIRED, CERT_EXPIRING, PFX_NO_PASSWORD

PFX_SUFFIXES = (".pfx", ".p12")
CERT_SUFFIXES = (".cer", ".crt", ".pem", ".der")


def _load(data: bytes) -> LoadedCredential | None:
    """The loaded credential, or None when the bytes are not one (or need a password)."""
    from wizard.certs.load import load_bytes

    try:
        return load_bytes(data)
    except (WizardError, ValueError, TypeError):
        return None


def scan_key_file(rel: str, data: bytes, *, now: dt.datetime, expiring_days: int) -> Iterator[ScanResult]:
    """Results for one .pfx/.p12/.cer/.crt/.pem/.der file."""
    lower = rel.lower()
    if lower.endswith(".pem") and b"-----BEGIN" not in data:
        return  # a .pem is text; .cer/.crt/.der may be DER
    loaded = _load(data)
    if loaded is None:
        return
    key, cert = loaded.private_key, loaded.certificate
    if lower.endswith(PFX_SUFFIXES) and key is not None:
        yield ScanResult(PFX_NO_PASSWORD, rel, "the PFX opens without a password and holds a private key")
    if cert is None:
        return
    not_after: dt.datetime = cert.not_valid_after_utc
    subject = cert.subject.rfc4514_string() or "(no subject)"
    days = (not_after - now).total_seconds() / 86400
    when = not_after.date().isoformat()
    data_out = {"subject": subject, "not_after": not_after.isoformat()}
    if days < 0:
        yield ScanResult(CERT_EXPIRED, rel, f"certificate {subject} expired on {when}", data=data_out)
    elif days <= expiring_days:
        yield ScanResult(
            CERT_EXPIRING,
            rel,
            f"certificate {subject} expires on {when} (in {int(days)} days)",
            data=data_out,
        )
