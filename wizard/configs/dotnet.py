"""appsettings.json of the .NET daemons (Microsoft.Identity.Web) and the docs console daemon's Program.cs."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from wizard.clouds import TenantType
from wizard.configs.common import (
    ExtraFile,
    Fields,
    ImportReport,
    RenderContext,
    Rendering,
    api_endpoint,
    api_target,
    authority_fields,
    join_url,
    split_origin,
)
from wizard.configs.keys import load_key_material
from wizard.configs.node import ciam_authority_value, tenant_path
from wizard.configs.textformats import load_jsonc
from wizard.errors import ConfigFileError
from wizard.profile import ApiKind, ApiTarget, CertificateRef, CredentialKind, Profile
from wizard.secret import Secret

SECRET_PLACEHOLDER = "[Enter here a client secret for your application]"
#: Microsoft.Identity.Abstractions CredentialSource, bound by name or by number.
SOURCE_TYPES = (
    "Certificate", "KeyVault", "Base64Encoded", "Path", "StoreWithThumbprint", "StoreWithDistinguishedName",
    "ClientSecret", "SignedAssertionFromManagedIdentity", "SignedAssertionFilePath",
    "SignedAssertionFromVault",
    "AutoDecryptKeys", "CustomSignedAssertion", "ManagedCertificate", "StoreWithSubjectName",
)  # fmt: skip


def _credentials(
    profile: Profile, secret: Secret | None, ctx: RenderContext, out: Rendering
) -> list[dict[str, Any]]:
    if profile.credential is not CredentialKind.CERTIFICATE:
        value = secret.reveal() if secret else SECRET_PLACEHOLDER
        if secret:
            out.secrets.append(value)
        return [{"SourceType": "ClientSecret", "ClientSecret": value}]
    entry: dict[str, Any] = {"SourceType": "Path"}
    if profile.certificate.pfx_path:
        entry["CertificateDiskPath"] = str(Path(profile.certificate.pfx_path).expanduser().resolve())
    else:
        material = load_key_material(profile, ctx.passphrase)
        target = ctx.folder / "daemon-certificate.pfx"
        out.extra.append(
            ExtraFile(target, material.pfx(ctx.passphrase), True, "PFX (key + certificate) for .NET")
        )
        entry["CertificateDiskPath"] = str(target.resolve())
    if ctx.passphrase:
        entry["CertificatePassword"] = ctx.passphrase.reveal()
        out.secrets.append(ctx.passphrase.reveal())
    return [entry]


def _api_block(profile: Profile) -> dict[str, Any]:
    base, relative = profile.api.base_url, profile.api.relative_path
    if base is None or profile.api.kind is ApiKind.GRAPH:
        base, relative = split_origin(api_endpoint(profile))
    return {
        "BaseUrl": base,
        "RelativePath": relative or "",
        "RequestAppToken": True,
        "Scopes": [profile.scope],
    }


def _dump(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=4) + "\n"


def render_daemon(profile: Profile, secret: Secret | None, ctx: RenderContext) -> Rendering:
    out = Rendering(text="")
    azure_ad = {
        "Instance": profile.instance,
        "TenantId": tenant_path(profile),
        "ClientId": profile.client_id,
        "ClientCredentials": _credentials(profile, secret, ctx, out),
    }
    data: dict[str, Any] = {"AzureAd": azure_ad}
    sample = "1-Call-MSGraph"
    if profile.api.kind is ApiKind.OWN:
        data["MyWebApi"] = _api_block(profile)
        sample = "2-Call-OwnApi"
    elif profile.api.relative_path not in (None, "users") or profile.api.base_url:
        out.warnings.append(
            "1-Call-MSGraph always lists users through the Graph SDK; your API path is not used."
        )
    out.text = _dump(data)
    out.next_steps = [
        f"copy {ctx.target.name} to {sample}/daemon-console/appsettings.json "
        "(active-directory-dotnetcore-daemon-v2)",
        f"run: cd {sample}/daemon-console && dotnet run",
    ]
    return out


def render_ciam(profile: Profile, secret: Secret | None, ctx: RenderContext) -> Rendering:
    out = Rendering(text="")
    if profile.tenant_type is not TenantType.EXTERNAL:
        out.warnings.append("This sample is written for an External ID tenant (authority on ciamlogin.com).")
    data = {
        "AzureAd": {
            "Authority": ciam_authority_value(profile),
            "ClientId": profile.client_id,
            "ClientCredentials": _credentials(profile, secret, ctx, out),
        },
        "DownstreamApi": _api_block(profile),
    }
    out.text = _dump(data)
    out.next_steps = [
        f"copy {ctx.target.name} to "
        "2-Authorization/3-call-own-api-dotnet-core-daemon/ToDoListClient/appsettings.json",
        "run: cd ToDoListClient && dotnet run",
    ]
    return out


def _load(text: str) -> dict[str, Any]:
    data = load_jsonc(text)
    if not isinstance(data, dict):
        raise ConfigFileError("appsettings.json must hold a JSON object")
    return data


def _section(fields: Fields, data: dict[str, Any], name: str) -> Fields:
    raw = data.get(name)
    if raw is None:
        fields.missing.append(name)
        raw = {}
    elif not isinstance(raw, dict):
        fields.malformed.append((name, "expected an object"))
        raw = {}
    section = Fields(raw)
    section.placeholders, section.missing, section.malformed = (
        fields.placeholders,
        fields.missing,
        fields.malformed,
    )
    return section


def _read_credentials(ad: Fields) -> tuple[CredentialKind, CertificateRef, Secret | None]:
    raw = ad.data.get("ClientCredentials")
    if raw is None:
        ad.missing.append("AzureAd:ClientCredentials")
        return CredentialKind.SECRET, CertificateRef(), None
    if not isinstance(raw, list) or not raw or not all(isinstance(e, dict) for e in raw):
        ad.malformed.append(("AzureAd:ClientCredentials", "expected a non-empty array of credential objects"))
        return CredentialKind.SECRET, CertificateRef(), None
    for index, entry in enumerate(raw):
        label = f"AzureAd:ClientCredentials:{index}"
        source = entry.get("SourceType")
        if isinstance(source, int) and 0 <= source < len(SOURCE_TYPES):
            source = SOURCE_TYPES[source]
        e = Fields(entry)
        e.placeholders, e.missing, e.malformed = ad.placeholders, ad.missing, ad.malformed
        if source == "ClientSecret":
            value = e.text("ClientSecret", label=f"{label}:ClientSecret", secret=True)
            return CredentialKind.SECRET, CertificateRef(), Secret(value) if value else None
        if source == "Path":
            path = e.text("CertificateDiskPath", label=f"{label}:CertificateDiskPath")
            return CredentialKind.CERTIFICATE, CertificateRef(pfx_path=path), None
        if source == "StoreWithThumbprint":
            thumb = e.text("CertificateThumbprint", label=f"{label}:CertificateThumbprint")
            ad.warnings.append(
                "The certificate lives in a Windows certificate store; export it to a PFX to use it here."
            )
            return (
                CredentialKind.CERTIFICATE,
                CertificateRef(thumbprint_sha1=thumb.upper() if thumb else None),
                None,
            )
        if source in SOURCE_TYPES:
            ad.warnings.append(f"{label}: SourceType {source} cannot be used by this tool directly.")
            return CredentialKind.CERTIFICATE, CertificateRef(), None
        ad.malformed.append((f"{label}:SourceType", f"{source!r} is not a CredentialSource name"))
    return CredentialKind.SECRET, CertificateRef(), None


def _read_api(fields: Fields, section: str, api: Fields) -> tuple[ApiTarget, Any]:
    base = api.text("BaseUrl", label=f"{section}:BaseUrl")
    relative = api.text("RelativePath", label=f"{section}:RelativePath", required=False)
    if api.data.get("RequestAppToken") is not True:
        fields.malformed.append(
            (f"{section}:RequestAppToken", "must be true: a daemon needs an app-only token")
        )
    scopes = api.data.get("Scopes")
    resource: str | None = None
    if not isinstance(scopes, list) or len(scopes) != 1 or not isinstance(scopes[0], str):
        fields.malformed.append((f"{section}:Scopes", "expected an array with one '<App ID URI>/.default'"))
    elif (scope := api.check(f"{section}:Scopes:0", scopes[0])) is not None:
        if not scope.endswith("/.default"):
            fields.malformed.append((f"{section}:Scopes:0", f"{scope!r} must end with /.default"))
        resource = scope.removesuffix("/.default")
    if resource is not None and base is not None:
        target, cloud = api_target(endpoint=join_url(base, relative), resource=resource)
        if target.kind is ApiKind.OWN:
            target = ApiTarget(
                kind=ApiKind.OWN, resource=resource, base_url=base, relative_path=relative or None
            )
        return target, cloud
    return api_target(endpoint=None, resource=resource)


def parse_daemon(text: str) -> ImportReport:
    data = _load(text)
    fields = Fields(data)
    ad = _section(fields, data, "AzureAd")
    parts: dict[str, Any] = {
        "client_id": fields.guid("AzureAd:ClientId", ad.text("ClientId", label="AzureAd:ClientId"))
    }
    instance = ad.text("Instance", label="AzureAd:Instance")
    tenant = ad.text("TenantId", label="AzureAd:TenantId")
    if instance and tenant:
        try:
            parts.update(authority_fields(instance.rstrip("/") + "/" + tenant))
        except ValueError as exc:
            fields.malformed.append(("AzureAd:Instance", str(exc)))
    kind, cert, secret = _read_credentials(ad)
    if "MyWebApi" in data:
        api, _cloud = _read_api(fields, "MyWebApi", _section(fields, data, "MyWebApi"))
        parts["api"] = api
    fields.warnings.extend(ad.warnings)
    profile = Profile().with_(credential=kind, certificate=cert, **parts)
    return fields.report("dotnet-daemon", profile, secret)


def parse_ciam(text: str) -> ImportReport:
    data = _load(text)
    fields = Fields(data)
    ad = _section(fields, data, "AzureAd")
    parts: dict[str, Any] = {
        "client_id": fields.guid("AzureAd:ClientId", ad.text("ClientId", label="AzureAd:ClientId"))
    }
    authority = ad.text("Authority", label="AzureAd:Authority")
    if authority:
        try:
            parts.update(authority_fields(authority, external_hint=True))
        except ValueError as exc:
            fields.malformed.append(("AzureAd:Authority", str(exc)))
    kind, cert, secret = _read_credentials(ad)
    api, _cloud = _read_api(fields, "DownstreamApi", _section(fields, data, "DownstreamApi"))
    fields.warnings.extend(ad.warnings)
    profile = Profile().with_(tenant_type=TenantType.EXTERNAL, credential=kind, certificate=cert, api=api)
    profile = profile.with_(**parts)
    return fields.report("dotnet-ciam-daemon", profile, secret)


# ---------------------------------------------------------------- docs console daemon: values in Program.cs

_CS_FIELD = re.compile(r"\b(Authority|ClientId|ClientSecret|ClientObjectId)\s*=\s*\"((?:[^\"\\\n]|\\.)*)\"")
CONSOLE_KEYS = ("Authority", "ClientId", "ClientSecret", "ClientObjectId")


def _cs(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render_console(profile: Profile, secret: Secret | None, ctx: RenderContext) -> Rendering:
    out = Rendering(text="")
    if profile.credential is not CredentialKind.SECRET:
        out.warnings.append("This sample takes a client secret only.")
    value = (
        secret.reveal()
        if secret
        else "Enter the client secret value obtained from the Microsoft Entra admin center"
    )
    if secret:
        out.secrets.append(value)
    object_id = (
        profile.object_id or "Enter the client Object ID obtained from the Microsoft Entra admin center"
    )
    if not profile.object_id:
        out.warnings.append(
            "No object ID: the sample reads /applications/{ClientObjectId}; give --object-id."
        )
    lines = [
        "// Paste over the `config` object in console-daemon/Program.cs (ms-identity-docs-code-dotnet).",
        "var config = new",
        "{",
        "    // Full directory URL, in the form of https://login.microsoftonline.com/<tenant_id>",
        f"    Authority = {_cs(profile.authority)},",
        "    // 'Application (client) ID' of the app registration - a GUID",
        f"    ClientId = {_cs(profile.client_id)},",
        "    // Client secret 'Value' (not its ID)",
        f"    ClientSecret = {_cs(value)},",
        "    // 'Object ID' of the app registration (the application object, not the app ID) - a GUID",
        f"    ClientObjectId = {_cs(object_id)}",
        "};",
    ]
    out.text = "\n".join(lines) + "\n"
    out.next_steps = [
        "paste the values into console-daemon/Program.cs",
        "run: cd console-daemon && dotnet run",
    ]
    return out


def parse_console(text: str) -> ImportReport:
    found: dict[str, object] = {}
    for match in _CS_FIELD.finditer(text):
        found.setdefault(match.group(1), re.sub(r"\\(.)", r"\1", match.group(2)))
    fields = Fields(found)
    authority = fields.text("Authority")
    parts: dict[str, Any] = {}
    if authority:
        if authority != str(found["Authority"]):
            fields.warnings.append("Authority has spaces around the URL; remove them.")
        try:
            parts.update(authority_fields(authority))
        except ValueError as exc:
            fields.malformed.append(("Authority", str(exc)))
    parts["client_id"] = fields.guid("ClientId", fields.text("ClientId"))
    value = fields.text("ClientSecret", secret=True)
    parts["object_id"] = fields.guid("ClientObjectId", fields.text("ClientObjectId")) or None
    profile = Profile().with_(credential=CredentialKind.SECRET, **parts)
    return fields.report("dotnet-console", profile, Secret(value) if value else None)
