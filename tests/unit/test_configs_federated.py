"""Federated profiles export to azure-identity's WorkloadIdentityCredential env and the profile, and back."""

from __future__ import annotations

from pathlib import Path

import pytest
from configs_fixtures import WORKFORCE

from wizard.configs import FORMATS, export_config, import_config
from wizard.configs.azure_identity import AKS_TOKEN_FILE
from wizard.profile import CredentialKind

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
