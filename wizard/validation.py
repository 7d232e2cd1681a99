"""Check a profile before any network call, and say precisely how to fix each problem."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from wizard.authority import MULTI_TENANT_ALIASES, looks_like_tenant, parse_authority
from wizard.clouds import CIAM_SUFFIX, GRAPH_APP_ID, TenantType
from wizard.errors import ValidationError
from wizard.guids import GUID_SEARCH, NIL_GUID, is_guid, normalise_guid
from wizard.placeholders import find_placeholder
from wizard.profile import ApiKind, CredentialKind, Profile
from wizard.redact import redact_text, shown
from wizard.scopes import normalise_scope
from wizard.secret import Secret, mask
from wizard.urls import split_url

Severity = Literal["error", "warning"]
_HEX40 = re.compile(r"^[0-9A-Fa-f]{40}$")
_DNS_LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
PORTAL_OVERVIEW = "Entra admin center > App registrations > your app > Overview"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a profile value, and its fix in words."""

    field: str
    code: str
    message: str
    fix: str
    severity: Severity = "error"

    def __post_init__(self) -> None:
        # Messages quote the user's values; a value in the wrong field can be the secret (swapped
        # ClientId/ClientSecret), so every problem passes through the one redactor when it is made.
        object.__setattr__(self, "message", redact_text(self.message))
        object.__setattr__(self, "fix", redact_text(self.fix))

    def to_dict(self) -> dict[str, str]:
        return {
            "field": self.field,
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "fix": self.fix,
        }


def _placeholder(field: str, value: str, where: str) -> Problem | None:
    kind = find_placeholder(value)
    if kind is None:
        return None
    return Problem(
        field, "placeholder", f"The {field.replace('_', ' ')} still holds {kind}", f"Replace it with {where}."
    )


def check_client_id(value: str, *, tenant: str = "") -> list[Problem]:
    """The application (client) ID must be the app registration's GUID."""
    v = value.strip()
    where = f"the Application (client) ID from {PORTAL_OVERVIEW}"
    if not v:
        return [Problem("client_id", "required", "The client ID is empty", f"Paste {where}.")]
    if (p := _placeholder("client_id", v, where)) is not None:
        return [p]
    guid = normalise_guid(v)
    if guid is None:
        if v.startswith(("api://", "https://")):
            fix = f"That is an App ID URI. Use {where} (a GUID)."
        elif GUID_SEARCH.search(v):
            fix = f"Remove the extra characters around the GUID; paste only {where}."
        else:
            fix = f"Paste {where}: a GUID like 11112222-bbbb-3333-cccc-4444dddd5555, not the display name."
        return [Problem("client_id", "client-id-invalid", f"The client ID {shown(v)} is not a GUID", fix)]
    problems: list[Problem] = []
    if guid == NIL_GUID:
        problems.append(
            Problem("client_id", "client-id-invalid", "The client ID is the all-zero GUID", f"Paste {where}.")
        )
    if guid == GRAPH_APP_ID:
        problems.append(
            Problem(
                "client_id",
                "client-id-invalid",
                "That is Microsoft Graph's application ID, not your app's",
                f"Paste {where}.",
            )
        )
    if tenant and normalise_guid(tenant) == guid:
        problems.append(
            Problem(
                "client_id",
                "client-id-is-tenant-id",
                "The client ID equals the tenant ID",
                f"The two are swapped or duplicated. The client ID is the Application (client) ID and the tenant "
                f"is the Directory (tenant) ID, both on {PORTAL_OVERVIEW}.",
            )
        )
    return problems


def check_tenant(value: str, *, tenant_type: TenantType = TenantType.WORKFORCE) -> list[Problem]:
    """A tenant GUID or verified domain; for External ID, the subdomain also works."""
    v = value.strip()
    where = f"the Directory (tenant) ID from {PORTAL_OVERVIEW}"
    if not v:
        return [Problem("tenant", "required", "The tenant is empty", f"Paste {where}.")]
    if (p := _placeholder("tenant", v, where)) is not None:
        return [p]
    if v.lower() in MULTI_TENANT_ALIASES:
        return [
            Problem(
                "tenant",
                "tenant-common",
                f"{shown(v)} cannot issue app-only tokens",
                f"A daemon acts in one specific tenant: use {where} or a verified domain.",
            )
        ]
    if "/" in v or ":" in v:
        return [
            Problem(
                "tenant",
                "tenant-invalid",
                f"The tenant {shown(v)} looks like a URL or path",
                f"Give only the tenant, e.g. {where}; the authority URL is built from it.",
            )
        ]
    if tenant_type is TenantType.EXTERNAL:
        sub = v.lower()
        for suffix in (".onmicrosoft.com", CIAM_SUFFIX):
            sub = sub.removesuffix(suffix)
        if is_guid(v) or _DNS_LABEL.match(sub):
            return []
        return [
            Problem(
                "tenant",
                "tenant-invalid",
                f"{shown(v)} is not an External ID tenant subdomain",
                "Use the subdomain of <subdomain>.onmicrosoft.com (External ID admin center > Overview), "
                "or the tenant ID.",
            )
        ]
    if is_guid(v):
        return (
            [Problem("tenant", "tenant-invalid", "The tenant is the all-zero GUID", f"Paste {where}.")]
            if (normalise_guid(v) == NIL_GUID)
            else []
        )
    if not looks_like_tenant(v):
        return [
            Problem(
                "tenant",
                "tenant-invalid",
                f"The tenant {shown(v)} is neither a GUID nor a domain name",
                f"Use {where}, or a verified domain such as contoso.onmicrosoft.com.",
            )
        ]
    if v.lower().endswith(CIAM_SUFFIX):
        return [
            Problem(
                "tenant",
                "tenant-invalid",
                "A ciamlogin.com host was given as a workforce tenant",
                "Choose the External ID tenant type; its authority is https://<subdomain>.ciamlogin.com/.",
            )
        ]
    return []


def check_secret(secret: Secret | None) -> list[Problem]:
    """Catch the classic mistakes: Secret ID instead of Value, placeholders, stray whitespace or quotes."""
    if secret is None or not secret:
        return [
            Problem(
                "secret",
                "credential-missing",
                "No client secret was given",
                "Provide it with --secret-stdin, --secret-file PATH or DAEMON_WIZARD_CLIENT_SECRET "
                "(Certificates & secrets > Client secrets > Value, shown once when created).",
            )
        ]
    v = secret.reveal()
    value_hint = (
        "Copy the secret's Value column (shown only right after you create it) from Certificates & secrets > "
        "Client secrets; if you no longer have it, create a new secret."
    )
    if is_guid(v.strip().strip("{}")):
        return [
            Problem(
                "secret", "secret-invalid", "The secret looks like a GUID: the portal's Secret ID", value_hint
            )
        ]
    if find_placeholder(v) is not None:
        return [Problem("secret", "placeholder", "The secret is still a placeholder", value_hint)]
    problems: list[Problem] = []
    if v != v.strip():
        problems.append(
            Problem(
                "secret",
                "secret-whitespace",
                f"The secret {mask(v.strip())} has leading or trailing whitespace",
                "Remove the spaces or newline (a file written by `echo` ends with one; use `printf '%s'`).",
                "warning",
            )
        )
    if len(v) >= 2 and v[0] == v[-1] and v[0] in "'\"":
        problems.append(
            Problem(
                "secret", "secret-quoted", "The secret is wrapped in quotes", "Remove the quotes.", "warning"
            )
        )
    if _HEX40.match(v.strip()):
        problems.append(
            Problem(
                "secret",
                "secret-invalid",
                "The secret looks like a certificate thumbprint (40 hex digits)",
                "A thumbprint is not a credential. Use the secret's Value, or configure a certificate credential.",
            )
        )
    return problems


def check_thumbprint(value: str) -> list[Problem]:
    """SHA-1 thumbprints are 40 hex digits, as the portal shows them."""
    cleaned = value.replace(":", "").replace(" ", "").strip()
    if _HEX40.match(cleaned):
        if cleaned != value.strip():
            return [
                Problem(
                    "thumbprint",
                    "thumbprint-format",
                    "The thumbprint contains separators",
                    f"Use {cleaned.upper()} (no colons or spaces).",
                    "warning",
                )
            ]
        return []
    return [
        Problem(
            "thumbprint",
            "thumbprint-format",
            "The thumbprint is not 40 hexadecimal digits (SHA-1)",
            "Copy it from Certificates & secrets > Certificates, or run `daemon-wizard cert inspect CERT`.",
        )
    ]


def _check_certificate(profile: Profile) -> list[Problem]:
    cert = profile.certificate
    problems: list[Problem] = []
    if not (cert.pfx_path or cert.key_path):
        problems.append(
            Problem(
                "certificate",
                "credential-missing",
                "A certificate credential needs the private key",
                "Give --key KEY.pem with --certificate CERT.pem, or --pfx FILE.pfx "
                "(or generate one with `daemon-wizard cert new`).",
            )
        )
    for label, path in (("key", cert.key_path), ("certificate", cert.cert_path), ("pfx", cert.pfx_path)):
        if path and not Path(path).expanduser().is_file():
            problems.append(
                Problem(label, "file-missing", f"The {label} file {path} does not exist", "Check the path.")
            )
    if cert.thumbprint_sha1:
        problems.extend(check_thumbprint(cert.thumbprint_sha1))
    return problems


def _check_api(profile: Profile) -> list[Problem]:
    problems: list[Problem] = []
    api = profile.api
    if api.kind is ApiKind.OWN and not api.resource:
        problems.append(
            Problem(
                "api",
                "required",
                "The own API has no App ID URI",
                "Give the API's Application ID URI (Expose an API blade), e.g. api://<api client id>.",
            )
        )
    if api.resource:
        try:
            normalise_scope(api.resource)
        except ValidationError as exc:
            problems.append(Problem("scope", exc.code or "scope-invalid", exc.title, exc.hint or ""))
        own = normalise_guid(profile.client_id)
        named = normalise_guid(api.resource.removeprefix("api://").rstrip("/"))
        if own is not None and named == own and api.resource.startswith("api://"):
            problems.append(
                Problem(
                    "scope",
                    "scope-self",
                    "The app requests a token for itself by its App ID URI",
                    f"Entra only accepts the GUID form for a token to the app itself: {own}/.default.",
                )
            )
    if api.base_url:
        parts = split_url(api.base_url)
        if parts.scheme not in {"https", "http"} or not parts.netloc:
            problems.append(
                Problem(
                    "api_url",
                    "api-url-invalid",
                    f"{shown(api.base_url)} is not a URL",
                    "Use https://host[:port]/path.",
                )
            )
    return problems


def validate_profile(
    profile: Profile, *, secret: Secret | None = None, need_secret: bool = True
) -> list[Problem]:
    """Every problem in the profile, errors first."""
    problems: list[Problem] = []
    if profile.authority_override:
        try:
            parse_authority(profile.authority_override)
        except ValidationError as exc:
            problems.append(Problem("authority", exc.code or "authority-invalid", exc.title, exc.hint or ""))
    else:
        problems.extend(check_tenant(profile.tenant, tenant_type=profile.tenant_type))
    problems.extend(check_client_id(profile.client_id, tenant=profile.tenant))
    if profile.object_id:
        oid = normalise_guid(profile.object_id)
        if oid is None:
            problems.append(
                Problem(
                    "object_id",
                    "object-id-invalid",
                    "The application object ID is not a GUID",
                    f"Copy Object ID from {PORTAL_OVERVIEW}.",
                )
            )
        elif oid == normalise_guid(profile.client_id):
            problems.append(
                Problem(
                    "object_id",
                    "object-id-is-client-id",
                    "The object ID equals the client ID",
                    f"They are different GUIDs: the Object ID is just below the client ID on {PORTAL_OVERVIEW}.",
                    "warning",
                )
            )
    if profile.credential is CredentialKind.SECRET and need_secret:
        problems.extend(check_secret(secret))
    elif profile.credential is CredentialKind.CERTIFICATE:
        problems.extend(_check_certificate(profile))
    problems.extend(_check_api(profile))
    return sorted(problems, key=lambda p: p.severity != "error")
