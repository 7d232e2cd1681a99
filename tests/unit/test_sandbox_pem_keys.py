"""The sandbox reads its keys around cryptography's serialization package, to the same keys and PEM text."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from cryptography.hazmat.bindings._rust import openssl as rust_openssl
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from wizard.sandbox import pem_keys
from wizard.sandbox.keystore import KeyStore, load_key, new_key
from wizard.sandbox.pem_keys import key_pem, load_pem_key, spki_der


@pytest.fixture(scope="module")
def pem() -> bytes:
    return new_key().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _numbers(key: object) -> tuple[int, int, int]:
    assert isinstance(key, rsa.RSAPrivateKey)
    public = key.public_key().public_numbers()
    return public.n, public.e, key.private_numbers().d


def test_the_binding_and_the_public_loader_give_the_same_key(
    pem: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    public = serialization.load_pem_private_key(pem, None)
    direct = load_pem_key(pem)
    monkeypatch.delattr(rust_openssl, "keys")  # a cryptography release that moved the binding's loader
    fallback = load_pem_key(pem)
    assert _numbers(direct) == _numbers(fallback) == _numbers(public)
    with pytest.raises(ValueError):
        load_pem_key(b"-----BEGIN PRIVATE KEY-----\ntruncated")


def test_spki_der_is_the_public_encoding_on_both_paths(pem: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    public = serialization.load_pem_private_key(pem, None).public_key()
    expected = public.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    assert spki_der(public) == expected
    monkeypatch.setitem(sys.modules, "cryptography.hazmat.primitives._serialization", None)
    assert spki_der(public) == expected  # the names re-exported by the (already loaded) package


def test_a_key_read_from_its_file_is_written_out_as_that_text(pem: bytes) -> None:
    key = load_key(pem)
    assert key is not None
    assert key_pem(key) == pem
    made = new_key()  # never read: serialized, to the same PKCS#8 text a read key gives
    assert load_key(key_pem(made)) is not None
    assert key_pem(made) == made.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def test_only_a_lone_pkcs8_block_is_remembered(pem: bytes) -> None:
    """A key read from a bundle (key and certificate) or another PEM form is serialized when written out."""
    key = load_pem_key(pem)
    assert isinstance(key, rsa.RSAPrivateKey)
    pkcs1 = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    for data in (pkcs1, pem + b"-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n"):
        read = load_key(data)
        assert read is not None
        assert key_pem(read) == pem
        assert all(known is not read for known, _ in pem_keys._READ)


def test_a_kept_key_comes_back_as_the_text_of_its_file(tmp_path: Path) -> None:
    KeyStore(tmp_path).key("server")  # made and written
    key = KeyStore(tmp_path).key("server")  # read back
    (path,) = (tmp_path / "keys").iterdir()
    assert key_pem(key) == path.read_bytes()
