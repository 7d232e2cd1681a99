"""Profiles saved as TOML in the platform's config directory. Secrets are never written here."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import tomli_w

from wizard.clouds import Cloud, TenantType
from wizard.errors import ConfigFileError, UsageError
from wizard.paths import config_dir
from wizard.profile import ApiKind, ApiTarget, CertificateRef, CredentialKind, Profile
from wizard.safe_write import WrittenFile, write_atomic

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
FORMAT_VERSION = 1


def _drop_empty(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v not in (None, "", (), [])}


def profile_to_dict(profile: Profile) -> dict[str, Any]:
    """A TOML-ready mapping (TOML has no null: empty values are left out)."""
    cert = profile.certificate
    api = profile.api
    data: dict[str, Any] = {
        "format": FORMAT_VERSION,
        "name": profile.name,
        "tenant_type": profile.tenant_type.value,
        "cloud": profile.cloud.value,
        "tenant": profile.tenant,
        "client_id": profile.client_id,
        "object_id": profile.object_id,
        "authority": profile.authority_override,
        "credential": profile.credential.value,
    }
    cert_d = _drop_empty(
        {
            "key_path": cert.key_path,
            "cert_path": cert.cert_path,
            "pfx_path": cert.pfx_path,
            "thumbprint_sha1": cert.thumbprint_sha1,
            "thumbprint_sha256": cert.thumbprint_sha256,
        }
    )
    api_d = _drop_empty(
        {
            "kind": api.kind.value,
            "resource": api.resource,
            "base_url": api.base_url,
            "relative_path": api.relative_path,
            "required_roles": list(api.required_roles),
        }
    )
    out = _drop_empty(data)
    if cert_d:
        out["certificate"] = cert_d
    out["api"] = api_d
    return out


def _enum(kind: type[Any], value: Any, field: str) -> Any:
    try:
        return kind(value)
    except ValueError as exc:
        allowed = ", ".join(m.value for m in kind)
        raise ConfigFileError(f"{field} = {value!r} is not valid", hint=f"Use one of: {allowed}.") from exc


def _str(d: dict[str, Any], key: str) -> str | None:
    v = d.get(key)
    if v is None:
        return None
    if not isinstance(v, str):
        raise ConfigFileError(f"{key} must be a string, not {type(v).__name__}")
    return v


def profile_from_dict(data: dict[str, Any]) -> Profile:
    """Build a profile from the TOML mapping, with clear errors for wrong types or values."""
    cert = data.get("certificate") or {}
    api = data.get("api") or {}
    if not isinstance(cert, dict) or not isinstance(api, dict):
        raise ConfigFileError("[certificate] and [api] must be tables")
    roles = api.get("required_roles") or []
    if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
        raise ConfigFileError("api.required_roles must be a list of strings")
    return Profile(
        name=_str(data, "name") or "default",
        tenant_type=_enum(TenantType, data.get("tenant_type", "workforce"), "tenant_type"),
        cloud=_enum(Cloud, data.get("cloud", "global"), "cloud"),
        tenant=_str(data, "tenant") or "",
        client_id=_str(data, "client_id") or "",
        object_id=_str(data, "object_id"),
        credential=_enum(CredentialKind, data.get("credential", "secret"), "credential"),
        certificate=CertificateRef(
            key_path=_str(cert, "key_path"),
            cert_path=_str(cert, "cert_path"),
            pfx_path=_str(cert, "pfx_path"),
            thumbprint_sha1=_str(cert, "thumbprint_sha1"),
            thumbprint_sha256=_str(cert, "thumbprint_sha256"),
        ),
        api=ApiTarget(
            kind=_enum(ApiKind, api.get("kind", "graph"), "api.kind"),
            resource=_str(api, "resource"),
            base_url=_str(api, "base_url"),
            relative_path=_str(api, "relative_path"),
            required_roles=tuple(roles),
        ),
        authority_override=_str(data, "authority"),
    )


def dumps(profile: Profile) -> str:
    return tomli_w.dumps(profile_to_dict(profile))


def loads(text: str, *, path: str | None = None) -> Profile:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigFileError(f"Not valid TOML: {exc}", path=path) from exc
    return profile_from_dict(data)


def check_name(name: str) -> str:
    if not _NAME.match(name):
        raise UsageError(
            f"{name!r} is not a valid profile name", hint="Use letters, digits, '.', '_' or '-'."
        )
    return name


def profile_path(name: str) -> Path:
    return config_dir() / "profiles" / f"{check_name(name)}.toml"


def save_profile(profile: Profile, *, name: str | None = None, force: bool = False) -> WrittenFile:
    """Write the profile (no secrets) as `<config>/profiles/<name>.toml`."""
    target = profile_path(name or profile.name)
    return write_atomic(target, dumps(profile.with_(name=name or profile.name)), secret=False, force=force)


def load_profile(name: str) -> Profile:
    path = profile_path(name)
    if not path.is_file():
        known = ", ".join(list_profiles()) or "none saved yet"
        raise UsageError(f"No profile named {name!r}", hint=f"Saved profiles: {known}.")
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigFileError(f"{path} cannot be read", path=str(path)) from exc
    return loads(text, path=str(path))


def list_profiles() -> list[str]:
    folder = config_dir() / "profiles"
    return sorted(p.stem for p in folder.glob("*.toml")) if folder.is_dir() else []
