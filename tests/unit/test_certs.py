"""Certificate generation and inspection, cross-checked with openssl where present."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from wizard.certs.generate import build_certificate, generate_certificate
from wizard.certs.inspect import inspect_certificate
from wizard.errors import CertificateError, FileExistsRefusal, UsageError
from wizard.secret import Secret


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    folder = tmp_path_factory.mktemp("cert")
    old = os.umask(0)  # modes must not depend on the umask
    try:
        result = generate_certificate(subject="CN=unit-daemon,O=Contoso", out_dir=folder, days=60)
    finally:
        os.umask(old)
    return folder, result


def test_files_and_modes(generated: tuple[Path, object]) -> None:
    folder, _ = generated
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in folder.iterdir()}
    assert modes == {
        "daemon.key.pem": 0o600,
        "daemon.cer": 0o644,
        "daemon.pem": 0o644,
        "daemon.pfx": 0o600,
        "daemon.combined.pem": 0o600,
    }
    assert (folder / "daemon.key.pem").read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    combined = (folder / "daemon.combined.pem").read_bytes()
    assert b"PRIVATE KEY" in combined and b"CERTIFICATE" in combined


def test_inspect_each_form_agrees(generated: tuple[Path, object]) -> None:
    folder, result = generated
    infos = [
        inspect_certificate(folder / "daemon.pem", key_path=folder / "daemon.key.pem"),
        inspect_certificate(folder / "daemon.cer"),
        inspect_certificate(folder / "daemon.pfx"),
        inspect_certificate(folder / "daemon.combined.pem"),
    ]
    assert {i.thumbprints for i in infos} == {result.thumbprints}  # type: ignore[attr-defined]
    first = infos[0]
    assert first.subject == "CN=unit-daemon,O=Contoso"
    assert first.key_type == "RSA" and first.key_size == 2048
    assert first.key_matches is True and infos[1].key_matches is None
    assert 58 <= first.days_left <= 60
    assert first.problems == ()
    assert len(first.thumbprints.sha1_hex) == 40 and len(first.thumbprints.sha256_hex) == 64


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl not installed")
def test_thumbprints_match_openssl(generated: tuple[Path, object]) -> None:
    folder, result = generated
    for algo, expected in (
        ("-sha1", result.thumbprints.sha1_hex),
        ("-sha256", result.thumbprints.sha256_hex),
    ):  # type: ignore[attr-defined]
        out = subprocess.run(
            ["openssl", "x509", "-in", str(folder / "daemon.pem"), "-noout", "-fingerprint", algo],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        assert out.strip().split("=", 1)[1].replace(":", "") == expected


def test_x5t_is_base64url_of_sha1(generated: tuple[Path, object]) -> None:
    import base64

    _, result = generated
    tp = result.thumbprints  # type: ignore[attr-defined]
    assert base64.urlsafe_b64decode(tp.x5t + "=" * (-len(tp.x5t) % 4)).hex().upper() == tp.sha1_hex
    assert (
        base64.urlsafe_b64decode(tp.x5t_s256 + "=" * (-len(tp.x5t_s256) % 4)).hex().upper() == tp.sha256_hex
    )


def test_never_overwrites_without_force(generated: tuple[Path, object], tmp_path: Path) -> None:
    folder, _ = generated
    with pytest.raises(FileExistsRefusal):
        generate_certificate(subject="CN=x", out_dir=folder)
    first = generate_certificate(subject="CN=x", out_dir=tmp_path)
    second = generate_certificate(subject="CN=y", out_dir=tmp_path, force=True)
    assert second.files["key"].backup == str(tmp_path / "daemon.key.pem.bak")
    assert Path(second.files["key"].backup).read_bytes() != (tmp_path / "daemon.key.pem").read_bytes()
    assert first.thumbprints != second.thumbprints


def test_passphrase_encrypts_key_and_pfx(tmp_path: Path) -> None:
    pw = Secret("correct horse battery staple")
    generate_certificate(subject="CN=enc", out_dir=tmp_path, passphrase=pw, key_size=3072)
    pem = (tmp_path / "daemon.key.pem").read_bytes()
    assert pem.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    key = serialization.load_pem_private_key(pem, password=pw.reveal().encode())
    assert key.key_size == 3072  # type: ignore[union-attr]
    with pytest.raises(CertificateError, match="PFX file is protected by a password"):
        inspect_certificate(tmp_path / "daemon.pfx")
    assert inspect_certificate(tmp_path / "daemon.pfx", password=pw).key_matches is True
    with pytest.raises(CertificateError, match="encrypted"):
        inspect_certificate(tmp_path / "daemon.pem", key_path=tmp_path / "daemon.key.pem")


@pytest.mark.parametrize("size", [1024, 2047, 8192])
def test_refuses_key_sizes_entra_rejects(size: int) -> None:
    with pytest.raises(UsageError, match="not accepted"):
        build_certificate(subject="CN=x", key_size=size)


def test_subject_forms() -> None:
    _, cert = build_certificate(subject="bare-name")
    assert cert.subject.rfc4514_string() == "CN=bare-name"
    with pytest.raises(UsageError):
        build_certificate(subject="O=NoCommonName")
    with pytest.raises(UsageError):
        build_certificate(subject="")


def test_mismatched_key_and_expired_certificate_are_problems(tmp_path: Path) -> None:
    import datetime as dt

    a, b = tmp_path / "a", tmp_path / "b"
    generate_certificate(subject="CN=a", out_dir=a)
    generate_certificate(subject="CN=b", out_dir=b)
    info = inspect_certificate(a / "daemon.pem", key_path=b / "daemon.key.pem")
    assert info.key_matches is False
    assert any("does not belong" in p for p in info.problems)
    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=400)
    expired = inspect_certificate(a / "daemon.pem", now=later)
    assert expired.expired and any("expired" in p for p in expired.problems)


@pytest.mark.parametrize(
    "content",
    [b"", b"garbage", b"-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----\n", bytes(range(256))],
)
def test_garbage_gives_a_clear_error(tmp_path: Path, content: bytes) -> None:
    f = tmp_path / "bad.pem"
    f.write_bytes(content)
    with pytest.raises(CertificateError):
        inspect_certificate(f)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CertificateError, match="does not exist"):
        inspect_certificate(tmp_path / "nope.pem")
