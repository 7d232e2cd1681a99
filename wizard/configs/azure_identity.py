"""A `.env` for azure-identity's EnvironmentCredential (secret, combined PEM or PFX; other clouds)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from wizard.clouds import CLOUDS, Cloud
from wizard.configs.common import ExtraFile, ImportReport, RenderContext, Rendering, authority_fields
from wizard.configs.keys import key_file_problem, load_key_material
from wizard.configs.node import env_fields, tenant_path
from wizard.configs.textformats import dotenv_value, load_dotenv_text
from wizard.errors import ValidationError
from wizard.profile import CertificateRef, CredentialKind, Profile
from wizard.secret import Secret

SECRET_PLACEHOLDER = "Enter_the_Client_Secret_Here"
PEM_FILE = "azure-identity-certificate.pem"
#: Where the AKS workload identity webhook projects the service-account token.
AKS_TOKEN_FILE = "/var/run/secrets/azure/tokens/azure-identity-token"
_TENANT_CHARS = re.compile(r"^[A-Za-z0-9.\-]+$")


def _line(key: str, value: str) -> str:
    return f"{key}={dotenv_value(value)}\n"


def render(profile: Profile, secret: Secret | None, ctx: RenderContext) -> Rendering:
    out = Rendering(text="")
    tenant = tenant_path(profile)
    if not _TENANT_CHARS.match(tenant):
        raise ValidationError(
            f"azure-identity cannot use the tenant {tenant!r} (letters, digits, '.' and '-' only)",
            field="tenant",
        )
    text = "# Read by azure.identity.EnvironmentCredential (and DefaultAzureCredential).\n"
    text += _line("AZURE_TENANT_ID", tenant)
    text += _line("AZURE_CLIENT_ID", profile.client_id)
    if profile.credential is CredentialKind.FEDERATED:
        # WorkloadIdentityCredential (and DefaultAzureCredential) read these three; the token stays in its file.
        text = text.replace("EnvironmentCredential", "WorkloadIdentityCredential", 1)
        text += _line("AZURE_FEDERATED_TOKEN_FILE", profile.federated_token_file or AKS_TOKEN_FILE)
    elif profile.credential is CredentialKind.CERTIFICATE:
        # Never an AZURE_CLIENT_SECRET line here, not even empty: an empty value counts as set and wins.
        if profile.certificate.pfx_path:
            path = str(Path(profile.certificate.pfx_path).expanduser().resolve())
        else:
            material = load_key_material(profile, ctx.passphrase)
            target = ctx.folder / PEM_FILE
            data = material.combined_pem(ctx.passphrase)
            out.extra.append(
                ExtraFile(target, data, True, "private key + certificate PEM for azure-identity")
            )
            path = str(target.resolve())
        text += _line("AZURE_CLIENT_CERTIFICATE_PATH", path)
        if ctx.passphrase:
            text += _line("AZURE_CLIENT_CERTIFICATE_PASSWORD", ctx.passphrase.reveal())
            out.secrets.append(ctx.passphrase.reveal())
    else:
        value = secret.reveal() if secret else SECRET_PLACEHOLDER
        if secret:
            out.secrets.append(value)
        text += _line("AZURE_CLIENT_SECRET", value)
    if profile.instance != CLOUDS[Cloud.GLOBAL].login_url:
        text += _line("AZURE_AUTHORITY_HOST", profile.instance.rstrip("/"))
    out.text = text
    if profile.credential is CredentialKind.FEDERATED:
        out.next_steps = [
            f"in the daemon: load_dotenv('{ctx.target}'); WorkloadIdentityCredential().get_token('{profile.scope}')",
            "on AKS the workload identity webhook sets these variables itself (label the pod "
            'azure.workload.identity/use: "true")',
        ]
        return out
    out.next_steps = [
        f"in the daemon, before creating the credential: from dotenv import load_dotenv; load_dotenv('{ctx.target}')",
        "then: EnvironmentCredential().get_token('" + profile.scope + "')  (or DefaultAzureCredential)",
        f"or export the variables in the shell: set -a; . {ctx.target}; set +a",
    ]
    return out


def parse(text: str) -> ImportReport:
    values = load_dotenv_text(text)
    fields = env_fields(text)
    tenant = fields.text("AZURE_TENANT_ID")
    if tenant and not _TENANT_CHARS.match(tenant):
        fields.malformed.append(("AZURE_TENANT_ID", "only letters, digits, '.' and '-' are accepted"))
        tenant = None
    parts: dict[str, Any] = {"client_id": fields.guid("AZURE_CLIENT_ID", fields.text("AZURE_CLIENT_ID"))}
    host = fields.text("AZURE_AUTHORITY_HOST", required=False) or CLOUDS[Cloud.GLOBAL].login_host
    if "://" not in host:
        host = "https://" + host
    if urlsplit(host).scheme != "https":
        fields.malformed.append(("AZURE_AUTHORITY_HOST", "must be https (azure-identity refuses http)"))
    elif tenant:
        try:
            parts.update(authority_fields(host.strip().rstrip("/") + "/" + tenant))
        except ValueError as exc:
            fields.malformed.append(("AZURE_AUTHORITY_HOST", str(exc)))
    secret: Secret | None = None
    has_secret = values.get("AZURE_CLIENT_SECRET") is not None
    cert_path = values.get("AZURE_CLIENT_CERTIFICATE_PATH")
    token_file = values.get("AZURE_FEDERATED_TOKEN_FILE")
    if token_file is not None and not has_secret and cert_path is None:
        parts["credential"] = CredentialKind.FEDERATED
        parts["federated_token_file"] = fields.text("AZURE_FEDERATED_TOKEN_FILE")
        return fields.report("azure-identity", Profile().with_(**parts), None)
    if has_secret and cert_path is not None:
        fields.malformed.append(
            (
                "AZURE_CLIENT_SECRET",
                "is set next to a certificate: EnvironmentCredential uses the secret; delete the line",
            )
        )
    if has_secret or cert_path is None:
        value = fields.text("AZURE_CLIENT_SECRET", secret=True)
        secret = Secret(value) if value else None
        parts["credential"] = CredentialKind.SECRET
    else:
        path = fields.text("AZURE_CLIENT_CERTIFICATE_PATH")
        is_pfx = bool(path) and str(path).lower().endswith((".pfx", ".p12"))
        if path and (problem := key_file_problem(path, want="pem-bundle")):
            fields.malformed.append(("AZURE_CLIENT_CERTIFICATE_PATH", problem))
        parts["credential"] = CredentialKind.CERTIFICATE
        parts["certificate"] = (
            CertificateRef(pfx_path=path) if is_pfx else CertificateRef(key_path=path, cert_path=path)
        )
        chain = values.get("AZURE_CLIENT_SEND_CERTIFICATE_CHAIN")
        if chain is not None and chain.strip().lower() in {"false", "0", "no"}:
            fields.malformed.append(
                (
                    "AZURE_CLIENT_SEND_CERTIFICATE_CHAIN",
                    f"{chain!r} still turns it on (any non-empty value does); delete it",
                )
            )
    profile = Profile().with_(**parts)
    return fields.report("azure-identity", profile, secret)
