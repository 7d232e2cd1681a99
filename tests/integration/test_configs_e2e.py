"""Exported configs loaded the way their consumers load them get a token from the sandbox over real HTTPS."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jwt
import pytest
from dotenv import dotenv_values

from wizard.configs import export_config, import_config
from wizard.profile import ApiTarget, CertificateRef, CredentialKind, Profile
from wizard.sandbox import Sandbox
from wizard.secret import Secret

AZURE_VARS = (
    "AZURE_TENANT_ID",
    "AZURE_CLIENT_ID",
    "AZURE_CLIENT_SECRET",
    "AZURE_CLIENT_CERTIFICATE_PATH",
    "AZURE_CLIENT_CERTIFICATE_PASSWORD",
    "AZURE_AUTHORITY_HOST",
    "AZURE_USERNAME",
    "AZURE_PASSWORD",
)


def _profile(sb: Sandbox, name: str) -> Profile:
    app = sb.app(name)
    return Profile(
        tenant=app.tenant_id,
        client_id=app.client_id,
        authority_override=sb.authority(app.tenant_id),
        api=ApiTarget(base_url=sb.graph_base_url, relative_path="users"),
    )


def _load_env(path: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    for name in AZURE_VARS:
        monkeypatch.delenv(name, raising=False)
    values = dotenv_values(path)
    for key, value in values.items():
        monkeypatch.setenv(key, value or "")
    return values


def _claims(token: str) -> dict[str, Any]:
    claims: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
    return claims


def test_azure_identity_env_with_secret_gets_a_token(
    sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from azure.identity import EnvironmentCredential

    app = sandbox.app("graph-daemon")
    assert app.secret
    result = export_config(
        _profile(sandbox, "graph-daemon"), "azure-identity", secret=Secret(app.secret), out=tmp_path / ".env"
    )
    values = _load_env(result.path or "", monkeypatch)
    assert values["AZURE_AUTHORITY_HOST"] == sandbox.base_url
    # Offline, only the transport's trust and the skipped instance discovery differ from a real run.
    credential = EnvironmentCredential(disable_instance_discovery=True, connection_verify=sandbox.ca_file)
    claims = _claims(credential.get_token("https://graph.microsoft.com/.default").token)
    assert claims["appid"] == app.client_id
    assert claims["tid"] == app.tenant_id
    assert "User.Read.All" in claims["roles"]


def test_azure_identity_env_with_certificate_gets_a_token(
    sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from azure.identity import EnvironmentCredential

    app = sandbox.app("cert-daemon")
    profile = _profile(sandbox, "cert-daemon").with_(
        credential=CredentialKind.CERTIFICATE,
        certificate=CertificateRef(key_path=app.cert_key_path, cert_path=app.cert_path),
    )
    result = export_config(profile, "azure-identity", secret=None, out=tmp_path / ".env")
    values = _load_env(result.path or "", monkeypatch)
    assert "AZURE_CLIENT_SECRET" not in values
    credential = EnvironmentCredential(disable_instance_discovery=True, connection_verify=sandbox.ca_file)
    claims = _claims(credential.get_token("https://graph.microsoft.com/.default").token)
    assert claims["appid"] == app.client_id
    assert claims["appidacr"] == "2"


def test_python_secret_parameters_json_used_like_the_sample(
    sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import msal
    import requests

    app = sandbox.app("graph-daemon")
    assert app.secret
    result = export_config(
        _profile(sandbox, "graph-daemon"),
        "python-secret",
        secret=Secret(app.secret),
        out=tmp_path / "parameters.json",
    )
    assert import_config(result.path or "").ok
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", sandbox.ca_file)  # how a user trusts a private CA with requests
    # confidential_client_secret_sample.py, line for line:
    config = json.load(open(result.path or ""))  # noqa: SIM115
    cca = msal.ConfidentialClientApplication(
        config["client_id"],
        authority=config.get("authority"),
        oidc_authority=config.get("oidc_authority"),
        client_credential=config["secret"],
    )
    token = cca.acquire_token_for_client(scopes=config["scope"])
    assert "access_token" in token, token.get("error_description")
    graph_data = requests.get(
        config["endpoint"], headers={"Authorization": "Bearer " + token["access_token"]}
    ).json()
    assert len(graph_data["value"]) == 4
