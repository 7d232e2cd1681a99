"""The CLI's public interface: output shape, exit codes, and no secret on any stream."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from wizard.cli.main import main

TENANT = "aaaabbbb-0000-cccc-1111-dddd2222eeee"
CLIENT = "11112222-bbbb-3333-cccc-4444dddd5555"
CANARY = "CANARY~s3cr3t-d0-not-leak-0123456789abc"


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_version_and_help() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "wizard", "--version"], check=True, capture_output=True, text=True
    ).stdout
    assert out.startswith("daemon-wizard ")
    helptext = subprocess.run(
        [sys.executable, "-m", "wizard", "--help"], check=True, capture_output=True, text=True
    ).stdout
    for command in ("validate", "consent-url", "cert"):
        assert command in helptext


def test_usage_error_exit_code(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["validate", "--cloud", "mars"])
    assert info.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_validate_ok_json(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DAEMON_WIZARD_CLIENT_SECRET", CANARY)
    code, out, err = run(["validate", "--tenant", TENANT, "--client-id", CLIENT, "--json"], capsys)
    data = json.loads(out)
    assert code == 0
    assert data["ok"] is True and data["problems"] == []
    assert data["secret"] == "CAN…abc"
    assert CANARY not in out + err


def test_validate_reports_every_problem(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        [
            "validate",
            "--authority",
            "https://login.microsoftonline.com/common",
            "--client-id",
            "your_client_id",
            "--scope",
            "openid",
            "--no-prompt",
            "--json",
        ],
        capsys,
    )
    data = json.loads(out)
    assert code == 1
    assert [p["code"] for p in data["problems"]] == [
        "tenant-common",
        "placeholder",
        "credential-missing",
        "scope-oidc",
    ]
    assert all(p["fix"] for p in data["problems"])


def test_validate_secret_from_file_is_masked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "s"
    f.write_text(CANARY)
    f.chmod(0o600)
    code, out, err = run(
        ["validate", "--tenant", TENANT, "--client-id", CLIENT, "--secret-file", str(f)], capsys
    )
    assert code == 0 and "No problems found." in out
    assert CANARY not in out + err


def test_secret_is_never_accepted_as_a_flag(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["validate", "--secret", CANARY])
    assert info.value.code == 2


def test_consent_url_json_and_blocking_problems(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        ["consent-url", "--tenant", TENANT, "--client-id", CLIENT, "--state", "x", "--json"], capsys
    )
    data = json.loads(out)
    assert code == 0
    assert data["v2"].startswith(
        f"https://login.microsoftonline.com/{TENANT}/v2.0/adminconsent?client_id={CLIENT}"
    )
    assert data["scope"] == "https://graph.microsoft.com/.default"
    assert set(data) >= {"classic", "who_can_consent", "redirect_carries"}
    code, out, err = run(["consent-url", "--tenant", "common", "--client-id", CLIENT], capsys)
    assert code == 2 and "tenant-common" not in err and "specific tenant" in err


def test_cert_new_and_inspect(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["cert", "new", "--subject", "CN=cli", "--out", str(tmp_path), "--json"], capsys)
    made = json.loads(out)
    assert code == 0 and made["files"]["key"]["mode"] == "600"
    assert "PRIVATE KEY" not in out
    code, out, _ = run(
        [
            "cert",
            "inspect",
            str(tmp_path / "daemon.cer"),
            "--key",
            str(tmp_path / "daemon.key.pem"),
            "--json",
        ],
        capsys,
    )
    info = json.loads(out)
    assert code == 0 and info["key_matches"] is True
    assert info["thumbprints"] == made["thumbprints"]
    code, out, err = run(["cert", "new", "--subject", "CN=cli", "--out", str(tmp_path)], capsys)
    assert code == 1 and "already exists" in err and "--force" in err


def test_cert_inspect_garbage_exit_code(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.cer"
    bad.write_bytes(b"\x00\x01garbage")
    code, out, err = run(["cert", "inspect", str(bad), "--json"], capsys)
    assert code == 2  # not a certificate is bad input (issue 11), and the JSON says the same code
    assert json.loads(out)["exit_code"] == 2
    assert json.loads(out)["error"]["type"] == "CertificateUnreadable"
    assert "not a certificate, key or PFX" in err
    assert "Traceback" not in err


def test_export_refuses_a_profile_that_cannot_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(
        [
            "export",
            "--format",
            "python-secret",
            "--out",
            str(tmp_path / "p.json"),
            "--tenant",
            "common",
            "--client-id",
            CLIENT,
            "--no-prompt",
        ],
        capsys,
    )
    assert code == 2
    assert "Not exported: tenant" in err
    assert not (tmp_path / "p.json").exists()


def test_validate_reads_a_sample_config_with_from(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sample = tmp_path / "parameters.json"
    sample.write_text(
        json.dumps(
            {
                "authority": "https://login.microsoftonline.com/Enter_the_Tenant_Name_Here",
                "oidc_authority": None,
                "client_id": CLIENT,
                "scope": ["https://graph.microsoft.com/.default"],
                "secret": CANARY,
                "endpoint": "https://graph.microsoft.com/v1.0/users",
            }
        )
    )
    code, out, err = run(["validate", "--from", str(sample), "--json"], capsys)
    data = json.loads(out)
    assert code == 1
    assert data["source"] == f"file:{sample}"
    assert [(p["field"], p["code"]) for p in data["problems"]] == [("tenant", "required")]
    assert any("placeholder" in w and "Enter_the_Tenant_Name_Here" in w for w in data["warnings"])
    assert CANARY not in out + err
    code, out, _ = run(["validate", "--from", str(sample), "--tenant", TENANT, "--json"], capsys)
    assert code == 0
