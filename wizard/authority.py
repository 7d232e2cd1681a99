"""Read an authority URL back into tenant type, cloud and tenant, explaining what is wrong with it."""

from __future__ import annotations

from dataclasses import dataclass

from wizard.clouds import CIAM_SUFFIX, KNOWN_LOGIN_HOSTS, Cloud, TenantType, cloud_for_login_host
from wizard.errors import ValidationError
from wizard.guids import is_guid
from wizard.urls import split_url

MULTI_TENANT_ALIASES = frozenset({"common", "organizations", "consumers"})


@dataclass(frozen=True)
class ParsedAuthority:
    """What an authority URL says."""

    host: str
    tenant: str
    tenant_type: TenantType
    cloud: Cloud | None
    #: True when the host is not an Entra login host (sandbox, custom domain, B2C).
    custom_host: bool


def parse_authority(url: str) -> ParsedAuthority:
    """Parse `https://host/<tenant>[/]` (or `https://<sub>.ciamlogin.com/[<tenant>]`).

    Raises ValidationError (field "authority") with the exact fix for: not https, `/oauth2/...` or
    `/v2.0` appended, a multi-tenant alias, no tenant, extra path segments.
    """
    raw = url.strip()
    parts = split_url(raw)
    if parts.scheme != "https" or not parts.netloc:
        raise ValidationError(
            f"The authority {raw!r} is not an https URL",
            field="authority",
            code="authority-unknown-host",
            hint="Use https://login.microsoftonline.com/<tenant id> (or https://<subdomain>.ciamlogin.com/).",
        )
    host = parts.host
    segments = [s for s in parts.path.split("/") if s]
    is_ciam = host.endswith(CIAM_SUFFIX)
    tenant_type = TenantType.EXTERNAL if is_ciam else TenantType.WORKFORCE
    if segments and (segments[1:2] == ["oauth2"] or segments[1:2] == ["v2.0"] or "oauth2" in segments):
        base = f"https://{parts.netloc}/{segments[0]}"
        raise ValidationError(
            "The authority has an endpoint path appended",
            field="authority",
            code="tenant-invalid",
            hint=f"Give only the host and tenant: {base}. Libraries add /oauth2/v2.0/token and /v2.0 themselves.",
        )
    if not segments:
        if is_ciam:
            tenant = host[: -len(CIAM_SUFFIX)]
            return ParsedAuthority(host, tenant, tenant_type, None, custom_host=False)
        raise ValidationError(
            "The authority has no tenant",
            field="authority",
            code="tenant-common",
            hint=f"Append your tenant ID or domain: https://{parts.netloc}/<tenant id>.",
        )
    tenant = segments[0]
    if tenant.lower() in MULTI_TENANT_ALIASES:
        raise ValidationError(
            f"/{tenant} cannot issue app-only tokens",
            field="authority",
            code="tenant-common",
            hint=f"Use your tenant ID or verified domain instead: https://{parts.netloc}/<tenant id>.",
        )
    if len(segments) > 1:
        raise ValidationError(
            f"The authority has extra path segments after the tenant ({'/'.join(segments[1:])})",
            field="authority",
            code="authority-unknown-host",
            hint=f"Use https://{parts.netloc}/{tenant}. B2C user-flow authorities cannot be used for daemons.",
        )
    cloud = cloud_for_login_host(host)
    custom = not is_ciam and host.lower() not in KNOWN_LOGIN_HOSTS
    return ParsedAuthority(host, tenant, tenant_type, cloud, custom_host=custom)


def looks_like_tenant(value: str) -> bool:
    """A GUID or a DNS name (`contoso.onmicrosoft.com`)."""
    v = value.strip()
    if is_guid(v):
        return True
    labels = v.split(".")
    return len(labels) >= 2 and all(label and label.replace("-", "").isalnum() for label in labels)
