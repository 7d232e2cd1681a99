"""What msal is given for each credential form, and typed errors for missing material."""

from __future__ import annotations

from pathlib import Path

import pytest

from wizard.certs.generate import generate_certificate
from wizard.errors import CertificateError, SecretSourceError
from wizard.live.credential import msal_credential
from wizard.profile import CertificateRef, CredentialKind, Profile
from wizard.secret import Secret


def test_secret_is_passed_as_a_string() -> None:
    value, label = msal_credential(Profile(), Secret("s3cret-value-123"))
    assert value == "s3cret-value-123"
    assert label == "secret"


def test_missing_secret_is_a_usage_error() -> None:
    with pytest.raises(SecretSourceError):
        msal_credential(Profile(), None)


def test_missing_certificate_files() -> None:
    with pytest.raises(CertificateError):
        msal_credential(Profile(credential=CredentialKind.CERTIFICATE), None)


@pytest.fixture
def cert_profile(tmp_path: Path) -> Profile:
    generate_certificate(subject="CN=daemon-test", out_dir=tmp_path)
    key, cert = str(tmp_path / "daemon.key.pem"), str(tmp_path / "daemon.pem")
    assert Path(key).is_file()
    assert Path(cert).is_file()
    return Profile(
        credential=CredentialKind.CERTIFICATE, certificate=CertificateRef(key_path=key, cert_path=cert)
    )


def test_sha256_form_gives_msal_the_public_certificate(cert_profile: Profile) -> None:
    value, label = msal_credential(cert_profile, None, mode="sha256")
    assert set(value) == {"private_key", "public_certificate"}
    assert "BEGIN CERTIFICATE" in value["public_certificate"]
    assert "PS256" in label


def test_sha1_form_gives_msal_the_thumbprint(cert_profile: Profile) -> None:
    value, label = msal_credential(cert_profile, None, mode="sha1")
    assert set(value) == {"private_key", "thumbprint"}
    assert len(value["thumbprint"]) == 40
    assert "RS256" in label
