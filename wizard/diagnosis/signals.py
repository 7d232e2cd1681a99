"""Signals derived once from the evidence, so each rule is a few lines of reasoning."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import Any
from urllib.parse import urlsplit

from wizard.diagnosis.aadsts import AadstsError, parse_aadsts
from wizard.diagnosis.evidence import ApiEvidence, Evidence
from wizard.errors import TokenFormatError
from wizard.guids import GUID_SEARCH, is_guid
from wizard.tokens.claims import numeric_date
from wizard.tokens.decode import decode_token

_APP_IN_TEXT = re.compile(
    r"(?:app(?:lication)?(?:\s*id)?|identifier|client application)\s*'?\s*[:=]?\s*'?"
    r"([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})",
    re.IGNORECASE,
)


_MAX_QUOTE = 300


def clip(text: str, limit: int = _MAX_QUOTE) -> str:
    """A quoted server or client text on one line, at most `limit` characters."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _www_part(header: str, name: str) -> str:
    """One parameter of a WWW-Authenticate header (`error="invalid_token"`), or ''."""
    key = f'{name}="'
    start = header.lower().find(key)
    if start < 0:
        return ""
    start += len(key)
    end = header.find('"', start)
    return header[start:end] if end > start else ""


@dataclass
class Signals:
    """Read-only view over Evidence with the derived facts the rules need."""

    evidence: Evidence

    @cached_property
    def token_error(self) -> AadstsError:
        return parse_aadsts(self.evidence.token_error) if self.evidence.token_error else AadstsError()

    @cached_property
    def client_error(self) -> AadstsError:
        return parse_aadsts(self.evidence.client_error) if self.evidence.client_error else AadstsError()

    @cached_property
    def codes(self) -> frozenset[int]:
        return frozenset(self.token_error.codes) | frozenset(self.client_error.codes)

    @cached_property
    def error_text(self) -> str:
        """Token error and client error, lower-cased, whitespace collapsed."""
        raw = f"{self.token_error.text}\n{self.client_error.text}"
        return " ".join(raw.lower().split())

    @cached_property
    def client_error_text(self) -> str:
        """The client library's (or doctor's) exception text alone, lower-cased."""
        return " ".join(self.evidence.client_error.lower().split())

    def code(self, *codes: int) -> bool:
        return any(c in self.codes for c in codes)

    def says(self, *needles: str) -> bool:
        """True when the token or client error contains any of these (lower-case) phrases."""
        return any(n in self.error_text for n in needles)

    def matches(self, pattern: str) -> re.Match[str] | None:
        """The first match of `pattern` in the error text (none without an error: no regex compiled)."""
        return re.search(pattern, self.error_text) if self.error_text else None

    @property
    def has_token_failure(self) -> bool:
        return bool(self.error_text.strip())

    # -- the token ---------------------------------------------------------------------------
    @cached_property
    def claims(self) -> dict[str, Any] | None:
        if self.evidence.token_claims is not None:
            return self.evidence.token_claims
        if self.evidence.access_token:
            try:
                return decode_token(self.evidence.access_token).claims
            except TokenFormatError:
                return None
        return None

    def claim_str(self, name: str) -> str | None:
        value = (self.claims or {}).get(name)
        return value if isinstance(value, str) else None

    def claim_num(self, name: str) -> float | None:
        value = (self.claims or {}).get(name)
        if isinstance(value, bool):
            return None
        if isinstance(value, (int, float)):
            return numeric_date(value)
        if isinstance(value, str):
            try:
                return numeric_date(float(value))
            except ValueError:
                return None
        return None

    @cached_property
    def roles(self) -> tuple[str, ...] | None:
        """The token's roles; () when the token has none; None when there is no token."""
        if self.claims is None:
            return None
        value = self.claims.get("roles")
        if isinstance(value, str):
            return tuple(value.split())
        if isinstance(value, list):
            return tuple(str(r) for r in value)
        return ()

    @property
    def is_app_token(self) -> bool:
        c = self.claims or {}
        if c.get("idtyp") == "app":
            return True
        if c.get("idtyp") == "user" or "scp" in c:
            return False
        return not any(k in c for k in ("upn", "name", "preferred_username", "unique_name"))

    @property
    def is_delegated_token(self) -> bool:
        return self.claims is not None and not self.is_app_token

    # -- the app and authority ---------------------------------------------------------------
    @cached_property
    def client_id(self) -> str | None:
        cfg = self.evidence.config.client_id
        if cfg:
            return cfg
        for name in ("appid", "azp"):
            value = self.claim_str(name)
            if value and is_guid(value):
                return value
        reg = self.evidence.app_registration or {}
        if isinstance(reg.get("appId"), str):
            return str(reg["appId"])
        for source in (self.token_error.text, self.client_error.text):
            found = _APP_IN_TEXT.search(source)
            if found:
                return found.group(1).lower()
        return None

    @cached_property
    def authority(self) -> str | None:
        cfg = self.evidence.config
        if cfg.authority:
            return cfg.authority.rstrip("/")
        tenant = cfg.tenant or self.claim_str("tid")
        if tenant:
            return f"https://login.microsoftonline.com/{tenant}"
        return None

    @cached_property
    def authority_host(self) -> str:
        if not self.authority or "://" not in self.authority:
            return ""
        try:
            return urlsplit(self.authority).netloc.lower()
        except ValueError:
            return ""

    @cached_property
    def tenant_segment(self) -> str | None:
        """The first path segment of the authority (the tenant position), or the configured tenant."""
        if self.authority and "://" in self.authority:
            try:
                path = urlsplit(self.authority).path
            except ValueError:
                path = ""
            segs = [s for s in path.split("/") if s]
            if segs:
                return segs[0]
        return self.evidence.config.tenant

    @cached_property
    def tenant_id(self) -> str | None:
        seg = self.tenant_segment
        if seg and is_guid(seg):
            return seg.lower()
        tid = self.claim_str("tid")
        return tid.lower() if tid and is_guid(tid) else None

    @property
    def consent_authority(self) -> str:
        if self.authority and "://" in self.authority and self.tenant_segment:
            parts = urlsplit(self.authority)
            return f"{parts.scheme}://{parts.netloc}/{self.tenant_segment}"
        return f"https://login.microsoftonline.com/{self.tenant_id or 'organizations'}"

    def app_blade(self, blade: str) -> str:
        """Deep link to a blade of this app's registration in the Entra admin center, when known."""
        if self.client_id and is_guid(self.client_id):
            return (
                "https://entra.microsoft.com/#view/Microsoft_AAD_RegisteredApps/ApplicationMenuBlade/~/"
                f"{blade}/appId/{self.client_id}"
            )
        return ""

    def guids_in_error(self) -> list[str]:
        return [g.lower() for g in GUID_SEARCH.findall(self.error_text)]

    # -- the API -----------------------------------------------------------------------------
    @property
    def api(self) -> ApiEvidence:
        return self.evidence.api or ApiEvidence()

    @cached_property
    def api_text(self) -> str:
        return " ".join(self.api.text.lower().split())

    def api_says(self, *needles: str) -> bool:
        return any(n in self.api_text for n in needles)

    @property
    def api_failed(self) -> bool:
        status = self.api.status
        return (status is not None and status >= 400) or bool(self.api.status_text)

    @property
    def api_ok(self) -> bool:
        status = self.api.status
        return status is not None and 200 <= status < 300

    @cached_property
    def api_url(self) -> str | None:
        return self.api.url or self.evidence.config.api_url

    @cached_property
    def api_words(self) -> tuple[str, str]:
        """(code, message) as the API itself put them: Graph/ARM `error`, OAuth `error_description`,
        ASP.NET problem details, WWW-Authenticate, or else the start of the body."""
        body = self.api.body_json or {}
        err = body.get("error")
        if isinstance(err, dict):
            code, message = str(err.get("code") or ""), str(err.get("message") or "")
        elif isinstance(err, str):
            code, message = err, str(body.get("error_description") or body.get("message") or "")
        else:
            code = str(body.get("code") or body.get("title") or "")
            message = str(body.get("message") or body.get("detail") or body.get("Message") or "")
        www = self.api.www_authenticate
        code = code or _www_part(www, "error")
        message = message or _www_part(www, "error_description")
        if not code and not message:
            message = self.api.body_text.strip() or (self.api.status_text or "")
        return clip(code), clip(message)
