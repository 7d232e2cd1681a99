"""Profiles and a throwaway certificate shared by the config export/import tests."""

from __future__ import annotations

from pathlib import Path

from cryptography.hazmat.primitives import hashes, serialization

from wizard.certs.generate import build_certificate
from wizard.clouds import Cloud, TenantType
from wizard.profile import ApiKind, ApiTarget, CertificateRef, CredentialKind, Profile
from wizard.secret import Secret

CLIENT_ID = "6a1f3c2e-0b9d-4c57-8e21-3f4d5a6b7c8d"
OBJECT_ID = "0f9e8d7c-6b5a-4938-8271-605f4e3d2c1b"
TENANT_ID = "9b8a7c6d-5e4f-4a3b-9c2d-1e0f2a3b4c5d"
API_ID = "1c2d3e4f-5a6b-4c7d-8e9f-a0b1c2d3e4f5"
CANARY = Secret("Kx8Q~canary.SECRET_value-9f2e")

WORKFORCE = Profile(tenant=TENANT_ID, client_id=CLIENT_ID)
WORKFORCE_OWN_API = WORKFORCE.with_(
    api=ApiTarget(
        kind=ApiKind.OWN,
        resource=f"api://{API_ID}",
        base_url="https://localhost:44372/",
        relative_path="api/TodoList",
    )
)
EXTERNAL = Profile(
    tenant_type=TenantType.EXTERNAL,
    tenant="fabrikamciam.onmicrosoft.com",
    client_id=CLIENT_ID,
    api=ApiTarget(
        kind=ApiKind.OWN,
        resource=f"api://{API_ID}",
        base_url="https://localhost:44351/",
        relative_path="api/todolist",
    ),
)
USGOV = Profile(cloud=Cloud.USGOV, tenant=TENANT_ID, client_id=CLIENT_ID)


def make_certificate(folder: Path, *, passphrase: Secret | None = None) -> CertificateRef:
    """An RSA key (PEM, optionally encrypted) and a self-signed certificate in `folder`."""
    key, cert = build_certificate(subject="CN=daemon-wizard-test", days=30)
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(passphrase.reveal().encode())
        if passphrase
        else serialization.NoEncryption()
    )
    key_path = folder / "server.pem"
    cert_path = folder / "server.crt"
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)
    )
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    thumb = cert.fingerprint(hashes.SHA1()).hex().upper()
    return CertificateRef(key_path=str(key_path), cert_path=str(cert_path), thumbprint_sha1=thumb)


def with_certificate(profile: Profile, ref: CertificateRef) -> Profile:
    return profile.with_(credential=CredentialKind.CERTIFICATE, certificate=ref)
