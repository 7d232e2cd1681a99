"""The wizard's own profile file (TOML): every profile field, never a secret."""

from __future__ import annotations

import sys
from datetime import date
from typing import Any

import tomli_w

from wizard.clouds import Cloud, TenantType
from wizard.configs.common import Fields, ImportReport, RenderContext, Rendering
from wizard.errors import ConfigFileError
from wizard.profile import ApiKind, ApiTarget, CertificateRef, CredentialKind, Profile
from wizard.secret import Secret

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib  # type: ignore[import-not-found, no-redef]

FORMAT_MARKER = "entra-daemon-wizard/profile/1"
_CERT_KEYS = ("key_path", "cert_path", "pfx_path", "thumbprint_sha1", "thumbprint_sha256")
_API_KEYS = ("resource", "base_url", "relative_path")


def profile_to_dict(profile: Profile) -> dict[str, Any]:
    """The profile as plain data (None values left out), for TOML and `--json`."""
    data: dict[str, Any] = {
        "name": profile.name,
        "tenant_type": profile.tenant_type.value,
        "cloud": profile.cloud.value,
        "tenant": profile.tenant,
        "client_id": profile.client_id,
        "credential": profile.credential.value,
    }
    if profile.object_id:
        data["object_id"] = profile.object_id
    if profile.authority_override:
        data["authority_override"] = profile.authority_override
    for key in (
        "federated_token_file",
        "federated_token_command",
        "federated_issuer",
        "federated_subject",
        "secret_expires",
    ):
        if getattr(profile, key):
            data[key] = getattr(profile, key)
    cert = {k: getattr(profile.certificate, k) for k in _CERT_KEYS if getattr(profile.certificate, k)}
    if cert:
        data["certificate"] = cert
    api: dict[str, Any] = {"kind": profile.api.kind.value}
    api.update({k: getattr(profile.api, k) for k in _API_KEYS if getattr(profile.api, k)})
    if profile.api.required_roles:
        api["required_roles"] = list(profile.api.required_roles)
    data["api"] = api
    return data


def render(profile: Profile, secret: Secret | None, ctx: RenderContext) -> Rendering:
    body = {"format": FORMAT_MARKER, **profile_to_dict(profile)}
    text = "# entra-daemon-wizard profile. It never holds a secret: pass it with --secret-file or\n"
    text += "# DAEMON_WIZARD_CLIENT_SECRET when a command needs it.\n"
    text += tomli_w.dumps(body)
    return Rendering(text=text, next_steps=[f"run: daemon-wizard doctor --from {ctx.target}"])


def parse(text: str) -> ImportReport:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigFileError(f"Not valid TOML: {exc}") from None
    return profile_from_dict(data)


def _enum(
    fields: Fields, key: str, enum: type[Any], default: Any, table: dict[str, Any] | None = None
) -> Any:
    raw = (fields.data if table is None else table).get(key)
    if raw is None:
        return default
    try:
        return enum(raw)
    except ValueError:
        allowed = ", ".join(e.value for e in enum)
        label = key if table is None else f"api.{key}"
        fields.malformed.append((label, f"{raw!r} is not one of {allowed}"))
        return default


def _table(fields: Fields, key: str) -> dict[str, Any]:
    raw = fields.data.get(key, {})
    if not isinstance(raw, dict):
        fields.malformed.append((key, "expected a table"))
        return {}
    return raw


def _opt(fields: Fields, table: dict[str, Any], key: str, label: str) -> str | None:
    raw = table.get(key)
    if raw is None:
        return None
    if not isinstance(raw, str):
        fields.malformed.append((label, f"expected a string, found {type(raw).__name__}"))
        return None
    return fields.check(label, raw)


def _iso_date(fields: Fields, raw: str | None) -> str | None:
    if not raw:
        return None
    try:
        return date.fromisoformat(raw).isoformat()
    except ValueError:
        fields.malformed.append(("secret_expires", "expected a date as YYYY-MM-DD"))
        return None


def profile_from_dict(data: dict[str, Any]) -> ImportReport:
    fields = Fields(data)
    name = fields.text("name", required=False) or "default"
    tenant = fields.text("tenant", required=False) or ""
    client_id = fields.guid("client_id", fields.text("client_id"))
    object_id = fields.guid("object_id", fields.text("object_id", required=False)) or None
    override = fields.text("authority_override", required=False)
    cert_table = _table(fields, "certificate")
    cert = CertificateRef(**{k: _opt(fields, cert_table, k, f"certificate.{k}") for k in _CERT_KEYS})
    api_table = _table(fields, "api")
    roles_raw = api_table.get("required_roles", [])
    roles: tuple[str, ...] = ()
    if isinstance(roles_raw, list) and all(isinstance(r, str) for r in roles_raw):
        roles = tuple(roles_raw)
    else:
        fields.malformed.append(("api.required_roles", "expected a list of strings"))
    api = ApiTarget(
        kind=_enum(fields, "kind", ApiKind, ApiKind.GRAPH, api_table),
        resource=_opt(fields, api_table, "resource", "api.resource"),
        base_url=_opt(fields, api_table, "base_url", "api.base_url"),
        relative_path=_opt(fields, api_table, "relative_path", "api.relative_path"),
        required_roles=roles,
    )
    profile = Profile(
        name=name,
        tenant_type=_enum(fields, "tenant_type", TenantType, TenantType.WORKFORCE),
        cloud=_enum(fields, "cloud", Cloud, Cloud.GLOBAL),
        tenant=tenant,
        client_id=client_id,
        object_id=object_id,
        credential=_enum(fields, "credential", CredentialKind, CredentialKind.SECRET),
        certificate=cert,
        api=api,
        authority_override=override,
        federated_token_file=fields.text("federated_token_file", required=False) or None,
        federated_token_command=fields.text("federated_token_command", required=False) or None,
        federated_issuer=fields.text("federated_issuer", required=False) or None,
        federated_subject=fields.text("federated_subject", required=False) or None,
        secret_expires=_iso_date(fields, fields.text("secret_expires", required=False)),
    )
    if not tenant and not override:
        fields.missing.append("tenant")
    return fields.report("profile", profile, None)
