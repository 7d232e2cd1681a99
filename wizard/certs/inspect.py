"""What `cert inspect` reports about a certificate (and its key): validity, key, thumbprints, key match."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from wizard.certs.load import (
    LoadedCredential,
    entra_key_problem,
    load_bytes,
    load_files,
    read_file,
    validity_problem,
)
from wizard.certs.thumbprints import Thumbprints
from wizard.errors import CertificateUnreadable
from wizard.secret import Secret


@dataclass(frozen=True)
class CertificateInfo:
    """Everything `cert inspect` reports."""

    subject: str
    issuer: str
    self_signed: bool
    not_before: dt.datetime
    not_after: dt.datetime
    days_left: int
    expired: bool
    key_type: str
    key_size: int | None
    thumbprints: Thumbprints
    has_private_key: bool
    key_matches: bool | None
    problems: tuple[str, ...]
    #: The diagnosis codes of the problems (`certificate-expired`, `certificate-unreadable`).
    codes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        return {
            "subject": self.subject,
            "issuer": self.issuer,
            "self_signed": self.self_signed,
            "not_before": self.not_before.isoformat(),
            "not_after": self.not_after.isoformat(),
            "days_left": self.days_left,
            "expired": self.expired,
            "key_type": self.key_type,
            "key_size": self.key_size,
            "thumbprints": self.thumbprints.to_dict(),
            "has_private_key": self.has_private_key,
            "key_matches": self.key_matches,
            "problems": list(self.problems),
            "codes": list(self.codes),
        }


def load_credential_material(data: bytes, *, password: Secret | None = None) -> LoadedCredential:
    """Key and/or certificate from bytes (kept for callers of the old name; see wizard.certs.load)."""
    return load_bytes(data, password=password)


def describe(loaded: LoadedCredential, *, now: dt.datetime | None = None) -> CertificateInfo:
    """The report for a loaded certificate (and key, when loaded with it)."""
    cert = loaded.certificate
    prints = loaded.thumbprints
    if cert is None or prints is None:
        raise CertificateUnreadable(
            "The file holds a private key but no certificate", hint="Inspect the certificate file."
        )
    moment = now or dt.datetime.now(dt.timezone.utc)
    days_left = (cert.not_valid_after_utc - moment).days
    problems: list[tuple[str, str]] = []
    key_problem = entra_key_problem(loaded)
    if key_problem:
        problems.append((key_problem, "certificate-unreadable"))
    expired = validity_problem(loaded, moment)
    if expired:
        problems.append((expired, "certificate-expired"))
    elif days_left < 30:
        problems.append((f"The certificate expires in {days_left} days; upload a new one before then.", ""))
    if loaded.key_matches is False:
        problems.append(("The private key does not belong to this certificate.", "certificate-unreadable"))
    return CertificateInfo(
        subject=cert.subject.rfc4514_string(),
        issuer=cert.issuer.rfc4514_string(),
        self_signed=cert.issuer == cert.subject,
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        days_left=days_left,
        expired=moment > cert.not_valid_after_utc,
        key_type=loaded.key_type or "unknown",
        key_size=loaded.key_size,
        thumbprints=prints,
        has_private_key=loaded.private_key is not None,
        key_matches=loaded.key_matches,
        problems=tuple(text for text, _ in problems),
        codes=tuple(dict.fromkeys(code for _, code in problems if code)),
    )


def inspect_certificate(
    path: str | Path,
    *,
    key_path: str | Path | None = None,
    password: Secret | None = None,
    now: dt.datetime | None = None,
) -> CertificateInfo:
    """Subject, validity, key, thumbprints and key match for a certificate file (PEM, DER or PFX)."""
    loaded = load_bytes(read_file(path), password=password)
    if loaded.certificate is None:
        raise CertificateUnreadable(
            f"{path} holds a private key but no certificate", hint="Inspect the certificate file."
        )
    if key_path is not None:
        key = load_files(key_path, password=password).private_key
        if key is None:
            raise CertificateUnreadable(f"{key_path} holds no private key", hint="Give the private key file.")
        loaded = LoadedCredential(key, loaded.certificate, loaded.chain, loaded.key_encrypted)
    return describe(loaded, now=now)
