"""The one redactor: every known secret value and every secret-shaped text is masked before anyone sees it.

Two kinds of knowledge meet here:
- values: every `Secret` the process holds registers itself (`remember`), so an echo of the client
  secret, a passphrase or an issued token is masked wherever it turns up (a server's error text, a
  correlation id, a file being replaced);
- shapes: an Entra client secret (`abc8Q~…`), a JWT, a PEM private key, and, inside a config text, the
  value of a secret-ish key (`ClientSecret`, `AZURE_CLIENT_SECRET=`, `password:`) that is not a
  placeholder.

`redact_text` is what the CLI's one output exit (wizard.cli.output) and the error constructors
(wizard.errors) call; `mask_config_text` is what the export diff calls. `terminal_safe` escapes control
characters so text read from a file never drives the terminal.
"""

from __future__ import annotations

import math
import re
import threading
from collections import Counter
from collections.abc import Iterable
from typing import Final

from wizard.guids import normalise_guid
from wizard.placeholders import find_placeholder
from wizard.secret import mask

#: Shorter values are not remembered: masking a 3-letter value everywhere would garble every message.
MIN_REMEMBERED: Final = 6

#: Today's Entra client secret: three characters (the hint Graph shows), a digit, `Q~`, then 31 or more.
#: Matched a little wider (2 to 4 leading characters, 20 or more after `Q~`) so a secret cut short or
#: quoted with one character lost is still caught; `Q~` after a digit is rare enough in other text.
ENTRA_SECRET: Final = re.compile(r"(?<![A-Za-z0-9_.~-])[A-Za-z0-9_.~-]{2,4}\dQ~[A-Za-z0-9_.~-]{20,}")
JWT: Final = re.compile(r"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*")
#: A PEM block whose label says it holds a key (PRIVATE KEY, ENCRYPTED PRIVATE KEY, RSA PRIVATE KEY…),
#: on real lines or JSON-escaped on one line.
PEM_KEY: Final = re.compile(
    r"-----BEGIN (?P<label>[A-Z0-9 ]*(?:PRIVATE|ENCRYPTED)[A-Z0-9 ]*)-----.*?-----END (?P=label)-----",
    re.DOTALL,
)
#: A PEM block that starts but is cut off (a diff line, a truncated body).
PEM_KEY_START: Final = re.compile(r"-----BEGIN [A-Z0-9 ]*(?:PRIVATE|ENCRYPTED)[A-Z0-9 ]*-----\S*")

#: Key names whose values are credentials, in any config syntax (JSON, TOML, .env, YAML, properties).
_SECRET_KEY_WORDS: Final = (
    "secret",
    "password",
    "passphrase",
    "passwd",
    "pwd",
    "token",
    "assertion",
    "privatekey",
    "private_key",
    "private-key",
    "apikey",
    "api_key",
    "credential_value",
)
_ASSIGNMENT: Final = re.compile(
    r"""(?P<key>["']?(?P<name>[A-Za-z0-9_.\-]*(?:"""
    + "|".join(re.escape(w) for w in _SECRET_KEY_WORDS)
    + r""")[A-Za-z0-9_.\-]*)["']?)(?P<sep>\s*[:=]\s*)(?P<quote>["']?)(?P<value>(?:\\.|[^"'\s,;}\\])+)""",
    re.IGNORECASE,
)
#: Key names that contain a secret word but hold a reference, not a credential (a path, an URL, a kind).
_NOT_A_VALUE_KEY: Final = re.compile(
    r"(file|path|endpoint|url|uri|kind|type|source|env|hint|name|id|expir|lifetime|credential)$", re.I
)

_CONTROL: Final = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")

#: What `mask()` prints: a value read back from a masked snippet is not a secret (and masking it again
#: would garble every later mask).
_MASKED: Final = re.compile(r"^[^…]{0,3}…{1,3}[^…]{0,3}$")

_THUMBPRINT: Final = re.compile(r"^(?:[0-9A-Fa-f]{40}|[0-9A-Fa-f]{64})$")

_lock = threading.Lock()
_known: set[str] = set()


def _is_placeholder(value: str) -> bool:
    return find_placeholder(value) is not None


def rememberable(value: str) -> bool:
    """A value worth masking everywhere: long enough, not a GUID or a thumbprint (an identifier put in
    the wrong field), not a placeholder the samples ship with, not an already masked value."""
    text = value.strip()
    if len(text) < MIN_REMEMBERED or normalise_guid(text) is not None or _MASKED.match(text):
        return False
    if "://" in text:  # a URL in the secret field is a mistake to point out, not a secret
        return False
    if _THUMBPRINT.match(text):  # a certificate thumbprint in the secret field: public, shown on purpose
        return False
    return not _is_placeholder(text)


def remember(value: str) -> None:
    """Register a secret value (the `Secret` constructor calls this) so every later message masks it."""
    if value and rememberable(value):
        with _lock:
            _known.add(value)
            stripped = value.strip()
            if stripped != value:
                _known.add(stripped)


def forget_all() -> None:
    """Forget every remembered value (tests: one test's secrets must not mask the next test's text)."""
    with _lock:
        _known.clear()


def known_count() -> int:
    """How many values are remembered (for tests and diagnostics; never the values)."""
    with _lock:
        return len(_known)


def shannon_bits(value: str) -> float:
    """Entropy per character: random secrets are above ~3.5, words and paths below."""
    if not value:
        return 0.0
    counts = Counter(value)
    total = len(value)
    return -sum(n / total * math.log2(n / total) for n in counts.values())


def looks_secret(value: str) -> bool:
    """True for a value shaped like a credential: an Entra secret, a JWT or a PEM private key."""
    text = value.strip()
    return bool(ENTRA_SECRET.search(text) or JWT.search(text) or PEM_KEY_START.search(text))


def shown(value: str) -> str:
    """A value quoted for a message (`'abc'`), or masked when it looks like a secret."""
    return mask(value.strip()) if looks_secret(value) or _is_known(value) else repr(value)


def _is_known(value: str) -> bool:
    with _lock:
        return value in _known or value.strip() in _known


def redact_text(text: str, *, extra: Iterable[str] = ()) -> str:
    """Mask every remembered secret (and `extra` ones), then every secret-shaped run of text."""
    if not text:
        return text
    with _lock:
        values = set(_known)
    values.update(v for v in extra if v and len(v) >= 4)
    for value in sorted(values, key=len, reverse=True):
        if value in text:
            text = text.replace(value, mask(value))
    text = PEM_KEY.sub(lambda m: f"-----BEGIN {m.group('label')}----- (masked)", text)
    text = PEM_KEY_START.sub(lambda m: mask(m.group(0), keep=5), text)
    text = JWT.sub(lambda m: mask(m.group(0)), text)
    return ENTRA_SECRET.sub(lambda m: mask(m.group(0)), text)


def _secret_assignment_value(name: str, value: str) -> bool:
    """Whether the value of a secret-ish key is a credential worth masking (not a placeholder or a ref)."""
    plain = value.strip().strip("\"'")
    if "…" in plain:  # already masked
        return False
    if len(plain) < MIN_REMEMBERED or _NOT_A_VALUE_KEY.search(name.strip("\"'")):
        return False
    if _is_placeholder(plain) or plain.lower() in {"true", "false", "null", "none"}:
        return False
    return looks_secret(plain) or shannon_bits(plain) >= 2.5 or len(plain) >= 12


def mask_assignments(text: str) -> str:
    """Mask the value of every secret-ish key (`"ClientSecret": "…"`, `AZURE_CLIENT_SECRET=…`)."""

    def apply(m: re.Match[str]) -> str:
        value = m.group("value")
        if not _secret_assignment_value(m.group("name"), value):
            return m.group(0)
        return f"{m.group('key')}{m.group('sep')}{m.group('quote')}{mask(value)}"

    return _ASSIGNMENT.sub(apply, text)


def mask_config_text(text: str, *, known: Iterable[str] = ()) -> str:
    """A config file's text fit for a diff on screen: values, shapes and secret-ish keys all masked."""
    return mask_assignments(redact_text(text, extra=known))


def terminal_safe(text: str) -> str:
    """Control characters (ESC, BEL, CR, C1, bidi overrides) as visible escapes; newlines and tabs stay."""
    return _CONTROL.sub(lambda m: m.group(0).encode("unicode_escape").decode("ascii"), text)


__all__ = [
    "ENTRA_SECRET",
    "JWT",
    "PEM_KEY",
    "forget_all",
    "known_count",
    "looks_secret",
    "mask_assignments",
    "mask_config_text",
    "redact_text",
    "remember",
    "rememberable",
    "shannon_bits",
    "shown",
    "terminal_safe",
]
