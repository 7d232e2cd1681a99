"""The evidence model: typed, every part optional, tolerant of wrong types (themselves evidence)."""

from __future__ import annotations

import json
import re
import time
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import urlsplit

from wizard.diagnosis.evidence_customer import CustomerEvidence, customer_evidence


@dataclass(frozen=True)
class ConfigEvidence:
    """What the daemon was configured with."""

    tenant_type: str | None = None
    authority: str | None = None
    tenant: str | None = None
    client_id: str | None = None
    credential_type: str | None = None
    #: The scopes as a list; None when not given at all.
    scopes: tuple[str, ...] | None = None
    #: True when the scopes were given as one string instead of a list.
    scopes_is_string: bool = False
    api_url: str | None = None
    resource: str | None = None


@dataclass(frozen=True)
class ApiEvidence:
    """What the web API answered."""

    method: str | None = None
    url: str | None = None
    status: int | None = None
    status_text: str | None = None
    body_text: str = ""
    body_json: dict[str, Any] | None = None
    www_authenticate: str = ""

    @property
    def path(self) -> str:
        if not self.url:
            return ""
        return urlsplit(self.url).path if "://" in self.url else self.url.split("?", 1)[0]

    @property
    def host(self) -> str:
        return urlsplit(self.url).netloc.lower() if self.url and "://" in self.url else ""

    @property
    def error_code(self) -> str:
        """Graph's `error.code` (e.g. Authorization_RequestDenied), or ''."""
        err = (self.body_json or {}).get("error")
        if isinstance(err, dict) and isinstance(err.get("code"), str):
            return str(err["code"])
        return err if isinstance(err, str) else ""

    @property
    def text(self) -> str:
        """Everything the API said, as one string to search."""
        return f"{self.body_text}\n{self.www_authenticate}\n{self.status_text or ''}"

    def to_dict(self) -> dict[str, Any]:
        """The `api` part of an evidence document (what `explain` reads back)."""
        data: dict[str, Any] = {}
        if self.url:
            data["request"] = f"{self.method} {self.url}" if self.method else self.url
        data["status"] = self.status if self.status is not None else self.status_text
        data["body"] = self.body_json if self.body_json is not None else self.body_text
        if self.www_authenticate:
            data["www_authenticate"] = self.www_authenticate
        return data


@dataclass(frozen=True)
class Evidence:
    """Everything known about one failed (or successful) attempt."""

    config: ConfigEvidence = field(default_factory=ConfigEvidence)
    token_error: object = None
    token_status: int | None = None
    client_error: str = ""
    access_token: str | None = None
    token_claims: dict[str, Any] | None = None
    api: ApiEvidence | None = None
    app_registration: dict[str, Any] | None = None
    service_principal: dict[str, Any] | None = None
    client_assertion: object = None
    #: A multi-tenant daemon checked in a customer's tenant (wizard.customers); None otherwise.
    customer: CustomerEvidence | None = None
    now: float = field(default_factory=time.time)
    #: False when `now` was not in the evidence (the wall clock is used; claims may be from long ago).
    now_given: bool = False
    #: Parts that had a type we could not use (name -> type name), for the record.
    oddities: tuple[str, ...] = ()

    def to_dict(self, *, with_token: bool = False) -> dict[str, Any]:
        """The evidence document (the format `explain` reads); the raw access token only when asked."""
        config = {k: v for k, v in asdict(self.config).items() if v is not None and k != "scopes_is_string"}
        if self.config.scopes is not None:
            scopes = list(self.config.scopes)
            config["scopes"] = " ".join(scopes) if self.config.scopes_is_string else scopes
        parts: dict[str, Any] = {
            "config": config,
            "token_error": self.token_error,
            "token_status": self.token_status,
            "client_error": self.client_error or None,
            "access_token": self.access_token if with_token else None,
            "token_claims": self.token_claims,
            "api": self.api.to_dict() if self.api is not None else None,
            "app_registration": self.app_registration,
            "service_principal": self.service_principal,
            "client_assertion": self.client_assertion,
            "customer": self.customer.to_dict() if self.customer is not None else None,
            "now": int(self.now) if self.now_given else None,
        }
        return {k: v for k, v in parts.items() if v is not None}


def _str(value: object) -> str | None:
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return None


def _int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value == value and abs(value) < 1e12:
        return int(value)
    if isinstance(value, str):
        head = value.strip().split(" ", 1)[0]
        return int(head) if head.isdigit() and len(head) <= 4 else None
    return None


def _as_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value, default=str)
    except (TypeError, ValueError, RecursionError):
        return str(value)


def _dict(value: object) -> dict[str, Any] | None:
    if isinstance(value, dict):
        return {str(k): v for k, v in value.items()}
    if isinstance(value, str) and value.strip().startswith("{"):
        try:
            loaded = json.loads(value)
        except (ValueError, RecursionError):
            return None
        return _dict(loaded)
    return None


def _config(value: object) -> ConfigEvidence:
    data = _dict(value) or {}
    raw_scopes = data.get("scopes", data.get("scope"))
    scopes: tuple[str, ...] | None = None
    is_string = False
    if isinstance(raw_scopes, str):
        is_string = "scopes" in data
        scopes = tuple(s for s in raw_scopes.replace(",", " ").split() if s)
    elif isinstance(raw_scopes, (list, tuple)):
        scopes = tuple(str(s).strip() for s in raw_scopes if isinstance(s, (str, int)) and str(s).strip())
    return ConfigEvidence(
        tenant_type=_str(data.get("tenant_type")),
        authority=_str(data.get("authority")),
        tenant=_str(data.get("tenant") or data.get("tenant_id")),
        client_id=_str(data.get("client_id")),
        credential_type=_str(data.get("credential_type")),
        scopes=scopes,
        scopes_is_string=is_string,
        api_url=_str(data.get("api_url")),
        resource=_str(data.get("resource")),
    )


def _api(value: object) -> ApiEvidence | None:
    if value is None:
        return None
    data = _dict(value)
    if data is None:  # a bare text: the API's answer as pasted
        return ApiEvidence(body_text=_as_text(value))
    request = _str(data.get("request")) or ""
    method, url = None, _str(data.get("url"))
    if request:
        head, _, rest = request.partition(" ")
        if rest and head.isalpha() and head.upper() == head:
            method, url = head, rest.strip()
        else:
            url = url or request
    method = method or _str(data.get("method"))
    raw_status = data.get("status")
    status = _int(raw_status)
    body = data.get("body")
    body_json = _dict(body)
    www = data.get("www_authenticate") or data.get("WWW-Authenticate") or ""
    return ApiEvidence(
        method=method.upper() if method else None,
        url=url,
        status=status if status is not None and 100 <= status <= 599 else None,
        status_text=_as_text(raw_status) if status is None and raw_status is not None else None,
        body_text=_as_text(body),
        body_json=body_json,
        www_authenticate=_as_text(www),
    )


def _now(value: object, *, default: float | None = None) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 < value < 1e11:
        return float(value)
    return time.time() if default is None else default


# What a web API (Graph, an ASP.NET API) says, as opposed to the token endpoint (AADSTS...).
_API_ANSWERS: tuple[tuple[re.Pattern[str], int], ...] = (
    (
        re.compile(
            r"Authorization_RequestDenied|Insufficient privileges|ErrorAccessDenied|Access is denied", re.I
        ),
        403,
    ),
    (re.compile(r"/me request is only valid with delegated", re.I), 400),
    (
        re.compile(
            r"InvalidAuthenticationToken|Access token validation failure|Access token has expired", re.I
        ),
        401,
    ),
    (re.compile(r"\bIDX10\d{3}\b|Bearer error=|invalid_token", re.I), 401),
    (
        re.compile(
            r"obtained for (?:the )?wrong audience|\b(?:invalid|wrong) audience\b|audience validation failed"
            r"|\bAKV10\d{3}\b|jwt audience invalid",
            re.I,
        ),
        401,
    ),
    # Azure services beyond the token, raw or as the Azure SDKs wrap them (HttpResponseError & co.).
    (
        re.compile(
            r"AuthorizationFailed|does not have authorization to perform action|ForbiddenByRbac|"
            r"Caller is not authorized to perform action on resource|does not have \w+ \w+ permission on key "
            r"vault|AuthorizationPermissionMismatch|Blocked by tenant configured AppOnly AccessPolicy|"
            r"Access to OData is disabled|is missing prv\w+ privilege|0x80072560",
            re.I,
        ),
        403,
    ),
    (re.compile(r"PowerBINotAuthorizedException|API is not accessible for application", re.I), 401),
    # Graph's refusals of a registration write (register apply, the portal, az ad app ...).
    (
        re.compile(
            r"Request_MultipleObjectsWithSameKeyValue|issuer and subject combination already exists|"
            r"maximum of \d+ federated identity credentials|property 'name' of resource "
            r"'FederatedIdentityCredential'|CredentialTypeNotAllowedAsPerAppPolicy|"
            r"CredentialInvalidLifetimeAsPerAppPolicy|HostNameNotOnVerifiedDomain|"
            r"same value for property uniqueName",
            re.I,
        ),
        400,
    ),
    (
        re.compile(
            r"Unsupported app only token|'(?:Send|Listen|Manage)' claim\(s\) (?:are|is) required", re.I
        ),
        401,
    ),
)
#: Answers that are not HTTP (a database driver): API evidence without a status.
_NON_HTTP_ANSWERS = re.compile(r"token-identified principal|is not a member of the organization", re.I)
_ENV_CREDENTIAL = re.compile(r"EnvironmentCredential:\s*(.+?)(?=\n\s*\w+Credential:|\Z)", re.S)


def _daemon_part(text: str) -> str:
    """From DefaultAzureCredential's chained message, the EnvironmentCredential's part: the daemon's own
    credential (the others, managed identity and developer tools, fail on any machine they do not fit)."""
    if "DefaultAzureCredential" not in text and "ChainedTokenCredential" not in text:
        return text
    found = _ENV_CREDENTIAL.search(text)
    return found.group(1).strip() if found else text


def pasted_error_evidence(text: str) -> dict[str, Any]:
    """Evidence for a pasted message: an API's answer (Graph 403 body, JwtBearer 401) when it has no AADSTS
    code and reads like one, otherwise the token endpoint's error."""
    text = _daemon_part(text)
    if not re.search(r"AADSTS\d+", text):
        for pattern, status in _API_ANSWERS:
            if pattern.search(text):
                www = text if "Bearer " in text and "error" in text else ""
                return {"api": {"status": status, "body": text, "www_authenticate": www}}
        if _NON_HTTP_ANSWERS.search(text):
            return {"api": {"body": text}}
    return {"token_error": text}


def parse_evidence(value: object) -> Evidence:
    """Build Evidence from a decoded JSON document (or a bare string: a pasted error). Never raises."""
    if isinstance(value, Evidence):
        return value
    if isinstance(value, (bytes, bytearray)):
        value = bytes(value).decode("utf-8", "replace")
    if isinstance(value, str):
        loaded = _dict(value)
        if loaded is None or (isinstance(loaded.get("error"), dict) and "config" not in loaded):
            value = pasted_error_evidence(value)
        else:
            value = loaded
    if not isinstance(value, dict):
        return Evidence(token_error=_as_text(value) if value is not None else None)
    data = {str(k): v for k, v in value.items()}
    oddities = [k for k in ("config", "api") if k in data and data[k] is not None and _dict(data[k]) is None]
    claims = _dict(data.get("token_claims"))
    access_token = data.get("access_token")
    token_error = data.get("token_error")
    if isinstance(token_error, (list, int, float)):
        token_error = _as_text(token_error)
    if isinstance(token_error, str) and data.get("api") is None:
        # An API's answer pasted under token_error is still the API's answer.
        routed = pasted_error_evidence(token_error)
        if "api" in routed:
            data["api"], token_error = routed["api"], None
    return Evidence(
        config=_config(data.get("config")),
        token_error=token_error,
        token_status=_int(data.get("token_status")),
        client_error=_as_text(data.get("client_error")),
        access_token=access_token.strip() if isinstance(access_token, str) else None,
        token_claims=claims,
        api=_api(data.get("api")),
        app_registration=_dict(data.get("app_registration")),
        service_principal=_dict(data.get("service_principal")),
        client_assertion=data.get("client_assertion"),
        customer=customer_evidence(_dict(data.get("customer"))),
        now=_now(data.get("now")),
        now_given=_now(data.get("now"), default=-1.0) >= 0,
        oddities=tuple(oddities),
    )
