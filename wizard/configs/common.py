"""Shared pieces of the exporters and importers: results, field collection, authority and API parsing."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

# re-exported: the importers and exporters take them from here
from wizard.api_target import api_target as api_target
from wizard.api_target import split_origin as split_origin
from wizard.clouds import CIAM_SUFFIX, Cloud, TenantType, cloud_for_login_host
from wizard.guids import normalise_guid
from wizard.placeholders import find_placeholder
from wizard.profile import Profile
from wizard.scopes import resource_from_scope
from wizard.secret import Secret, mask

if TYPE_CHECKING:  # only annotated here: safe_write (and git's subprocess) stay off `doctor`'s path
    from wizard.safe_write import WrittenFile

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


@dataclass(frozen=True)
class ExtraFile:
    """A file derived from the profile that an exporter writes beside the config (key, PEM bundle, PFX)."""

    path: Path
    data: bytes
    secret: bool
    description: str


@dataclass
class Rendering:
    """What an exporter produced before anything is written."""

    text: str
    secrets: list[str] = field(default_factory=list)  # values to mask in previews
    extra: list[ExtraFile] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    next_steps: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class RenderContext:
    """Where the config goes (derived files are written beside it) and the key passphrase, if any."""

    target: Path
    passphrase: Secret | None = None

    @property
    def folder(self) -> Path:
        return self.target.parent


@dataclass
class ExportResult:
    """Files written (or, for a dry run, the diff that would apply), warnings, and what to run next."""

    format: str
    path: str | None
    written: list[WrittenFile] = field(default_factory=list)
    text: str | None = None  # the rendered text with secrets masked (printed formats, dry runs)
    diff: str | None = None
    dry_run: bool = False
    warnings: list[str] = field(default_factory=list)
    next_steps: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {
            "format": self.format,
            "path": self.path,
            "dry_run": self.dry_run,
            "written": [w.to_dict() for w in self.written],
            "text": self.text,
            "diff": self.diff,
            "warnings": list(self.warnings),
            "next_steps": list(self.next_steps),
        }


@dataclass
class ImportReport:
    """A config read back into a profile, with everything in the file that still needs attention."""

    format: str
    profile: Profile
    path: str | None = None
    secret: Secret | None = None
    placeholders: list[tuple[str, str]] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    malformed: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.placeholders or self.missing or self.malformed)

    def to_dict(self) -> dict[str, object]:
        from wizard.configs.profile_toml import profile_to_dict

        return {
            "format": self.format,
            "path": self.path,
            "ok": self.ok,
            "profile": profile_to_dict(self.profile),
            "secret": self.secret.masked if self.secret else None,
            "placeholders": [{"key": k, "value": v} for k, v in self.placeholders],
            "missing": list(self.missing),
            "malformed": [{"key": k, "problem": p} for k, p in self.malformed],
            "warnings": list(self.warnings),
        }


class Fields:
    """Reads a config's values one key at a time, recording placeholders, missing and malformed keys."""

    def __init__(self, data: dict[str, object]) -> None:
        self.data = data
        self.placeholders: list[tuple[str, str]] = []
        self.missing: list[str] = []
        self.malformed: list[tuple[str, str]] = []
        self.warnings: list[str] = []

    def text(
        self, key: str, *, label: str | None = None, secret: bool = False, required: bool = True
    ) -> str | None:
        """A real string value, or None (recorded as missing, placeholder or malformed)."""
        name = label or key
        if key not in self.data or self.data[key] is None:
            if required:
                self.missing.append(name)
            return None
        raw = self.data[key]
        if not isinstance(raw, str):
            self.malformed.append((name, f"expected a string, found {type(raw).__name__}"))
            return None
        return self.check(name, raw, secret=secret)

    def check(self, name: str, raw: str, *, secret: bool = False) -> str | None:
        kind = find_placeholder(raw)
        if kind is not None:
            shown = mask(raw) if secret and raw.strip() else raw
            self.placeholders.append((name, f"{shown!r} is {kind}"))
            return None
        return raw.strip()

    def guid(self, name: str, value: str | None) -> str:
        """A client/object ID must be a GUID; anything else is malformed."""
        if value is None:
            return ""
        canonical = normalise_guid(value)
        if canonical is None:
            self.malformed.append((name, f"{value!r} is not a GUID (8-4-4-4-12 hex digits)"))
            return ""
        return canonical

    def report(self, fmt: str, profile: Profile, secret: Secret | None) -> ImportReport:
        return ImportReport(
            format=fmt,
            profile=profile,
            secret=secret,
            placeholders=self.placeholders,
            missing=self.missing,
            malformed=self.malformed,
            warnings=self.warnings,
        )


def authority_fields(url: str, *, external_hint: bool = False) -> dict[str, object]:
    """Tenant type, cloud, tenant and (when the URL is not the derived one) the authority override.

    Raises ValueError with a short problem text for something that is not an https authority.
    """
    raw = url.strip()
    parts = urlsplit(raw)
    if parts.scheme != "https" or not parts.hostname:
        raise ValueError(f"{raw!r} is not an https:// authority URL")
    host = parts.hostname.lower()
    segments = [s for s in parts.path.split("/") if s]
    if segments and segments[-1].lower() == "v2.0":
        segments = segments[:-1]
    tenant = segments[0] if segments else ""
    trimmed = f"{parts.scheme}://{parts.netloc}/" + "/".join(segments)
    fields: dict[str, object]
    if host.endswith(CIAM_SUFFIX):
        sub = host[: -len(CIAM_SUFFIX)]
        fields = {
            "tenant_type": TenantType.EXTERNAL,
            "cloud": Cloud.GLOBAL,
            "tenant": tenant or f"{sub}.onmicrosoft.com",
        }
        if not segments:
            return fields
    elif (cloud := cloud_for_login_host(host)) is not None:
        if not tenant:
            raise ValueError(f"{raw!r} has no tenant after the host")
        fields = {"tenant_type": TenantType.WORKFORCE, "cloud": cloud, "tenant": tenant}
    else:
        external = external_hint and host not in LOOPBACK_HOSTS  # a sandbox is taken as workforce
        tenant_type = TenantType.EXTERNAL if external else TenantType.WORKFORCE
        return {
            "tenant_type": tenant_type,
            "cloud": Cloud.GLOBAL,
            "tenant": tenant,
            "authority_override": trimmed.rstrip("/"),
        }
    candidate = Profile().with_(**fields)
    if candidate.authority.lower() != trimmed.rstrip("/").lower():
        fields["authority_override"] = trimmed.rstrip("/")
    return fields


def needs_oidc_authority(profile: Profile) -> bool:
    """An authority Microsoft's instance discovery does not know: External ID behind a custom domain, or
    a local sandbox. msal must take it as `oidc_authority` (it reads discovery from the authority itself).
    """
    if not profile.authority_override:
        return False
    host = (urlsplit(profile.authority_override).hostname or "").lower()
    if host in LOOPBACK_HOSTS:
        return True
    return profile.tenant_type is TenantType.EXTERNAL and not host.endswith(CIAM_SUFFIX)


def join_url(base: str, relative: str | None) -> str:
    """`BaseUrl.TrimEnd('/') + "/" + RelativePath.TrimStart('/')`, as Microsoft.Identity.Web builds it."""
    if not relative:
        return base
    return base.rstrip("/") + "/" + relative.lstrip("/")


def api_endpoint(profile: Profile) -> str:
    """The URL the daemon calls: Graph `/v1.0/users` by default, or the own API's base URL + path."""
    return profile.api_url


def resource_of_scope(scope: str) -> str:
    return resource_from_scope(scope.strip())
