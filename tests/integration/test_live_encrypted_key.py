"""A certificate whose private key is encrypted: the passphrase unlocks it for the token test."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from wizard.certs.generate import generate_certificate
from wizard.cli.main import main
from wizard.live.doctor import DoctorOptions, run_doctor
from wizard.live.sandbox_profile import sandbox_app_profile
from wizard.profile import CertificateRef, CredentialKind
from wizard.sandbox import Sandbox
from wizard.secret import Secret

PASSPHRASE = "CANARY-pass-phrase-0123456789"


@pytest.fixture
def encrypted(make_sandbox: Callable[..., Sandbox], tmp_path: Path) -> tuple[Sandbox, Path]:
    sb = make_sandbox()
    made = generate_certificate(subject="CN=encrypted", out_dir=tmp_path, passphrase=Secret(PASSPHRASE))
    sb.state.upload_certificate(
        sb.app("cert-daemon").client_id, Path(made.files["cert_der"].path).read_bytes()
    )
    return sb, tmp_path


def test_doctor_with_the_passphrase_passes(encrypted: tuple[Sandbox, Path]) -> None:
    sb, folder = encrypted
    profile, _ = sandbox_app_profile(sb, "cert-daemon")
    profile = profile.with_(
        credential=CredentialKind.CERTIFICATE,
        certificate=CertificateRef(
            key_path=str(folder / "daemon.key.pem"), cert_path=str(folder / "daemon.pem")
        ),
    )
    ok = run_doctor(profile, secret=Secret(PASSPHRASE), ca_file=sb.ca_file, options=DoctorOptions(timeout=20))
    assert ok.verdict == "ok", ok.findings
    locked = run_doctor(profile, secret=None, ca_file=sb.ca_file, options=DoctorOptions(timeout=20))
    assert locked.verdict == "fail"
    assert locked.findings[0].code == "certificate-unreadable"
    assert "encrypted" in locked.findings[0].explanation


def test_doctor_cli_reads_the_passphrase_file(
    encrypted: tuple[Sandbox, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    sb, folder = encrypted
    app = sb.app("cert-daemon")
    pw = folder / "passphrase.txt"
    pw.write_text(PASSPHRASE)
    pw.chmod(0o600)
    argv = [
        "doctor",
        "--authority",
        app.authority,
        "--client-id",
        app.client_id,
        "--api-url",
        f"{sb.graph_base_url}/users",
        "--key",
        str(folder / "daemon.key.pem"),
        "--certificate",
        str(folder / "daemon.pem"),
        "--ca-file",
        sb.ca_file,
        "--passphrase-file",
        str(pw),
        "--no-proxy",
        "--json",
        "--verbose",
    ]
    code = main(argv)
    captured = capsys.readouterr()
    assert code == 0, captured.out
    assert json.loads(captured.out)["verdict"] == "ok"
    assert PASSPHRASE not in captured.out + captured.err
