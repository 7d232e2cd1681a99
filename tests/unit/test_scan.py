"""`scan`: planted secrets, keys, PFX files, certificates and configs found with file and line; reports."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from reference_data import SAMPLES, require

from wizard.cli.main import main
from wizard.scan import scan_tree
from wizard.scan.reports import to_junit, to_sarif

SECRET = "Abc8Q~" + "x" * 27 + "1234567"  # the Entra format: 3 chars, a digit, Q~, 34 more (40 in all)
NOW = dt.datetime(2026, 12, 1, tzinfo=dt.timezone.utc)


def _cert(days: int) -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "daemon")])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(NOW - dt.timedelta(days=400))
        .not_valid_after(NOW + dt.timedelta(days=days))
        .sign(key, hashes.SHA256())
    )
    return key, cert


@pytest.fixture(scope="module")
def certs() -> dict[str, tuple[rsa.RSAPrivateKey, x509.Certificate]]:
    return {"expired": _cert(-3), "soon": _cert(10), "fine": _cert(300)}


def _tree(root: Path, certs: dict[str, tuple[rsa.RSAPrivateKey, x509.Certificate]]) -> None:
    (root / "app").mkdir()
    (root / "app" / "settings.py").write_text(f"# config\nCLIENT = 'x'\nSECRET = '{SECRET}'\n")
    (root / "node").mkdir()
    (root / "node" / ".env").write_text(
        "CLIENT_ID=Enter_the_Application_Id_Here\nAUTHORITY=https://contoso.ciamlogin.com/\n"
        "NODE_TLS_REJECT_UNAUTHORIZED=0\n"
    )
    key, cert = certs["expired"]
    (root / "old.cer").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (root / "soon.crt").write_bytes(certs["soon"][1].public_bytes(serialization.Encoding.DER))
    (root / "fine.pem").write_bytes(certs["fine"][1].public_bytes(serialization.Encoding.PEM))
    (root / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    open_pfx = pkcs12.serialize_key_and_certificates(b"d", key, cert, None, serialization.NoEncryption())
    locked = pkcs12.serialize_key_and_certificates(
        b"d", key, cert, None, serialization.BestAvailableEncryption(b"pw")
    )
    (root / "open.pfx").write_bytes(open_pfx)
    (root / "locked.p12").write_bytes(locked)
    (root / "node_modules").mkdir()
    (root / "node_modules" / "dep.js").write_text(f"const s = '{SECRET}'")  # pruned: not the project's own


def test_every_planted_problem_with_file_and_line(
    tmp_path: Path, certs: dict[str, tuple[rsa.RSAPrivateKey, x509.Certificate]]
) -> None:
    _tree(tmp_path, certs)
    report = scan_tree(tmp_path, now=NOW, use_git=False)
    found = {(r.path, r.rule.id, r.line) for r in report.results}
    assert ("app/settings.py", "entra-client-secret", 3) in found
    assert ("node/.env", "tls-verification-disabled", 3) in found
    assert ("node/.env", "placeholder", 1) in found
    assert ("old.cer", "certificate-expired", 1) in found
    assert ("soon.crt", "certificate-expiring", 1) in found
    assert ("key.pem", "private-key", 1) in found
    assert ("open.pfx", "pfx-no-password", 1) in found
    assert not [r for r in report.results if r.path in {"fine.pem", "locked.p12"} or "node_modules" in r.path]
    assert any(c.path == "node/.env" for c in report.configs)
    assert report.errors >= 5


def test_the_secret_is_never_in_any_output(
    tmp_path: Path,
    certs: dict[str, tuple[rsa.RSAPrivateKey, x509.Certificate]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    _tree(tmp_path, certs)
    sarif, junit = tmp_path / "out.sarif", tmp_path / "out.xml"
    code = main(["scan", str(tmp_path), "--json", "--no-git", "--sarif", str(sarif), "--junit", str(junit)])
    captured = capsys.readouterr()
    assert code == 1
    data = json.loads(captured.out)
    hit = next(r for r in data["results"] if r["rule"] == "entra-client-secret")
    assert hit["data"]["hint"] == "Abc"
    for text in (captured.out, captured.err, sarif.read_text(), junit.read_text()):
        assert SECRET not in text


def test_sarif_shape(tmp_path: Path, certs: dict[str, tuple[rsa.RSAPrivateKey, x509.Certificate]]) -> None:
    _tree(tmp_path, certs)
    doc = to_sarif(scan_tree(tmp_path, now=NOW, use_git=False))
    assert doc["version"] == "2.1.0"
    (run,) = doc["runs"]
    rules = run["tool"]["driver"]["rules"]
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in {"error", "warning", "note"}
        loc = result["locations"][0]["physicalLocation"]
        assert not loc["artifactLocation"]["uri"].startswith("/")
        assert loc["region"]["startLine"] >= 1


def test_junit_failures_per_file(
    tmp_path: Path, certs: dict[str, tuple[rsa.RSAPrivateKey, x509.Certificate]]
) -> None:
    _tree(tmp_path, certs)
    root = ET.fromstring(to_junit(scan_tree(tmp_path, now=NOW, use_git=False)))
    cases = {c.get("name"): c for c in root.iter("testcase")}
    assert cases["app/settings.py"].find("failure") is not None
    assert int(root.get("failures", "0")) >= 5


def test_git_tracked_and_unignored_secret_files(tmp_path: Path) -> None:
    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(tmp_path), *args], check=True, capture_output=True)

    git("init", "-q")
    (tmp_path / "committed.txt").write_text(SECRET)
    (tmp_path / "loose.txt").write_text(SECRET)
    (tmp_path / "ignored.txt").write_text(SECRET)
    (tmp_path / ".gitignore").write_text("ignored.txt\n")
    git("add", "committed.txt")
    report = scan_tree(tmp_path, now=NOW)
    tracked = {
        (r.path, r.effective_level.value) for r in report.results if r.rule.id == "secret-file-tracked"
    }
    assert tracked == {("committed.txt", "error"), ("loose.txt", "warning")}


def test_a_clean_tree_exits_0_and_bad_path_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "README.md").write_text("nothing here\n")
    assert main(["scan", str(tmp_path), "--no-git"]) == 0
    assert "0 errors" in capsys.readouterr().err
    assert main(["scan", str(tmp_path / "missing")]) == 2
    with pytest.raises(SystemExit) as usage:
        main(["scan", str(tmp_path), "--expiring-within", "soon"])
    assert usage.value.code == 2


def test_the_official_samples_configs_are_all_found() -> None:
    """The samples' own config files (tests/data/reference): every daemon config, its format, placeholders."""
    report = scan_tree(require(SAMPLES), use_git=False)
    formats = {c.format for c in report.configs}
    assert formats == {
        "dotnet-ciam-daemon",
        "dotnet-daemon",
        "java-certificate",
        "java-secret",
        "node-console",
        "python-certificate",
        "python-secret",
    }
    with_placeholders = {r.path for r in report.results if r.rule.id == "placeholder"}
    assert len(with_placeholders) >= 6  # the samples ship Enter_the_..._Here values
    assert any(r.rule.id == "tls-verification-disabled" for r in report.results)
