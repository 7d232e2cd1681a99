"""Key and certificate files Entra would refuse are reported as such, before any request, through the real
CLI: `certificate-unreadable` (type, size, password, no key, wrong key) and `certificate-expired`."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import socket
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from reliability_helpers import Done, run_cli, sandbox_flags

from wizard.cli.main import build_parser
from wizard.cli.profile_args import certificate_from_flags
from wizard.live.sandbox_profile import sandbox_app_profile
from wizard.profile import CertificateRef
from wizard.profile_store import save_profile
from wizard.sandbox import Sandbox

TENANT = "11111111-1111-4111-8111-111111111111"
CLIENT = "22222222-2222-4222-8222-222222222222"
PASSPHRASE = "CANARY-key-passphrase-0123456789"
NOW = dt.datetime.now(dt.timezone.utc)


def _key(kind: str) -> rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey:
    if kind == "ec":
        return ec.generate_private_key(ec.SECP256R1())
    if kind == "ed25519":
        return ed25519.Ed25519PrivateKey.generate()
    return rsa.generate_private_key(public_exponent=65537, key_size=1024 if kind == "rsa1024" else 2048)


def _pair(
    folder: Path,
    name: str,
    *,
    kind: str = "rsa",
    start: dt.timedelta = dt.timedelta(days=-1),
    end: dt.timedelta = dt.timedelta(days=30),
) -> tuple[Path, Path]:
    """A private key (PEM) and a self-signed certificate (PEM) with this key type and validity."""
    key = _key(kind)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW + start)
        .not_valid_after(NOW + end)
        .sign(key, None if kind == "ed25519" else hashes.SHA256())
    )
    key_path, cert_path = folder / f"{name}.key.pem", folder / f"{name}.pem"
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key_path, cert_path


def _closed_authority() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"https://127.0.0.1:{port}/{TENANT}"


def _doctor_argv(*credential: str) -> list[str]:
    """doctor against an authority nobody listens on: only a check before any request can name the file."""
    return [
        "doctor",
        "--authority",
        _closed_authority(),
        "--client-id",
        CLIENT,
        "--no-prompt",
        "--no-proxy",
        "--timeout",
        "10",
        *credential,
    ]


def _doctor(*credential: str) -> tuple[Done, dict[str, object]]:
    done = run_cli(*_doctor_argv(*credential, "--json"))
    assert "Traceback" not in done.out + done.err, done.err[-2000:]
    return done, json.loads(done.out)


def _encrypt(key: Path) -> None:
    loaded = serialization.load_pem_private_key(key.read_bytes(), None)
    key.write_bytes(
        loaded.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(PASSPHRASE.encode()),
        )
    )


def _first(report: dict[str, object]) -> dict[str, str]:
    findings = report["findings"]
    assert isinstance(findings, list) and findings, report
    first = findings[0]
    assert isinstance(first, dict)
    return first


@pytest.mark.parametrize(("kind", "said"), [("ec", "EC"), ("ed25519", "Ed25519"), ("rsa1024", "RSA 1024")])
def test_keys_entra_refuses_are_unreadable_before_any_request(tmp_path: Path, kind: str, said: str) -> None:
    key, cert = _pair(tmp_path, kind, kind=kind)
    done, report = _doctor("--key", str(key), "--certificate", str(cert))
    first = _first(report)
    assert done.code == 1
    assert first["code"] == "certificate-unreadable", report["findings"]
    assert said in first["explanation"] and "RSA key of at least 2048 bits" in first["explanation"]
    assert "generator object" not in done.out + done.err


@pytest.mark.parametrize(
    ("start", "end"),
    [(dt.timedelta(days=-60), dt.timedelta(days=-1)), (dt.timedelta(days=2), dt.timedelta(days=30))],
    ids=["expired", "not-yet-valid"],
)
def test_certificate_outside_its_validity_is_expired_before_any_request(
    tmp_path: Path, start: dt.timedelta, end: dt.timedelta
) -> None:
    key, cert = _pair(tmp_path, "dated", start=start, end=end)
    done, report = _doctor("--key", str(key), "--certificate", str(cert))
    assert done.code == 1
    assert _first(report)["code"] == "certificate-expired", report["findings"]


def test_key_of_another_certificate_is_unreadable(tmp_path: Path) -> None:
    key, _ = _pair(tmp_path, "one")
    _, cert = _pair(tmp_path, "two")
    _, report = _doctor("--key", str(key), "--certificate", str(cert))
    first = _first(report)
    assert first["code"] == "certificate-unreadable", report["findings"]
    assert "does not match the certificate" in first["explanation"]


def _pfx(folder: Path, *, with_key: bool, password: str | None) -> Path:
    key_path, cert_path = _pair(folder, "for-pfx")
    cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    loaded = serialization.load_pem_private_key(key_path.read_bytes(), None)
    assert isinstance(loaded, rsa.RSAPrivateKey)
    key = loaded
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(password.encode()) if password else serialization.NoEncryption()
    )
    pfx = folder / ("daemon.pfx" if with_key else "cert-only.pfx")
    pfx.write_bytes(
        pkcs12.serialize_key_and_certificates(b"daemon", key if with_key else None, cert, None, encryption)
    )
    return pfx


def test_wrong_pfx_password_reads_as_a_wrong_password(tmp_path: Path) -> None:
    pfx = _pfx(tmp_path, with_key=True, password="the-right-one")
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("not-the-password")
    wrong.chmod(0o600)
    done = run_cli("cert", "inspect", str(pfx), "--passphrase-file", str(wrong))
    assert "Traceback" not in done.err
    assert done.code == 2
    assert "PFX password is wrong" in done.err
    assert "not a certificate, key or PFX" not in done.err
    _, report = _doctor("--pfx", str(pfx), "--passphrase-file", str(wrong))
    assert _first(report)["code"] == "certificate-unreadable", report["findings"]


def test_cert_inspect_of_an_ec_certificate_names_the_code(tmp_path: Path) -> None:
    _, cert = _pair(tmp_path, "ec", kind="ec")
    done = run_cli("cert", "inspect", str(cert), "--json")
    assert done.code == 1
    info = json.loads(done.out)
    assert info["codes"] == ["certificate-unreadable"]
    assert any("RSA key of at least 2048 bits" in p for p in info["problems"])


def test_hints_for_an_encrypted_key_name_flags_doctor_has(tmp_path: Path) -> None:
    key, cert = _pair(tmp_path, "enc")
    _encrypt(key)
    done = run_cli(*_doctor_argv("--key", str(key), "--certificate", str(cert)))
    assert "Traceback" not in done.err
    # Flags written after another command (`daemon-wizard cert new --subject ...`) belong to that one.
    text = re.sub(r"daemon-wizard (?!doctor)[a-z-]+[^`\n)]*", "", done.out + done.err)
    named = set(re.findall(r"(?<![\w-])(--[a-z][a-z0-9-]+)", text))
    assert "--passphrase-file" in named
    commands = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    flags = {o for action in commands.choices["doctor"]._actions for o in action.option_strings}
    assert named <= flags, named - flags


# -- against a sandbox -------------------------------------------------------------------------------------
def test_pfx_flag_beats_the_profile_key_and_a_pfx_without_key_is_unreadable(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    profile, _ = sandbox_app_profile(sandbox, "cert-daemon")
    save_profile(profile.with_(name="certdaemon"), name="certdaemon")  # key + certificate that work
    ok = run_cli("doctor", "--profile", "certdaemon", "--ca-file", sandbox.ca_file, "--no-proxy", "--json")
    assert ok.code == 0, ok.out  # the profile alone works
    cert_only = _pfx(tmp_path, with_key=False, password=None)
    done = run_cli(
        "doctor",
        "--profile",
        "certdaemon",
        "--pfx",
        str(cert_only),
        "--ca-file",
        sandbox.ca_file,
        "--no-proxy",
        "--json",
    )
    assert "Traceback" not in done.err
    report = json.loads(done.out)
    assert report["verdict"] == "fail"
    first = _first(report)
    assert first["code"] == "certificate-unreadable", report["findings"]
    assert "holds no private key" in first["explanation"]


def test_passphrase_file_is_honoured_with_sandbox(tmp_path: Path) -> None:
    key, cert = _pair(tmp_path, "locked")
    _encrypt(key)
    pw = tmp_path / "passphrase.txt"
    pw.write_text(PASSPHRASE)
    pw.chmod(0o600)
    done = run_cli(
        "doctor",
        "--sandbox",
        "--sandbox-app",
        "cert-daemon",
        "--key",
        str(key),
        "--certificate",
        str(cert),
        "--passphrase-file",
        str(pw),
        "--json",
    )
    assert "Traceback" not in done.err
    report = json.loads(done.out)
    # The key was unlocked and signed: the sandbox answers that this (new) certificate is not registered.
    assert _first(report)["code"] == "certificate-not-registered", report["findings"]
    assert "encrypted" not in json.dumps(report["findings"])
    assert PASSPHRASE not in done.out + done.err


def test_azure_identity_untrusted_tls_is_exit_3(sandbox: Sandbox) -> None:
    flags = [f for f in sandbox_flags(sandbox) if f != sandbox.ca_file and f != "--ca-file"]
    app = sandbox.app("graph-daemon")
    done = run_cli(
        "token", *flags, "--via", "azure-identity", env={"DAEMON_WIZARD_CLIENT_SECRET": app.secret or ""}
    )
    assert "Traceback" not in done.err
    assert done.code == 3, done.err
    assert "not trusted" in done.err


def test_certificate_flags_replace_the_profile_files_by_one_precedence() -> None:
    # --pfx replaces the profile's key and certificate; --certificate replaces only the certificate,
    # and the old certificate's thumbprints do not survive it.
    old = CertificateRef(key_path="a.key", cert_path="a.pem", thumbprint_sha1="AA" * 20)
    cert_flag = certificate_from_flags(old, argparse.Namespace(pfx=None, key=None, certificate="b.pem"))
    assert cert_flag == CertificateRef(key_path="a.key", cert_path="b.pem")
    pfx_flag = certificate_from_flags(old, argparse.Namespace(pfx="c.pfx", key=None, certificate=None))
    assert pfx_flag == CertificateRef(pfx_path="c.pfx")
