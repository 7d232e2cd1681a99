"""Golden tests: exported configs have the keys, nesting, value types and quirks of the originals."""

from __future__ import annotations

import json
import stat
import sys
from pathlib import Path
from typing import Any

import pytest
from configs_fixtures import (
    API_ID,
    CANARY,
    CLIENT_ID,
    EXTERNAL,
    OBJECT_ID,
    TENANT_ID,
    USGOV,
    WORKFORCE,
    WORKFORCE_OWN_API,
    make_certificate,
    with_certificate,
)
from cryptography.hazmat.primitives import serialization
from dotenv import dotenv_values
from reference_data import sample

from wizard.configs import FORMATS, detect_format, export_config, import_config
from wizard.configs.textformats import load_jsonc, load_properties
from wizard.secret import Secret

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

PY_SECRET = "ms-identity-python-daemon/1-Call-MsGraph-WithSecret/parameters.json"
PY_CERT = "ms-identity-python-daemon/2-Call-MsGraph-WithCertificate/parameters.json"
NODE_CONSOLE = "ms-identity-javascript-nodejs-console/.env"
NODE_CIAM = "ms-identity-ciam-javascript-tutorial/2-Authorization/3-call-api-node-daemon/App/.env"
DOTNET_GRAPH = "active-directory-dotnetcore-daemon-v2/1-Call-MSGraph/daemon-console/appsettings.json"
DOTNET_OWN = "active-directory-dotnetcore-daemon-v2/2-Call-OwnApi/daemon-console/appsettings.json"
DOTNET_CIAM = (
    "ms-identity-ciam-dotnet-tutorial/2-Authorization/3-call-own-api-dotnet-core-daemon/"
    "ToDoListClient/appsettings.json"
)
JAVA = "ms-identity-java-daemon/msal-client-credential-{}/src/main/resources/application.properties"
# The docs console daemon keeps its values in Program.cs (no data file was saved); these are its lines.
PROGRAM_CS = """var config = new {
    // Full directory URL, in the form of https://login.microsoftonline.com/<tenant_id>
    Authority = " https://login.microsoftonline.com/Enter the tenant ID obtained from the Entra admin center",
    ClientId = "Enter the client ID obtained from the Microsoft Entra admin center",
    ClientSecret = "Enter the client secret value obtained from the Microsoft Entra admin center",
    ClientObjectId = "Enter the client Object ID obtained from the Microsoft Entra admin center"
};
"""


def shape(value: Any) -> Any:
    """Keys, nesting and value types, without the values."""
    if isinstance(value, dict):
        return {k: shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [shape(v) for v in value]
    return type(value).__name__


def original(rel: str) -> str:
    return sample(rel).read_text(encoding="utf-8")


def export(tmp_path: Path, profile: Any, fmt: str, **kw: Any) -> tuple[str, Any]:
    result = export_config(
        profile, fmt, secret=kw.pop("secret", CANARY), out=tmp_path / FORMATS[fmt].filename, **kw
    )
    text = Path(result.path or "").read_text(encoding="utf-8")
    return text, result


# ---------------------------------------------------------------- python


def test_python_secret_matches_original_keys_and_quirks(tmp_path: Path) -> None:
    text, _ = export(tmp_path, WORKFORCE, "python-secret")
    ours, theirs = json.loads(text), json.loads(original(PY_SECRET))
    assert list(ours) == list(theirs)
    assert isinstance(ours["scope"], list)
    assert ours["scope"] == ["https://graph.microsoft.com/.default"]
    assert [ours["authority"], ours["oidc_authority"]].count(None) == 1
    assert ours["authority"] == f"https://login.microsoftonline.com/{TENANT_ID}"
    assert ours["secret"] == CANARY.reveal()
    assert ours["client_id"] == CLIENT_ID
    assert ours["endpoint"] == theirs["endpoint"] == "https://graph.microsoft.com/v1.0/users"
    for key in ("client_id", "secret", "endpoint", "note"):
        assert type(ours[key]) is type(theirs[key])


def test_python_secret_custom_domain_uses_oidc_authority_only(tmp_path: Path) -> None:
    profile = EXTERNAL.with_(authority_override="https://login.fabrikam.example/" + TENANT_ID)
    ours = json.loads(export(tmp_path, profile, "python-secret")[0])
    assert ours["authority"] is None
    assert ours["oidc_authority"] == f"https://login.fabrikam.example/{TENANT_ID}/v2.0"


def test_python_certificate_matches_original_and_key_is_plain_pem(tmp_path: Path) -> None:
    profile = with_certificate(WORKFORCE, make_certificate(tmp_path))
    text, result = export(tmp_path, profile, "python-certificate")
    ours, theirs = json.loads(text), json.loads(original(PY_CERT))
    assert list(ours) == list(theirs)
    assert ours["authority"] is not None
    assert ours["oidc_authority"] is None
    assert len(ours["thumbprint"]) == 40
    assert ours["thumbprint"] == profile.certificate.thumbprint_sha1
    assert Path(ours["private_key_file"]).read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    assert "secret" not in ours
    assert result.written[-1].mode == 0o644


def test_python_certificate_writes_unencrypted_copy_of_encrypted_key(tmp_path: Path) -> None:
    passphrase = Secret("pass-phrase-1")
    profile = with_certificate(WORKFORCE, make_certificate(tmp_path, passphrase=passphrase))
    text, _result = export(tmp_path, profile, "python-certificate", passphrase=passphrase)
    key_file = Path(json.loads(text)["private_key_file"])
    assert key_file != Path(profile.certificate.key_path or "")
    serialization.load_pem_private_key(key_file.read_bytes(), None)
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


# ---------------------------------------------------------------- node


def test_node_console_matches_original(tmp_path: Path) -> None:
    text, _ = export(tmp_path, USGOV, "node-console")
    ours = dotenv_values(stream=__import__("io").StringIO(text))
    theirs = dotenv_values(sample(NODE_CONSOLE))
    assert list(ours) == list(theirs)
    assert ours["AAD_ENDPOINT"] == "https://login.microsoftonline.us/"
    assert ours["GRAPH_ENDPOINT"] == "https://graph.microsoft.us/"
    assert ours["TENANT_ID"] == TENANT_ID
    assert ours["CLIENT_SECRET"] == CANARY.reveal()


def test_node_ciam_daemon_has_authconfig_keys_and_bare_scope(tmp_path: Path) -> None:
    text, result = export(tmp_path, EXTERNAL, "node-ciam-daemon")
    ours = dotenv_values(stream=__import__("io").StringIO(text))
    theirs = dotenv_values(sample(NODE_CIAM))
    assert set(theirs) <= set(ours)  # NODE_TLS_REJECT_UNAUTHORIZED='0' for the local dev API
    assert set(ours) == {"CLIENT_ID", "AUTHORITY", "CLIENT_SECRET", "API_ENDPOINT", "SCOPES", *theirs}
    assert ours["SCOPES"] == f"api://{API_ID}"  # the sample appends /.default itself
    assert ours["AUTHORITY"] == "https://fabrikamciam.ciamlogin.com/"
    assert ours["API_ENDPOINT"] == "https://localhost:44351/api/todolist"
    assert ours["NODE_TLS_REJECT_UNAUTHORIZED"] == theirs["NODE_TLS_REJECT_UNAUTHORIZED"] == "0"
    assert any("NODE_TLS_REJECT_UNAUTHORIZED" in w for w in result.warnings)


# ---------------------------------------------------------------- .NET


def test_dotnet_daemon_graph_matches_1_call_msgraph(tmp_path: Path) -> None:
    ours = json.loads(export(tmp_path, WORKFORCE, "dotnet-daemon")[0])
    assert shape(ours) == shape(json.loads(original(DOTNET_GRAPH)))
    assert ours["AzureAd"]["Instance"] == "https://login.microsoftonline.com/"


def test_dotnet_daemon_own_api_matches_2_call_ownapi_jsonc(tmp_path: Path) -> None:
    ours = json.loads(export(tmp_path, WORKFORCE_OWN_API, "dotnet-daemon")[0])
    assert shape(ours) == shape(load_jsonc(original(DOTNET_OWN)))
    assert ours["MyWebApi"]["Scopes"] == [f"api://{API_ID}/.default"]
    assert ours["MyWebApi"]["BaseUrl"] == "https://localhost:44372/"


def test_dotnet_daemon_certificate_entry_is_a_pfx_path(tmp_path: Path) -> None:
    profile = with_certificate(WORKFORCE, make_certificate(tmp_path))
    ours = json.loads(export(tmp_path, profile, "dotnet-daemon")[0])
    entry = ours["AzureAd"]["ClientCredentials"][0]
    assert entry["SourceType"] == "Path"
    from cryptography.hazmat.primitives.serialization import pkcs12

    key, cert, _ = pkcs12.load_key_and_certificates(Path(entry["CertificateDiskPath"]).read_bytes(), None)
    assert key is not None
    assert cert is not None


def test_dotnet_ciam_matches_todolistclient(tmp_path: Path) -> None:
    ours = json.loads(export(tmp_path, EXTERNAL, "dotnet-ciam-daemon")[0])
    assert shape(ours) == shape(json.loads(original(DOTNET_CIAM)))
    assert ours["AzureAd"]["Authority"] == "https://fabrikamciam.ciamlogin.com/"
    assert ours["DownstreamApi"]["Scopes"] == [
        f"api://{API_ID}/.default"
    ]  # with /.default, unlike the JS sample
    assert ours["DownstreamApi"]["RelativePath"] == "api/todolist"


def test_dotnet_console_prints_the_four_values_with_secret_masked() -> None:
    result = export_config(WORKFORCE.with_(object_id=OBJECT_ID), "dotnet-console", secret=CANARY, out=None)
    assert result.written == []
    assert result.text is not None
    assert CANARY.reveal() not in result.text
    report = import_config_text(result.text)
    assert report.profile.object_id == OBJECT_ID
    assert report.profile.client_id == CLIENT_ID
    assert (
        set(_cs_keys(result.text))
        == set(_cs_keys(PROGRAM_CS))
        == {
            "Authority",
            "ClientId",
            "ClientSecret",
            "ClientObjectId",
        }
    )


def _cs_keys(text: str) -> list[str]:
    import re

    return re.findall(r"\b(\w+)\s*=\s*\"", text)


def import_config_text(text: str) -> Any:
    from wizard.configs import parse_text

    return parse_text(text)


# ---------------------------------------------------------------- Java


def test_java_secret_matches_original(tmp_path: Path) -> None:
    text, _ = export(tmp_path, WORKFORCE, "java-secret")
    ours, theirs = load_properties(text), load_properties(original(JAVA.format("secret")))
    assert list(ours) == list(theirs)
    assert ours["AUTHORITY"] == f"https://login.microsoftonline.com/{TENANT_ID}/"
    assert ours["SCOPE"] == theirs["SCOPE"] == "https://graph.microsoft.com/.default"


def test_java_certificate_writes_pkcs8_der_key_0600(tmp_path: Path) -> None:
    profile = with_certificate(WORKFORCE, make_certificate(tmp_path))
    text, _ = export(tmp_path, profile, "java-certificate")
    ours, theirs = load_properties(text), load_properties(original(JAVA.format("certificate")))
    assert list(ours) == list(theirs)
    key_file = Path(ours["KEY_PATH"])
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    data = key_file.read_bytes()
    assert not data.startswith(b"-----")  # DER, not PEM
    serialization.load_der_private_key(data, None)
    assert Path(ours["CERT_PATH"]).read_bytes().startswith(b"-----BEGIN CERTIFICATE")


def test_java_properties_escaping_round_trips(tmp_path: Path) -> None:
    from wizard.configs.textformats import properties_line

    tricky = "C:\\keys\\pkcs8_key #1 = ü\u20ac  "
    parsed = load_properties(properties_line("KEY_PATH", tricky) + "\n")
    assert parsed == {"KEY_PATH": tricky}
    assert properties_line("KEY_PATH", tricky).isascii()


# ---------------------------------------------------------------- azure-identity


def test_azure_identity_secret_global_has_no_authority_host(tmp_path: Path) -> None:
    text, _ = export(tmp_path, WORKFORCE, "azure-identity")
    ours = dotenv_values(stream=__import__("io").StringIO(text))
    assert list(ours) == ["AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET"]


def test_azure_identity_other_cloud_sets_authority_host(tmp_path: Path) -> None:
    text, _ = export(tmp_path, USGOV, "azure-identity")
    ours = dotenv_values(stream=__import__("io").StringIO(text))
    assert ours["AZURE_AUTHORITY_HOST"] == "https://login.microsoftonline.us"


def test_azure_identity_certificate_never_has_secret_line_and_pem_loads(tmp_path: Path) -> None:
    profile = with_certificate(WORKFORCE, make_certificate(tmp_path))
    text, _ = export(tmp_path, profile, "azure-identity", secret=None)
    assert "AZURE_CLIENT_SECRET" not in text
    ours = dotenv_values(stream=__import__("io").StringIO(text))
    pem = Path(ours["AZURE_CLIENT_CERTIFICATE_PATH"] or "")
    assert stat.S_IMODE(pem.stat().st_mode) == 0o600
    data = pem.read_bytes()
    assert b"PRIVATE KEY-----" in data
    assert b"BEGIN CERTIFICATE" in data
    from azure.identity import CertificateCredential

    CertificateCredential(TENANT_ID, CLIENT_ID, certificate_path=str(pem))  # parses key + cert, no network


# ---------------------------------------------------------------- profile TOML


def test_profile_toml_has_every_field_and_no_secret(tmp_path: Path) -> None:
    text, result = export(tmp_path, WORKFORCE_OWN_API.with_(object_id=OBJECT_ID), "profile")
    assert CANARY.reveal() not in text
    data = tomllib.loads(text)
    assert data["client_id"] == CLIENT_ID
    assert data["api"]["resource"] == f"api://{API_ID}"
    assert result.written[-1].mode == 0o644


# ---------------------------------------------------------------- originals import


ORIGINALS = [
    (PY_SECRET, "python-secret", {"authority", "oidc_authority", "client_id", "secret"}),
    (PY_CERT, "python-certificate", {"authority", "client_id", "thumbprint"}),
    (
        NODE_CONSOLE,
        "node-console",
        {"TENANT_ID", "CLIENT_ID", "CLIENT_SECRET", "AAD_ENDPOINT", "GRAPH_ENDPOINT"},
    ),
    (NODE_CIAM, "node-ciam-daemon", set()),
    (
        DOTNET_GRAPH,
        "dotnet-daemon",
        {"AzureAd:TenantId", "AzureAd:ClientId", "AzureAd:ClientCredentials:0:ClientSecret"},
    ),
    (
        DOTNET_OWN,
        "dotnet-daemon",
        {
            "AzureAd:TenantId",
            "AzureAd:ClientId",
            "AzureAd:ClientCredentials:0:ClientSecret",
            "MyWebApi:Scopes:0",
        },
    ),
    (
        DOTNET_CIAM,
        "dotnet-ciam-daemon",
        {
            "AzureAd:Authority",
            "AzureAd:ClientId",
            "AzureAd:ClientCredentials:0:ClientSecret",
            "DownstreamApi:Scopes:0",
        },
    ),
    (JAVA.format("secret"), "java-secret", {"AUTHORITY", "CLIENT_ID", "SECRET"}),
    (JAVA.format("certificate"), "java-certificate", {"AUTHORITY", "CLIENT_ID", "KEY_PATH", "CERT_PATH"}),
]


@pytest.mark.parametrize(
    ("rel", "fmt", "placeholders"), ORIGINALS, ids=[o[1] + ":" + o[0][-25:] for o in ORIGINALS]
)
def test_original_is_detected_and_placeholders_reported(rel: str, fmt: str, placeholders: set[str]) -> None:
    path = sample(rel)
    assert detect_format(path) == fmt
    report = import_config(path)
    assert report.format == fmt
    assert {key for key, _ in report.placeholders} == placeholders
    assert not report.ok


def test_python_original_both_authorities_is_malformed() -> None:
    report = import_config(sample(PY_SECRET))
    assert [k for k, _ in report.malformed] == ["oidc_authority"]


def test_node_ciam_original_reports_every_missing_variable() -> None:
    report = import_config(sample(NODE_CIAM))
    assert set(report.missing) == {"CLIENT_ID", "AUTHORITY", "CLIENT_SECRET", "API_ENDPOINT", "SCOPES"}


def test_program_cs_placeholders_are_reported() -> None:
    from wizard.configs import parse_text

    report = parse_text(PROGRAM_CS)
    assert report.format == "dotnet-console"
    assert {k for k, _ in report.placeholders} == {"Authority", "ClientId", "ClientSecret", "ClientObjectId"}


def test_web_api_appsettings_is_not_taken_for_a_daemon_config() -> None:
    api = sample("active-directory-dotnetcore-daemon-v2/2-Call-OwnApi/TodoList-WebApi/appsettings.json")
    assert detect_format(api) is None
