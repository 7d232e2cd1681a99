"""Federated profiles export to azure-identity's WorkloadIdentityCredential env and the profile, and back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from configs_fixtures import WORKFORCE

from wizard.clouds import Cloud
from wizard.configs import FORMATS, export_config, import_config
from wizard.configs.azure_identity import AKS_TOKEN_FILE
from wizard.errors import ConfigFileError
from wizard.profile import CredentialKind, Profile

FEDERATED = WORKFORCE.with_(credential=CredentialKind.FEDERATED, federated_token_file="/tmp/gh-oidc-token")


@pytest.mark.parametrize("fmt", ["azure-identity", "profile"])
def test_federated_round_trip(tmp_path: Path, fmt: str) -> None:
    spec = FORMATS[fmt]
    result = export_config(FEDERATED, fmt, secret=None, out=tmp_path / spec.filename)
    report = import_config(result.path or "")
    assert report.format == fmt and report.ok, (report.missing, report.malformed)
    assert report.profile.credential is CredentialKind.FEDERATED
    assert report.profile.federated_token_file == "/tmp/gh-oidc-token"
    assert report.secret is None
    for name in spec.carries:
        assert getattr(report.profile, name) == getattr(FEDERATED, name)


def test_workload_identity_env_has_no_secret_line_and_defaults_to_the_aks_path(tmp_path: Path) -> None:
    profile = FEDERATED.with_(federated_token_file=None)
    result = export_config(profile, "azure-identity", secret=None, out=tmp_path / ".env")
    text = Path(result.path or "").read_text()
    assert "WorkloadIdentityCredential" in text
    assert f"AZURE_FEDERATED_TOKEN_FILE={AKS_TOKEN_FILE}" in text
    assert "AZURE_CLIENT_SECRET" not in text and "AZURE_CLIENT_CERTIFICATE_PATH" not in text


GITHUB = FEDERATED.with_(
    federated_issuer="https://token.actions.githubusercontent.com",
    federated_subject="repo:contoso/daemon:environment:production",
)
AKS = FEDERATED.with_(
    federated_issuer="https://westeurope.oic.prod-aks.azure.com/t/c/",
    federated_subject="system:serviceaccount:daemons:graph-reader",
)


@pytest.mark.parametrize(
    ("fmt", "profile"), [("github-actions", GITHUB), ("kubernetes", AKS), ("fic-json", AKS)]
)
def test_federated_exports_import_back(tmp_path: Path, fmt: str, profile: Profile) -> None:
    spec = FORMATS[fmt]
    result = export_config(profile, fmt, secret=None, out=tmp_path / spec.filename)
    report = import_config(result.path or "")
    assert report.format == fmt and report.ok, (report.missing, report.malformed)
    for name in spec.carries:
        assert getattr(report.profile, name) == getattr(profile, name), name


def test_exports_carry_what_the_platforms_need(tmp_path: Path) -> None:
    gh = export_config(GITHUB, "github-actions", secret=None, out=tmp_path / "wf.yml")
    workflow = yaml.safe_load(Path(gh.path or "").read_text())
    assert workflow["permissions"]["id-token"] == "write"
    assert workflow["jobs"]["daemon"]["environment"] == "production"
    k8s = export_config(AKS, "kubernetes", secret=None, out=tmp_path / "wi.yaml")
    account, pod = yaml.safe_load_all(Path(k8s.path or "").read_text())
    assert account["metadata"]["annotations"]["azure.workload.identity/client-id"] == AKS.client_id
    assert (account["metadata"]["namespace"], account["metadata"]["name"]) == ("daemons", "graph-reader")
    assert pod["metadata"]["labels"]["azure.workload.identity/use"] == "true"
    assert pod["spec"]["serviceAccountName"] == "graph-reader"
    fic = export_config(AKS.with_(cloud=Cloud.USGOV), "fic-json", secret=None, out=tmp_path / "fic.json")
    body = json.loads(Path(fic.path or "").read_text())
    assert body["audiences"] == ["api://AzureADTokenExchangeUSGov"]
    assert body["issuer"].endswith("/")  # AKS issuers keep their trailing slash


def test_fic_json_needs_issuer_and_subject(tmp_path: Path) -> None:
    with pytest.raises(ConfigFileError):
        export_config(FEDERATED, "fic-json", secret=None, out=tmp_path / "fic.json")


def test_secret_profiles_do_not_fit_the_federated_formats() -> None:
    assert FORMATS["kubernetes"].mismatch(WORKFORCE)
