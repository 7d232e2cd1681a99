"""Which issuer's keys may judge a token: Entra's own, for the token's cloud and tenant, or one the user
names. Never the URL a token brings along.

A token's `iss` is attacker-chosen text. Fetching keys from it would let anyone mint a token with their
own key, serve the key on any host, and get "signature verified"; and it would make the tool fetch any
URL a token names. So the keys' address comes from our own table of Entra issuers, matched against the
token's `iss` *and* `tid`, or from `--issuer URL`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final
from urllib.parse import urlsplit

from wizard.errors import UsageError
from wizard.guids import normalise_guid

#: v2 and v1 issuer hosts of each cloud, and where that cloud publishes its OpenID configuration.
_V2_HOSTS: Final = {
    "login.microsoftonline.com": "login.microsoftonline.com",
    "login.microsoftonline.us": "login.microsoftonline.us",
    "login.chinacloudapi.cn": "login.chinacloudapi.cn",
}
_V1_HOSTS: Final = {
    "sts.windows.net": "login.microsoftonline.com",
    "login.microsoftonline.us": "login.microsoftonline.us",  # US Government v1 tokens
    "sts.chinacloudapi.cn": "login.chinacloudapi.cn",
}
_CIAM_HOST: Final = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.ciamlogin\.com$")
UNTRUSTED: Final = "untrusted issuer"


@dataclass(frozen=True)
class TrustedIssuer:
    """Where the keys for this token may be fetched, and why that place is trusted."""

    issuer: str
    metadata_url: str
    named_by_user: bool


class UntrustedIssuer(Exception):
    """The token's issuer is not one whose keys we may fetch (a result, not an error to the user)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def entra_issuer(iss: str, tid: str | None) -> TrustedIssuer:
    """The Entra issuer `iss` is, for tenant `tid`; raises UntrustedIssuer for anything else."""
    tenant = normalise_guid(tid or "")
    if tenant is None:
        raise UntrustedIssuer("The token has no tenant ID (tid) to match its issuer against.")
    try:
        parts = urlsplit(iss)
        host = (parts.hostname or "").lower()
        port = parts.port
    except ValueError:
        raise UntrustedIssuer(f"The issuer {iss!r} is not a URL.") from None
    segments = [s for s in parts.path.split("/") if s]
    if parts.scheme != "https" or port not in (None, 443) or parts.query or parts.fragment:
        raise UntrustedIssuer(f"{iss!r} is not an Entra ID issuer (https on the standard port).")
    path_tenant = normalise_guid(segments[0]) if segments else None
    if path_tenant != tenant:
        raise UntrustedIssuer(f"The issuer {iss!r} is not the token's own tenant {tenant} (its tid).")
    rest = segments[1:]
    if rest == ["v2.0"] and (host in _V2_HOSTS or _CIAM_HOST.match(host)):
        login = _V2_HOSTS.get(host, host)
        return TrustedIssuer(iss, f"https://{login}/{tenant}/v2.0/.well-known/openid-configuration", False)
    if not rest and host in _V1_HOSTS:
        login = _V1_HOSTS[host]
        return TrustedIssuer(iss, f"https://{login}/{tenant}/.well-known/openid-configuration", False)
    raise UntrustedIssuer(
        f"{iss!r} is not an Entra ID issuer of any cloud for tenant {tenant}; to check a token of "
        "another issuer (the sandbox, a test IdP), name it with --issuer URL."
    )


def named_issuer(url: str) -> TrustedIssuer:
    """The issuer the user names with `--issuer URL` (an https URL; its OpenID configuration is used)."""
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        raise UsageError(f"--issuer {url!r} is not a URL", hint="Give the issuer's https URL.") from None
    if parts.scheme != "https" or not parts.hostname:
        raise UsageError(
            f"--issuer {url!r} is not an https URL",
            hint="Give the issuer as it appears in tokens, e.g. https://login.microsoftonline.com/<tid>/v2.0.",
        )
    if parts.query or parts.fragment:
        raise UsageError(f"--issuer {url!r} has a query or fragment", hint="Give only the issuer URL.")
    base = url.strip().rstrip("/")
    return TrustedIssuer(base, base + "/.well-known/openid-configuration", True)


def same_issuer(a: str, b: str) -> bool:
    """Issuers compare as URLs: scheme and host case-insensitive, a trailing slash does not count."""

    def norm(value: str) -> tuple[str, str, str]:
        parts = urlsplit(value.strip())
        return (parts.scheme.lower(), parts.netloc.lower(), parts.path.rstrip("/"))

    try:
        return norm(a) == norm(b)
    except ValueError:
        return False


def matches_named(iss: str, tid: str | None, named: TrustedIssuer, metadata_issuer: object) -> bool:
    """A token matches the issuer the user named if its `iss` is that URL, or the issuer the named
    metadata declares (with Entra's `{tenantid}` template filled with the token's tid)."""
    if same_issuer(iss, named.issuer):
        return True
    if not isinstance(metadata_issuer, str) or not metadata_issuer:
        return False
    declared = metadata_issuer.replace("{tenantid}", tid or "{tenantid}")
    return same_issuer(iss, declared)


__all__ = [
    "UNTRUSTED",
    "TrustedIssuer",
    "UntrustedIssuer",
    "entra_issuer",
    "matches_named",
    "named_issuer",
    "same_issuer",
]
