"""Detectors over a file's text: Entra client secrets, private keys, TLS verification turned off.

An Entra client secret today is three characters, a digit, `Q~`, then 31 to 34 more; its first three
characters are the `hint` Graph shows in `passwordCredentials`, so a secret found here can be matched to
its key in the app registration without revealing it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from wizard.scan.model import Level, ScanResult
from wizard.scan.rules import ENTRA_SECRET, PRIVATE_KEY, TLS_DISABLED
from wizard.secret import mask

ENTRA_SECRET_RE = re.compile(
    r"(?<![A-Za-z0-9_~.\-])([A-Za-z0-9_~.\-]{3}\dQ~[A-Za-z0-9_~.\-]{31,34})(?![A-Za-z0-9_~.\-])"
)
_PEM_KEY = re.compile(r"-----BEGIN ((?:RSA |EC |DSA |OPENSSH |ENCRYPTED )?PRIVATE KEY)-----")
_TLS_OFF = re.compile(r"NODE_TLS_REJECT_UNAUTHORIZED\s*[=:]\s*[\"']?0\b")


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def scan_text(rel: str, text: str) -> Iterator[ScanResult]:
    """Results for one file's text. Cheap substring checks first: most files hold none of these."""
    if "Q~" in text:
        for match in ENTRA_SECRET_RE.finditer(text):
            value = match.group(1)
            line, column = _position(text, match.start(1))
            yield ScanResult(
                ENTRA_SECRET,
                rel,
                f"Entra client secret {mask(value)} (hint {value[:3]})",
                line,
                column,
                data={"masked": mask(value), "hint": value[:3]},
            )
    if "PRIVATE KEY-----" in text:
        for match in _PEM_KEY.finditer(text):
            kind = match.group(1)
            line, column = _position(text, match.start())
            encrypted = kind.startswith("ENCRYPTED")
            yield ScanResult(
                PRIVATE_KEY,
                rel,
                f"{'an encrypted' if encrypted else 'an unencrypted'} {kind.lower()}"
                + (" (still keep it out of the repository)" if encrypted else ""),
                line,
                column,
                level=Level.WARNING if encrypted else None,
                data={"encrypted": encrypted},
            )
    if "NODE_TLS_REJECT_UNAUTHORIZED" in text:
        for match in _TLS_OFF.finditer(text):
            line, column = _position(text, match.start())
            yield ScanResult(
                TLS_DISABLED, rel, "NODE_TLS_REJECT_UNAUTHORIZED=0 turns off TLS verification", line, column
            )
