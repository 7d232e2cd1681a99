"""The sandbox's CA and RSA keys: made once, kept private, reused, and repaired when damaged."""

from __future__ import annotations

import os
import ssl
import stat
from pathlib import Path

import pytest
from cryptography import x509

from wizard.sandbox.keystore import KeyStore, key_pem
from wizard.sandbox.tls import CA_BUNDLE, _make_ca, cert_pem, load_or_create_ca, server_cert


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_ca_is_one_private_bundle_and_a_public_certificate(tmp_path: Path) -> None:
    old = os.umask(0)  # the folder and the key stay private even under umask 000
    try:
        ca = load_or_create_ca(tmp_path)
    finally:
        os.umask(old)
    folder = tmp_path / "sandbox"
    assert _mode(folder) == 0o700
    assert _mode(folder / CA_BUNDLE) == 0o600
    assert ca.cert_path.read_bytes() == cert_pem(ca.cert)
    assert not (folder / "ca-key.pem").exists()
    assert not [p for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_ca_is_reused_and_a_damaged_bundle_is_replaced(tmp_path: Path) -> None:
    first = load_or_create_ca(tmp_path)
    assert load_or_create_ca(tmp_path).cert == first.cert
    (tmp_path / "sandbox" / CA_BUNDLE).write_bytes(b"-----BEGIN PRIVATE KEY-----\ntruncated")
    again = load_or_create_ca(tmp_path)
    assert again.cert != first.cert
    assert again.cert_path.read_bytes() == cert_pem(again.cert)  # ca.pem follows the bundle


def test_ca_of_the_earlier_two_file_layout_is_kept(tmp_path: Path) -> None:
    """Users who trusted the CA of an earlier version keep that CA."""
    cert, key = _make_ca()
    folder = tmp_path / "sandbox"
    folder.mkdir()
    (folder / "ca-key.pem").write_bytes(key_pem(key))
    (folder / "ca.pem").write_bytes(cert_pem(cert))
    assert load_or_create_ca(tmp_path).cert == cert
    assert (folder / CA_BUNDLE).is_file() and not (folder / "ca-key.pem").exists()


def test_a_key_and_certificate_that_do_not_match_are_not_used(tmp_path: Path) -> None:
    cert, _ = _make_ca()
    _, other_key = _make_ca()
    folder = tmp_path / "sandbox"
    folder.mkdir()
    (folder / CA_BUNDLE).write_bytes(key_pem(other_key) + cert_pem(cert))
    ca = load_or_create_ca(tmp_path)
    assert ca.cert != cert
    assert ca.cert.public_key() == ca.key.public_key()


def test_keys_are_made_once_per_purpose(tmp_path: Path) -> None:
    store = KeyStore(tmp_path)
    signing = store.key("signing-0")
    assert KeyStore(tmp_path).key("signing-0").private_numbers() == signing.private_numbers()
    assert store.key("signing-1").private_numbers() != signing.private_numbers()
    files = list((tmp_path / "keys").iterdir())
    assert len(files) == 2 and all(_mode(f) == 0o600 for f in files)
    assert _mode(tmp_path / "keys") == 0o700


def test_a_purpose_never_names_a_path(tmp_path: Path) -> None:
    """Scenario names end up in purposes: they are hashed, never joined to the folder."""
    store = KeyStore(tmp_path / "store")
    store.key("app:../../escape/x")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["store"]


def test_server_certificate_is_reused_for_the_same_names_only(tmp_path: Path) -> None:
    ca = load_or_create_ca(tmp_path)
    store = KeyStore(tmp_path / "sandbox")
    first = server_cert(ca, ["127.0.0.1", "localhost"], store)
    assert server_cert(ca, ["localhost", "127.0.0.1"], store) == first
    other = server_cert(ca, ["127.0.0.1", "graph.microsoft.com"], store)
    assert other != first
    cert = x509.load_pem_x509_certificate(other.read_bytes())
    names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert "graph.microsoft.com" in names.get_values_for_type(x509.DNSName)
    assert _mode(other) == 0o600


def test_server_certificate_has_an_ecdsa_key_that_only_signs(tmp_path: Path) -> None:
    """ECDSA P-256 (a handshake's signature is cheap), its key in the same file, the CA's chain."""
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    ca = load_or_create_ca(tmp_path)
    path = server_cert(ca, ["127.0.0.1"], KeyStore(tmp_path / "sandbox"))
    data = path.read_bytes()
    cert = x509.load_pem_x509_certificate(data)
    public = cert.public_key()
    assert isinstance(public, ec.EllipticCurvePublicKey) and public.curve.name == "secp256r1"
    assert load_pem_private_key(data, None).public_key() == public
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and not usage.key_encipherment and not usage.key_cert_sign
    cert.verify_directly_issued_by(ca.cert)
    ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER).load_cert_chain(str(path))  # the server's one-file key and chain


@pytest.mark.skipif(not hasattr(os, "getuid") or os.getuid() != 0, reason="needs root to chown")
def test_a_folder_of_another_user_is_refused(tmp_path: Path) -> None:
    from wizard.errors import CertificateError

    folder = tmp_path / "theirs"
    folder.mkdir()
    os.chown(folder, 12345, 12345)
    with pytest.raises(CertificateError, match="another user"):
        KeyStore(folder)


def test_the_oidc_issuers_keys_come_from_the_store(tmp_path: Path) -> None:
    """A sandbox start makes no RSA key when the store has them: the external issuers' keys are reused too."""
    from wizard.sandbox.defaults import default_scenario
    from wizard.sandbox.state import SandboxState

    store = KeyStore(tmp_path / "sandbox")

    def issuer_numbers(run: str) -> dict[str, object]:
        state = SandboxState(default_scenario(), credentials_dir=tmp_path / run, keys=store)
        return {name: i.key.key.private_numbers() for name, i in state.oidc_issuers.items()}

    first = issuer_numbers("one")
    assert issuer_numbers("two") == first
    assert first["github-actions"] != first["kubernetes"]


def test_a_runs_app_certificates_are_written_whole_but_not_flushed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The certificate apps' files die with the run's folder: no fsync for them, the kept keys still get one."""
    from wizard.sandbox.tls import make_app_certificate

    store = KeyStore(tmp_path / "sandbox")
    key = store.key("app:contoso/cert-daemon")
    synced: list[int] = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: synced.append(fd) or real_fsync(fd))
    cert = make_app_certificate("CN=cert-daemon", tmp_path / "run", "cert-daemon", key=key)
    assert synced == []
    assert Path(cert.combined_path).read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    assert _mode(Path(cert.pfx_path)) == 0o600 and not list((tmp_path / "run").glob("*.tmp"))
    store.key("signing-0")  # a key made for the store is flushed to disk before it is used
    assert len(synced) == 1


def test_the_cas_repr_holds_no_key(tmp_path: Path) -> None:
    """The CA keeps its bundle (its private key inside) for signing: never in a repr, a log, an error."""
    ca = load_or_create_ca(tmp_path)
    assert b"PRIVATE KEY" in ca.bundle
    assert "PRIVATE" not in repr(ca) and "MII" not in repr(ca)
    assert str(ca.cert_path) in repr(ca)
