"""`application.properties` of Azure-Samples/ms-identity-java-daemon (secret and certificate variants)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from wizard.configs.common import (
    ExtraFile,
    Fields,
    ImportReport,
    RenderContext,
    Rendering,
    api_target,
    authority_fields,
)
from wizard.configs.keys import key_file_problem, load_key_material
from wizard.configs.textformats import load_properties, properties_line
from wizard.profile import ApiKind, CertificateRef, CredentialKind, Profile
from wizard.secret import Secret

KEY_FILE = "pkcs8_key"


def _warn_api(profile: Profile, warnings: list[str]) -> None:
    if profile.api.kind is not ApiKind.GRAPH or profile.api.relative_path not in (None, "users"):
        warnings.append(
            "The Java sample always calls GET https://graph.microsoft.com/v1.0/users (hard-coded)."
        )


def _steps(variant: str, ctx: RenderContext) -> list[str]:
    return [
        f"copy {ctx.target.name} to "
        f"msal-client-credential-{variant}/src/main/resources/application.properties "
        "(before building: it is bundled into the jar)",
        f"run: cd msal-client-credential-{variant} && mvn clean compile assembly:single",
        f"run: java -jar target/msal-client-credential-{variant}-1.0.0.jar",
    ]


def render_secret(profile: Profile, secret: Secret | None, ctx: RenderContext) -> Rendering:
    warnings: list[str] = []
    _warn_api(profile, warnings)
    value = secret.reveal() if secret else ""
    lines = [
        properties_line("AUTHORITY", profile.authority + "/"),
        properties_line("CLIENT_ID", profile.client_id),
        properties_line("SECRET", value),
        "",
        properties_line("SCOPE", profile.scope),
    ]
    return Rendering(
        text="\n".join(lines) + "\n",
        secrets=[value] if secret else [],
        warnings=warnings,
        next_steps=_steps("secret", ctx),
    )


def render_certificate(profile: Profile, secret: Secret | None, ctx: RenderContext) -> Rendering:
    warnings: list[str] = []
    _warn_api(profile, warnings)
    material = load_key_material(profile, ctx.passphrase)
    key_target = ctx.folder / KEY_FILE
    extra = [ExtraFile(key_target, material.pkcs8_der(), True, "unencrypted PKCS#8 DER private key for Java")]
    if profile.certificate.cert_path:
        cert_path = str(Path(profile.certificate.cert_path).expanduser().resolve())
    else:
        from cryptography.hazmat.primitives.serialization import Encoding

        cert_target = ctx.folder / "cert.crt"
        extra.append(
            ExtraFile(cert_target, material.cert.public_bytes(Encoding.PEM), False, "X.509 certificate")
        )
        cert_path = str(cert_target.resolve())
    warnings.append(
        f"Java's PKCS8EncodedKeySpec reads only an unencrypted key: {key_target} holds it (mode 0600). "
        "Keep it out of version control."
    )
    lines = [
        properties_line("AUTHORITY", profile.authority + "/"),
        properties_line("CLIENT_ID", profile.client_id),
        properties_line("KEY_PATH", str(key_target.resolve())),
        properties_line("CERT_PATH", cert_path),
        "",
        properties_line("SCOPE", profile.scope),
    ]
    return Rendering(
        text="\n".join(lines) + "\n", extra=extra, warnings=warnings, next_steps=_steps("certificate", ctx)
    )


def _common(fields: Fields) -> dict[str, Any]:
    parts: dict[str, Any] = {}
    authority = fields.text("AUTHORITY")
    if authority:
        if not authority.endswith("/"):
            fields.warnings.append("AUTHORITY usually ends with / in this sample.")
        try:
            parts.update(authority_fields(authority))
        except ValueError as exc:
            fields.malformed.append(("AUTHORITY", str(exc)))
    parts["client_id"] = fields.guid("CLIENT_ID", fields.text("CLIENT_ID"))
    scope = fields.text("SCOPE")
    resource = None
    if scope is not None:
        if not scope.endswith("/.default") or " " in scope or "," in scope:
            fields.malformed.append(("SCOPE", "must be exactly one '<resource>/.default'"))
        else:
            resource = scope.removesuffix("/.default")
    api, cloud = api_target(endpoint=None, resource=resource)
    parts["api"] = api
    if cloud is not None and "authority_override" in parts:
        parts["cloud"] = cloud
    return parts


def parse_secret(text: str) -> ImportReport:
    fields = Fields(dict(load_properties(text)))
    parts = _common(fields)
    value = fields.text("SECRET", secret=True)
    profile = Profile().with_(credential=CredentialKind.SECRET, **parts)
    return fields.report("java-secret", profile, Secret(value) if value else None)


def parse_certificate(text: str) -> ImportReport:
    fields = Fields(dict(load_properties(text)))
    parts = _common(fields)
    cert = CertificateRef(key_path=fields.text("KEY_PATH"), cert_path=fields.text("CERT_PATH"))
    if cert.key_path and (problem := key_file_problem(cert.key_path, want="der")):
        fields.malformed.append(("KEY_PATH", problem))
    profile = Profile().with_(credential=CredentialKind.CERTIFICATE, certificate=cert, **parts)
    return fields.report("java-certificate", profile, None)
