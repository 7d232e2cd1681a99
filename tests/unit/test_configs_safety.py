"""Writing configs safely: 0600 whatever the umask, no overwrite without --force, backups, dry runs."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from configs_fixtures import CANARY, WORKFORCE, make_certificate, with_certificate

from wizard.cli.main import main
from wizard.configs import FORMATS, export_all, export_config, import_config
from wizard.errors import CertificateError, FileExistsRefusal, UsageError, ValidationError
from wizard.secret import Secret


@pytest.fixture
def umask_zero() -> Iterator[None]:
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


def mode(path: str | Path) -> int:
    return stat.S_IMODE(Path(path).stat().st_mode)


@pytest.mark.usefixtures("umask_zero")
def test_secret_files_are_0600_and_others_0644_whatever_the_umask(tmp_path: Path) -> None:
    results = export_all(WORKFORCE, secret=CANARY, out_dir=tmp_path)
    assert {r.format for r in results} >= {"python-secret", "node-console", "java-secret", "azure-identity"}
    for result in results:
        expected = 0o600 if FORMATS[result.format].secret_bearing else 0o644
        assert mode(result.path or "") == expected, result.format


@pytest.mark.usefixtures("umask_zero")
def test_derived_key_files_are_0600(tmp_path: Path) -> None:
    profile = with_certificate(WORKFORCE, make_certificate(tmp_path))
    result = export_config(
        profile, "java-certificate", secret=None, out=tmp_path / "j" / "application.properties"
    )
    secrets = [w for w in result.written if w.secret]
    assert secrets
    assert all(mode(w.path) == 0o600 for w in secrets)


def test_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    target = tmp_path / "parameters.json"
    target.write_text("keep me")
    with pytest.raises(FileExistsRefusal):
        export_config(WORKFORCE, "python-secret", secret=CANARY, out=target)
    assert target.read_text() == "keep me"


def test_force_keeps_a_backup(tmp_path: Path) -> None:
    target = tmp_path / "parameters.json"
    target.write_text("old content")
    result = export_config(WORKFORCE, "python-secret", secret=CANARY, out=target, force=True)
    backup = result.written[-1].backup
    assert backup is not None
    assert Path(backup).read_text() == "old content"
    assert CANARY.reveal() in target.read_text()


def test_no_file_is_written_when_a_derived_file_exists(tmp_path: Path) -> None:
    profile = with_certificate(WORKFORCE, make_certificate(tmp_path))
    (tmp_path / "pkcs8_key").write_bytes(b"old")
    with pytest.raises(FileExistsRefusal):
        export_config(profile, "java-certificate", secret=None, out=tmp_path / "application.properties")
    assert not (tmp_path / "application.properties").exists()


def test_dry_run_writes_nothing_and_masks_secrets_in_the_diff(tmp_path: Path) -> None:
    target = tmp_path / ".env"
    old_secret = Secret("Old~secret.value-12345")
    export_config(WORKFORCE, "azure-identity", secret=old_secret, out=target)
    before = target.read_bytes()
    result = export_config(
        WORKFORCE.with_(tenant="other.example"), "azure-identity", secret=CANARY, out=target, dry_run=True
    )
    assert target.read_bytes() == before
    assert list(tmp_path.iterdir()) == [target]
    assert result.diff is not None
    assert "+AZURE_TENANT_ID=other.example" in result.diff
    assert CANARY.reveal() not in result.diff
    assert old_secret.reveal() not in result.diff
    assert CANARY.masked in result.diff


def test_dry_run_of_a_new_file_diffs_against_nothing(tmp_path: Path) -> None:
    result = export_config(
        WORKFORCE, "java-secret", secret=CANARY, out=tmp_path / "a.properties", dry_run=True
    )
    assert result.diff is not None
    assert result.diff.startswith("--- /dev/null")
    assert not (tmp_path / "a.properties").exists()


def test_missing_secret_warns_and_leaves_a_placeholder(tmp_path: Path) -> None:
    result = export_config(WORKFORCE, "node-console", secret=None, out=tmp_path / ".env")
    assert any("No client secret" in w for w in result.warnings)
    report = import_config(tmp_path / ".env")
    assert [k for k, _ in report.placeholders] == ["CLIENT_SECRET"]


def test_git_work_tree_warning(tmp_path: Path) -> None:
    import subprocess

    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    result = export_config(WORKFORCE, "python-secret", secret=CANARY, out=tmp_path / "parameters.json")
    assert any("git work tree" in w for w in result.warnings)


@pytest.mark.parametrize("missing", ["client_id", "tenant"])
def test_profile_without_client_or_tenant_is_refused(tmp_path: Path, missing: str) -> None:
    with pytest.raises(ValidationError) as exc:
        export_config(
            WORKFORCE.with_(**{missing: ""}), "azure-identity", secret=CANARY, out=tmp_path / ".env"
        )
    assert exc.value.field == missing
    assert not (tmp_path / ".env").exists()


def test_import_checks_the_key_files_it_can_see(tmp_path: Path) -> None:
    ref = make_certificate(tmp_path)
    java = tmp_path / "application.properties"
    java.write_text(
        "AUTHORITY=https://login.microsoftonline.com/contoso.example/\n"
        "CLIENT_ID=6a1f3c2e-0b9d-4c57-8e21-3f4d5a6b7c8d\n"
        f"KEY_PATH={ref.key_path}\nCERT_PATH={ref.cert_path}\nSCOPE=https://graph.microsoft.com/.default\n"
    )
    assert [k for k, _ in import_config(java).malformed] == ["KEY_PATH"]
    env = tmp_path / ".env"
    env.write_text(
        "AZURE_TENANT_ID=contoso.example\nAZURE_CLIENT_ID=6a1f3c2e-0b9d-4c57-8e21-3f4d5a6b7c8d\n"
        f"AZURE_CLIENT_CERTIFICATE_PATH={ref.key_path}\n"
    )
    assert [k for k, _ in import_config(env).malformed] == ["AZURE_CLIENT_CERTIFICATE_PATH"]


def test_certificate_format_refuses_a_secret_profile(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="certificate"):
        export_config(WORKFORCE, "java-certificate", secret=CANARY, out=tmp_path / "x")


def test_encrypted_key_without_passphrase_is_a_clear_error(tmp_path: Path) -> None:
    profile = with_certificate(WORKFORCE, make_certificate(tmp_path, passphrase=Secret("pw-123456")))
    with pytest.raises(CertificateError, match="encrypted"):
        export_config(profile, "azure-identity", secret=None, out=tmp_path / ".env")


def test_cli_never_prints_the_secret(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    secret_file = tmp_path / "secret"
    secret_file.write_text(CANARY.reveal() + "\n")
    base = ["--tenant", "contoso.example", "--client-id", "6a1f3c2e-0b9d-4c57-8e21-3f4d5a6b7c8d"]
    assert (
        main(
            [
                "export",
                "--format",
                "all",
                "--out",
                str(tmp_path / "all"),
                "--secret-file",
                str(secret_file),
                *base,
            ]
        )
        == 0
    )
    assert main(["export", "--format", "dotnet-console", "--secret-file", str(secret_file), *base]) == 0
    target = tmp_path / "all" / "python-secret" / "parameters.json"
    assert main(["import", str(target), "--json"]) == 0
    assert main(["import", str(target), "--save", "mine"]) == 0
    captured = capsys.readouterr()
    assert CANARY.reveal() not in captured.out + captured.err
    assert CANARY.masked in captured.out
    saved = Path(os.environ["DAEMON_WIZARD_HOME"]) / "config" / "profiles" / "mine.toml"
    assert CANARY.reveal() not in saved.read_text()
    assert 'name = "mine"' in saved.read_text()


def test_cli_import_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from reference_data import sample

    assert main(["import", str(sample("ms-identity-javascript-nodejs-console/.env"))]) == 1
    assert "placeholder: TENANT_ID" in capsys.readouterr().out
    garbage = tmp_path / "x.bin"
    garbage.write_bytes(b"\x00\x01\x02")
    assert main(["import", str(garbage)]) == 2


def test_cli_secret_flag_value_is_not_accepted() -> None:
    with pytest.raises(SystemExit) as exc:
        main(["export", "--format", "python-secret", "--secret", "abc"])
    assert exc.value.code == 2
