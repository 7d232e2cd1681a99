"""A daemon rolls its own certificate on the sandbox as on Graph: with only its app-only token and a proof
signed by its current certificate, msgraph-sdk's addKey registers the new one (msal then gets a token with
it), removeKey takes the old one away; proofs Graph would refuse are refused the same way."""

from __future__ import annotations

import base64
import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import jwt
import msal
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from msgraph.generated.applications.item.add_key.add_key_post_request_body import AddKeyPostRequestBody
from msgraph.generated.applications.item.remove_key.remove_key_post_request_body import (
    RemoveKeyPostRequestBody,
)
from msgraph.generated.models.key_credential import KeyCredential

from tests.integration.delegated_helpers import private_sandbox
from tests.integration.graph_write_helpers import bearer, error_of, user_token
from tests.integration.test_sandbox_graph_writes_sdk import graph_client
from wizard.certs.generate import build_certificate
from wizard.sandbox import Sandbox
from wizard.sandbox.tokens import b64url
from wizard.sandbox.trust import httpx_client, requests_session

PROOF_AUD = "00000002-0000-0000-c000-000000000000"
GRAPH = ["https://graph.microsoft.com/.default"]
BAD_PROOF = (401, "Authentication_MissingOrMalformed", "Access Token missing or malformed.")


@pytest.fixture(scope="module")
def sb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    yield from private_sandbox(tmp_path_factory, "graph-keys")


def key_pem(key: rsa.RSAPrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def thumbprint(cert: x509.Certificate) -> str:
    return cert.fingerprint(hashes.SHA1()).hex().upper()


def proof(key: rsa.RSAPrivateKey, cert: x509.Certificate, object_id: str, **claims: Any) -> str:
    """The proof of possession Graph's sample builds: signed by a current key, `iss` the app's object id."""
    now = int(time.time())
    body = {"aud": PROOF_AUD, "iss": object_id, "nbf": now, "exp": now + 600, **claims}
    header = {"x5t": b64url(cert.fingerprint(hashes.SHA1()))}
    return jwt.encode(body, key, algorithm="RS256", headers=header)


def app_token(sb: Sandbox, key_pem_text: str, cert: x509.Certificate) -> dict[str, Any]:
    app = sb.app("cert-daemon")
    with requests_session(sb.ca_file) as session:
        cca = msal.ConfidentialClientApplication(
            app.client_id,
            client_credential={"private_key": key_pem_text, "thumbprint": thumbprint(cert)},
            authority=app.authority,
            http_client=session,
            instance_discovery=False,
        )
        result: dict[str, Any] = cca.acquire_token_for_client(scopes=GRAPH)
    return result


def current(sb: Sandbox) -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    app = sb.app("cert-daemon")
    assert app.cert_key_path and app.cert_path
    with open(app.cert_key_path, "rb") as f:
        key = serialization.load_pem_private_key(f.read(), password=None)
    with open(app.cert_path, "rb") as f:
        cert = x509.load_pem_x509_certificate(f.read())
    assert isinstance(key, rsa.RSAPrivateKey)
    return key, cert


def add_key(sb: Sandbox, object_id: str, token: str, the_proof: str) -> httpx.Response:
    _, cert = build_certificate(subject="CN=another")
    body = {
        "keyCredential": {
            "type": "AsymmetricX509Cert",
            "usage": "Verify",
            "key": base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode(),
        },
        "passwordCredential": None,
        "proof": the_proof,
    }
    with httpx_client(sb.ca_file, timeout=30) as http:
        return http.post(
            f"{sb.graph_base_url}/applications/{object_id}/addKey", json=body, headers=bearer(token)
        )


@pytest.mark.parametrize(
    "claims",
    [
        {"aud": "https://graph.microsoft.com"},  # not Azure AD Graph's id
        {"iss": "the-app-id-instead"},  # iss must be the object id
        {"exp": int(time.time()) + 1200},  # 20 minutes: more than Graph allows
    ],
)
def test_a_proof_graph_would_refuse_is_refused(sb: Sandbox, claims: dict[str, Any]) -> None:
    app = sb.app("cert-daemon")
    key, cert = current(sb)
    admin = user_token(sb, "Application Administrator")
    assert error_of(add_key(sb, app.object_id, admin, proof(key, cert, app.object_id, **claims))) == BAD_PROOF


def test_a_proof_needs_a_key_the_app_has(sb: Sandbox) -> None:
    admin = user_token(sb, "Application Administrator")
    stranger_key, stranger_cert = build_certificate(subject="CN=not registered")
    cert_app = sb.app("cert-daemon")
    signed_elsewhere = proof(stranger_key, stranger_cert, cert_app.object_id)
    assert error_of(add_key(sb, cert_app.object_id, admin, signed_elsewhere)) == BAD_PROOF
    secret_only = sb.app("graph-daemon")  # no certificate at all: addKey cannot be used (PATCH can)
    own = proof(stranger_key, stranger_cert, secret_only.object_id)
    assert error_of(add_key(sb, secret_only.object_id, admin, own)) == BAD_PROOF


def test_another_app_without_permissions_may_not_roll_this_ones_keys(sb: Sandbox) -> None:
    other = sb.app("unconsented-daemon")
    with requests_session(sb.ca_file) as session:
        cca = msal.ConfidentialClientApplication(
            other.client_id,
            client_credential=other.secret,
            authority=other.authority,
            http_client=session,
            instance_discovery=False,
        )
        token = cca.acquire_token_for_client(scopes=GRAPH)["access_token"]
    key, cert = current(sb)
    target = sb.app("cert-daemon")
    status, code, _ = error_of(add_key(sb, target.object_id, token, proof(key, cert, target.object_id)))
    assert (status, code) == (403, "Authorization_RequestDenied")


async def test_a_daemon_rolls_its_own_certificate(sb: Sandbox) -> None:
    """Last in this module: it takes the scenario certificate away."""
    app = sb.app("cert-daemon")
    old_key, old_cert = current(sb)
    token = app_token(sb, key_pem(old_key), old_cert)
    assert "access_token" in token, token
    client = graph_client(sb, token["access_token"])  # the daemon's own token: no Graph permission needed
    new_key, new_cert = build_certificate(subject="CN=cert-daemon rolled")
    body = AddKeyPostRequestBody(
        key_credential=KeyCredential(
            type="AsymmetricX509Cert", usage="Verify", key=new_cert.public_bytes(serialization.Encoding.DER)
        ),
        proof=proof(old_key, old_cert, app.object_id),
    )
    added = await client.applications.by_application_id(app.object_id).add_key.post(body)
    assert added is not None and added.key_id is not None and added.type == "AsymmetricX509Cert"
    assert "access_token" in app_token(sb, key_pem(new_key), new_cert)

    old_id = next(
        c.key_id
        for c in sb.state.find_app(app.client_id)[1].certificates
        if c.certificate.thumbprint_sha1.upper() == thumbprint(old_cert)
    )
    await client.applications.by_application_id(app.object_id).remove_key.post(
        RemoveKeyPostRequestBody(key_id=uuid.UUID(old_id), proof=proof(new_key, new_cert, app.object_id))
    )
    refused = app_token(sb, key_pem(old_key), old_cert)
    assert refused.get("error") == "invalid_client" and "AADSTS700027" in refused["error_description"]
    assert "access_token" in app_token(sb, key_pem(new_key), new_cert)
