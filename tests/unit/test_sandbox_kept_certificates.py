"""The certificates a sandbox start wraps its kept keys in are kept too: a warm start signs nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import Encoding, pkcs12

from wizard.sandbox.defaults import default_scenario
from wizard.sandbox.keystore import KeyStore, new_key
from wizard.sandbox.signing import reusable
from wizard.sandbox.state import SandboxState


def _signatures(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    made: list[str] = []
    real = x509.CertificateBuilder.sign

    def counting(self: x509.CertificateBuilder, *args: object, **kwargs: object) -> x509.Certificate:
        cert = real(self, *args, **kwargs)  # type: ignore[arg-type]
        made.append(cert.subject.rfc4514_string())
        return cert

    monkeypatch.setattr(x509.CertificateBuilder, "sign", counting)
    return made


def _state(store: KeyStore, folder: Path) -> SandboxState:
    return SandboxState(default_scenario(), credentials_dir=folder, keys=store)


def test_a_warm_start_signs_no_certificate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = KeyStore(tmp_path / "sandbox")
    first = _state(store, tmp_path / "one")
    made = _signatures(monkeypatch)
    second = _state(store, tmp_path / "two")
    assert made == []
    assert [k.kid for k in second.signing_keys] == [k.kid for k in first.signing_keys]
    assert {n: i.key.kid for n, i in second.oidc_issuers.items()} == {
        n: i.key.kid for n, i in first.oidc_issuers.items()
    }
    apps = [(t.spec.name, a) for t in second.tenants.values() for a in t.apps.values() if a.certificates]
    assert apps, "the default scenario has certificate apps"
    for tenant, app in apps:
        cert = app.certificates[-1].certificate
        before = first.tenants[app.tenant_id].apps[app.client_id.lower()].certificates[-1].certificate
        assert cert.thumbprint_sha256 == before.thumbprint_sha256
        assert cert.pfx_path.startswith(str(tmp_path / "two" / tenant))  # this run's own files
        key, inside, _ = pkcs12.load_key_and_certificates(Path(cert.pfx_path).read_bytes(), None)
        assert inside is not None and inside.fingerprint(hashes.SHA256()) == cert.cert.fingerprint(
            hashes.SHA256()
        )
        assert key is not None and key.public_key() == cert.cert.public_key()
        assert Path(cert.cert_path).read_bytes() in Path(cert.combined_path).read_bytes()


def test_without_a_store_every_start_makes_its_own(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    made = _signatures(monkeypatch)
    state = SandboxState(default_scenario(), credentials_dir=tmp_path / "run")
    assert len(made) == len(state.signing_keys) + len(state.oidc_issuers) + sum(
        len(a.certificates) for t in state.tenants.values() for a in t.apps.values()
    )


def test_a_kept_certificate_serves_its_own_key_for_a_month_only(tmp_path: Path) -> None:
    from wizard.sandbox.signing import _self_signed

    key = new_key()
    pem = _self_signed(key).public_bytes(Encoding.PEM)
    assert reusable(pem, key) is not None
    assert reusable(pem, new_key()) is None  # another key: never its certificate
    assert reusable(pem, key, made_within=-dt.timedelta(days=2)) is None  # past its reuse
    assert reusable(b"not a certificate", key) is None


def test_what_is_kept_is_named_after_the_key(tmp_path: Path) -> None:
    store = KeyStore(tmp_path / "sandbox")
    key, other = new_key(), new_key()
    calls: list[str] = []

    def make(label: str) -> bytes:
        calls.append(label)
        return label.encode()

    assert store.derived("p", key, lambda: make("a"), usable=lambda d: True) == b"a"
    assert store.derived("p", key, lambda: make("b"), usable=lambda d: True) == b"a"  # kept
    assert store.derived("p", other, lambda: make("c"), usable=lambda d: True) == b"c"  # a new key
    assert store.derived("p", key, lambda: make("d"), usable=lambda d: False) == b"d"  # no longer usable
    assert calls == ["a", "c", "d"]
    kept = list((tmp_path / "sandbox" / "derived").iterdir())
    assert len(kept) == 2 and all(f.stat().st_mode & 0o077 == 0 for f in kept)
