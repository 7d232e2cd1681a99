"""`doctor --sandbox --sandbox-app NAME` against the imitated resources: msal over HTTPS gets the token, the
resource refuses as the real service does, and the finding names the fix; the granted twin passes."""

from __future__ import annotations

import json

import pytest
from sandbox_cli import profile_flags

from wizard.cli.main import main
from wizard.sandbox import Sandbox
from wizard.secret_sources import ENV_CLIENT_SECRET


def _doctor(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, object]]:
    code = main(["doctor", *argv, "--json"])
    data: dict[str, object] = json.loads(capsys.readouterr().out)
    return code, data


@pytest.mark.parametrize(
    ("refused", "granted", "status", "code", "fix_has"),
    [
        (
            "kv-daemon-no-access",
            "kv-daemon",
            403,
            "azure-rbac-missing",
            "az keyvault set-policy --name contoso-kv-policies",
        ),
        (
            "kv-rbac-daemon-no-role",
            "kv-rbac-daemon",
            403,
            "azure-rbac-missing",
            '--role "Key Vault Secrets User"',
        ),
        (
            "arm-daemon-no-role",
            "arm-daemon",
            403,
            "azure-rbac-missing",
            '--role "Reader" --scope /subscriptions/',
        ),
        ("spo-secret-daemon", "spo-cert-daemon", 401, "sharepoint-certificate-required", "certificate"),
        ("pwreset-daemon", "pwreset-admin-daemon", 403, "directory-role-required", "User Administrator"),
    ],
)
def test_resource_refusal_is_named_and_the_granted_twin_passes(
    capsys: pytest.CaptureFixture[str], refused: str, granted: str, status: int, code: str, fix_has: str
) -> None:
    exit_code, report = _doctor(capsys, "--sandbox", "--sandbox-app", refused)
    findings = report["findings"]
    assert isinstance(findings, list) and findings, report
    assert exit_code == 1
    assert findings[0]["code"] == code, findings
    assert fix_has in findings[0]["fix"]
    api = report["api"]
    assert isinstance(api, list) and api[-1]["status"] == status
    exit_code, report = _doctor(capsys, "--sandbox", "--sandbox-app", granted)
    assert exit_code == 0, report["findings"]
    assert report["verdict"] == "ok"


def test_api_url_at_the_vault_imitation_with_the_vault_resource(
    sandbox: Sandbox, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Explicit flags, as for a real vault: the token is for https://vault.azure.net, the call the vault's."""
    flags = profile_flags(sandbox, "kv-daemon-no-access")
    flags[flags.index("--scope") + 1] = "https://vault.azure.net/.default"
    url = f"{sandbox.base_url}/azure/keyvault/contoso-kv-policies/secrets/db-password?api-version=7.4"
    flags[flags.index("--api-url") + 1] = url
    monkeypatch.setenv(ENV_CLIENT_SECRET, str(sandbox.app("kv-daemon-no-access").secret))
    exit_code, report = _doctor(capsys, *flags)
    assert exit_code == 1
    token = report["token"]
    assert isinstance(token, dict) and token["aud"] == "https://vault.azure.net", token
    findings = report["findings"]
    assert isinstance(findings, list) and findings[0]["code"] == "azure-rbac-missing", findings
