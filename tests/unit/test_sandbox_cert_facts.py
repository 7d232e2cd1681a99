"""A warm sandbox start reads what it knows of its kept certificates instead of parsing them (issue 12)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import Encoding

from wizard.sandbox import cert_facts as facts_module
from wizard.sandbox.cert_facts import cert_facts, certificate_der, certificate_pem
from wizard.sandbox.keystore import key_pem, new_key
from wizard.sandbox.signing import _self_signed


@pytest.fixture(scope="module")
def pair() -> tuple[bytes, bytes, x509.Certificate]:
    key = new_key()
    cert = _self_signed(key)
    return key_pem(key), cert.public_bytes(Encoding.PEM), cert


def test_the_facts_are_those_of_the_certificate(
    tmp_path: Path, pair: tuple[bytes, bytes, x509.Certificate]
) -> None:
    key, pem, cert = pair
    facts = cert_facts(tmp_path, key + pem)
    assert facts is not None
    assert facts.der == cert.public_bytes(Encoding.DER) == certificate_der(key + pem)
    assert (facts.not_before, facts.not_after) == (cert.not_valid_before_utc, cert.not_valid_after_utc)
    assert facts.sha1_hex == cert.fingerprint(hashes.SHA1()).hex().upper()
    assert facts.sha256_hex == cert.fingerprint(hashes.SHA256()).hex().upper()
    assert facts.subject == cert.subject.rfc4514_string()
    assert facts.key_matches is True
    assert cert_facts(tmp_path, pem).key_matches is None  # type: ignore[union-attr]  # no key in the file
    assert certificate_pem(key + pem) == pem


def test_a_key_of_another_certificate_does_not_match(
    tmp_path: Path, pair: tuple[bytes, bytes, x509.Certificate]
) -> None:
    _, pem, _ = pair
    facts = cert_facts(tmp_path, key_pem(new_key()) + pem)
    assert facts is not None and facts.key_matches is False


def test_kept_facts_are_read_without_parsing_again(
    tmp_path: Path, pair: tuple[bytes, bytes, x509.Certificate], monkeypatch: pytest.MonkeyPatch
) -> None:
    key, pem, _ = pair
    first = cert_facts(tmp_path, key + pem)
    kept = tmp_path / "facts" / f"{hashlib.sha256(key + pem).hexdigest()[:40]}.json"
    assert kept.is_file() and kept.stat().st_mode & 0o077 == 0

    def no_parsing(*_: object) -> None:
        raise AssertionError("parsed again")

    monkeypatch.setattr(facts_module, "parse_facts", no_parsing)
    assert cert_facts(tmp_path, key + pem) == first


def test_a_changed_or_damaged_file_never_gets_stale_facts(
    tmp_path: Path, pair: tuple[bytes, bytes, x509.Certificate]
) -> None:
    key, pem, _ = pair
    cert_facts(tmp_path, key + pem)
    other = _self_signed(new_key())
    changed = cert_facts(tmp_path, other.public_bytes(Encoding.PEM))  # other bytes: other facts
    assert changed is not None and changed.sha256_hex == other.fingerprint(hashes.SHA256()).hex().upper()
    for kept in (tmp_path / "facts").iterdir():
        kept.write_text("{not json")
    again = cert_facts(tmp_path, key + pem)
    assert again is not None and again.key_matches is True  # worked out again from the certificate


def test_a_file_without_a_certificate_has_no_facts(tmp_path: Path) -> None:
    assert cert_facts(tmp_path, b"not a certificate") is None
    assert cert_facts(tmp_path, b"-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----\n") is None


def test_facts_of_certificates_replaced_long_ago_are_removed(
    tmp_path: Path, pair: tuple[bytes, bytes, x509.Certificate]
) -> None:
    key, pem, _ = pair
    cert_facts(tmp_path, pem)
    (old,) = (tmp_path / "facts").iterdir()
    os.utime(old, (0, 0))  # written in 1970
    cert_facts(tmp_path, key + pem)  # new facts: the folder is tidied
    assert not old.exists() and len(list((tmp_path / "facts").iterdir())) == 1
