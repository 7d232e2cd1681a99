"""Trust for the live checks: one SSL context per CA file, the system store read lazily when it can be."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from wizard.live import http
from wizard.sandbox.tls import load_or_create_ca


@pytest.fixture(autouse=True)
def _fresh_contexts() -> Iterator[None]:
    http._cached_context.cache_clear()
    yield
    http._cached_context.cache_clear()


@pytest.fixture
def ca_pem(tmp_path: Path) -> Path:
    return load_or_create_ca(tmp_path / "data").cert_path


def _hashed_store(folder: Path, ca_pem: Path) -> Path:
    folder.mkdir()
    (folder / "0123abcd.0").write_bytes(ca_pem.read_bytes())  # the name is what marks a hashed directory
    return folder


def test_one_context_per_ca_file_until_it_changes(ca_pem: Path) -> None:
    first = http.ssl_context(str(ca_pem))
    assert http.ssl_context(str(ca_pem)) is first
    stamp = ca_pem.stat().st_mtime_ns
    os.utime(ca_pem, ns=(stamp + 10**9, stamp + 10**9))  # rewritten later: a new context
    assert http.ssl_context(str(ca_pem)) is not first


def test_a_bundle_inside_the_hashed_directory_is_read_lazily(
    tmp_path: Path, ca_pem: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = _hashed_store(tmp_path / "certs", ca_pem)
    bundle = store / "ca-certificates.crt"
    bundle.write_bytes(ca_pem.read_bytes())
    monkeypatch.setenv("SSL_CERT_DIR", str(store))
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))
    assert http.ssl_context(None).cert_store_stats()["x509_ca"] == 0  # nothing parsed up front


def test_a_bundle_elsewhere_is_loaded_as_named(
    tmp_path: Path, ca_pem: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = _hashed_store(tmp_path / "certs", ca_pem)
    monkeypatch.setenv("SSL_CERT_DIR", str(store))
    monkeypatch.setenv("SSL_CERT_FILE", str(ca_pem))  # a bundle the directory may not hold
    assert http.ssl_context(None).cert_store_stats()["x509_ca"] == 1


def test_without_a_system_store_certifi_is_trusted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SSL_CERT_DIR", str(tmp_path / "none"))
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "none.pem"))
    assert http.ssl_context(None).cert_store_stats()["x509_ca"] > 100
