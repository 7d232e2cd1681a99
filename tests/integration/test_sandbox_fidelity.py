"""The sandbox answers as Entra does where it used to differ: current codes and texts, expired certificates,
unreadable assertion times, the v1 endpoint, multi-tenant admin consent, JWKS and the ToDo API's issuer."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import jwt
import msal
import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from sandbox_tokens import client_assertion, post_assertion, todo_scope, token_request

from wizard.certs.generate import build_certificate
from wizard.sandbox import Sandbox
from wizard.sandbox.tokens import b64url
from wizard.sandbox.trust import httpx_client, requests_session

GRAPH = ["https://graph.microsoft.com/.default"]
JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


def _cca(sb: Sandbox, session: requests.Session, name: str, credential: Any = None, **kw: Any) -> Any:
    app = sb.app(name)
    return msal.ConfidentialClientApplication(
        kw.pop("client_id", app.client_id),
        client_credential=credential if credential is not None else app.secret,
        authority=kw.pop("authority", app.authority),
        http_client=session,
        instance_discovery=False,
        **kw,
    )


def _certificate(*, days_ago_start: int, days_ago_end: int) -> tuple[rsa.RSAPrivateKey, x509.Certificate]:
    """A key and a certificate whose validity ended `days_ago_end` days ago."""
    start = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=days_ago_start)
    return build_certificate(subject="CN=expired daemon", days=days_ago_start - days_ago_end, now=start)


def _pem(key: rsa.RSAPrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def _sha1_hex(cert: x509.Certificate) -> str:
    return hashlib.sha1(cert.public_bytes(serialization.Encoding.DER)).hexdigest().upper()


# -- current codes and texts ----------------------------------------------------------------------------
def test_non_guid_client_id_is_700038(sandbox: Sandbox, sandbox_session: requests.Session) -> None:
    cca = _cca(sandbox, sandbox_session, "graph-daemon", client_id="my-daemon-app")
    result = cca.acquire_token_for_client(GRAPH)
    assert result["error_codes"] == [700038], result
    assert result["error_description"].startswith(
        "AADSTS700038: my-daemon-app is not a valid application identifier."
    )


def test_unregistered_certificate_has_current_700027_wording(
    sandbox: Sandbox, sandbox_session: requests.Session
) -> None:
    other = sandbox.app("cert-daemon")
    assert other.cert_key_path
    credential = {"private_key": Path(other.cert_key_path).read_text(), "thumbprint": other.thumbprint_sha1}
    result = _cca(sandbox, sandbox_session, "both-daemon", credential).acquire_token_for_client(GRAPH)
    assert result["error_codes"] == [700027]
    assert result["error_description"].startswith(
        "AADSTS700027: The certificate with identifier used to sign the client assertion is not registered "
        "on application. [Reason - The key was not found., "
    )


def test_missing_credential_and_assignment_texts(sandbox: Sandbox, sandbox_http: httpx.Client) -> None:
    app = sandbox.app("unassigned-daemon")
    r = token_request(sandbox, sandbox_http, "unassigned-daemon", client_secret=None, scope=GRAPH[0])
    assert r.json()["error_description"].startswith(
        "AADSTS7000216: 'client_assertion', 'client_secret' or 'request' is required for the "
        "'client_credentials' grant type."
    )
    resource = "https://contoso.onmicrosoft.com/secured-api"
    r = token_request(sandbox, sandbox_http, "unassigned-daemon", scope=f"{resource}/.default")
    assert r.status_code == 400
    assert r.json()["error_description"].startswith(
        f"AADSTS501051: Application '{app.client_id}'({app.display_name}) is not assigned to a role for the "
        f"application '{resource}'(Assignment-required API)."
    )


# -- expired certificates -------------------------------------------------------------------------------
def test_expired_registered_certificate_is_refused(make_sandbox: Callable[..., Sandbox]) -> None:
    sb = make_sandbox()
    key, cert = _certificate(days_ago_start=400, days_ago_end=35)
    app = sb.app("cert-daemon")
    sb.state.upload_certificate(app.client_id, cert.public_bytes(serialization.Encoding.PEM))
    credential = {"private_key": _pem(key), "thumbprint": _sha1_hex(cert)}
    with requests_session(sb.ca_file) as session:
        result = _cca(sb, session, "cert-daemon", credential).acquire_token_for_client(GRAPH)
    assert result.get("error") == "invalid_client", result
    assert result["error_codes"] == [700027]
    desc = result["error_description"]
    assert desc.startswith(
        "AADSTS700027: The certificate with identifier used to sign the client assertion is expired on "
        f"application. [Reason - The key used is expired., Thumbprint of key used by client: '{_sha1_hex(cert)}'"
    )
    end = cert.not_valid_after_utc.strftime("%m/%d/%Y %H:%M:%S")
    assert f", End={end}'" in desc


def test_expired_certificate_in_x5c_is_refused(sandbox: Sandbox, sandbox_http: httpx.Client) -> None:
    _, expired = _certificate(days_ago_start=30, days_ago_end=1)
    x5c = base64.b64encode(expired.public_bytes(serialization.Encoding.DER)).decode()
    r = post_assertion(sandbox, sandbox_http, client_assertion(sandbox, "cert-daemon", header={"x5c": [x5c]}))
    assert r.status_code == 401, r.text
    assert r.json()["error_codes"] == [700027]
    assert "[Reason - The key used is expired." in r.json()["error_description"]


@pytest.mark.parametrize("exp", [float("nan"), float("inf"), float("-inf"), 1e30, "tomorrow", True])
def test_unreadable_assertion_exp_is_refused_as_entra_does(
    sandbox: Sandbox, sandbox_http: httpx.Client, exp: object
) -> None:
    r = post_assertion(sandbox, sandbox_http, client_assertion(sandbox, "cert-daemon", exp=exp))
    assert r.status_code == 401, r.text
    assert r.json()["error"] == "invalid_client"
    assert r.json()["error_codes"] == [50027]


# -- the v1 endpoint --------------------------------------------------------------------------------------
def test_v1_token_endpoint_with_resource_as_adal_daemons_call_it(
    sandbox: Sandbox, sandbox_http: httpx.Client
) -> None:
    app = sandbox.app("graph-daemon")
    r = token_request(
        sandbox, sandbox_http, "graph-daemon", endpoint="oauth2/token", resource="https://graph.microsoft.com"
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == {
        "token_type",
        "expires_in",
        "ext_expires_in",
        "expires_on",
        "not_before",
        "resource",
        "access_token",
    }
    assert body["resource"] == "https://graph.microsoft.com"
    assert body["expires_in"] == "3599"
    assert int(body["expires_on"]) - int(time.time()) > 3000
    claims = jwt.decode(body["access_token"], options={"verify_signature": False})
    assert claims["iss"] == f"https://sts.windows.net/{app.tenant_id}/"
    assert claims["ver"] == "1.0"
    assert claims["appid"] == app.client_id
    assert claims["aud"] == "https://graph.microsoft.com"
    assert str(claims["exp"]) == body["expires_on"]
    users = sandbox_http.get(
        f"{sandbox.graph_base_url}/users", headers={"Authorization": f"Bearer {body['access_token']}"}
    )
    assert users.status_code == 200


def test_v1_token_endpoint_needs_a_resource(sandbox: Sandbox, sandbox_http: httpx.Client) -> None:
    r = token_request(sandbox, sandbox_http, "graph-daemon", endpoint="oauth2/token")
    assert r.status_code == 400
    assert r.json()["error_codes"] == [900144]
    assert "'resource'" in r.json()["error_description"]


# -- admin consent on the multi-tenant endpoints ----------------------------------------------------------
@pytest.mark.parametrize("segment", ["common", "organizations"])
def test_admin_consent_on_common_and_organizations(
    make_sandbox: Callable[..., Sandbox], segment: str
) -> None:
    sb = make_sandbox()
    app = sb.app("unconsented-daemon")
    redirect = "https://localhost/consent-done"
    with httpx_client(sb.ca_file, timeout=10) as http:
        page = http.get(
            f"{sb.base_url}/{segment}/adminconsent",
            params={"client_id": app.client_id, "redirect_uri": redirect, "state": "s1"},
        )
        assert page.status_code == 200, page.text
        assert "User.Read.All" in page.text
        answer = http.post(
            f"{sb.base_url}/{segment}/adminconsent",
            data={"client_id": app.client_id, "redirect_uri": redirect, "state": "s1", "accept": "true"},
        )
    assert answer.status_code == 302
    location = urlsplit(answer.headers["location"])
    query = parse_qs(location.query)
    assert query == {"admin_consent": ["True"], "tenant": [app.tenant_id], "state": ["s1"]}
    with requests_session(sb.ca_file) as session:
        result = _cca(sb, session, "unconsented-daemon").acquire_token_for_client(GRAPH)
    assert "User.Read.All" in jwt.decode(result["access_token"], options={"verify_signature": False})["roles"]


# -- JWKS ----------------------------------------------------------------------------------------------------
def test_jwks_keys_carry_x5c_and_issuer(
    sandbox: Sandbox, sandbox_session: requests.Session, sandbox_http: httpx.Client
) -> None:
    app = sandbox.app("todo-daemon")
    keys = sandbox_http.get(f"{app.authority}/discovery/v2.0/keys").json()["keys"]
    cca = _cca(sandbox, sandbox_session, "todo-daemon")
    token = cca.acquire_token_for_client([todo_scope(sandbox)])["access_token"]
    kid = jwt.get_unverified_header(token)["kid"]
    key = next(k for k in keys if k["kid"] == kid)
    assert key["issuer"] == f"{app.authority}/v2.0"
    cert = x509.load_der_x509_certificate(base64.b64decode(key["x5c"][0]))
    assert key["x5t"] == b64url(hashlib.sha1(cert.public_bytes(serialization.Encoding.DER)).digest())
    # The certificate's key verifies the token, as a resource reading only x5c would check it.
    public = cert.public_key()
    assert isinstance(public, rsa.RSAPublicKey)
    claims = jwt.decode(token, public, algorithms=["RS256"], options={"verify_aud": False})
    assert claims["iss"] == key["issuer"]
    v1 = sandbox_http.get(f"{app.authority}/discovery/keys").json()["keys"]
    assert all("x5c" in k and "issuer" not in k for k in v1)
    common = sandbox_http.get(f"{sandbox.base_url}/common/discovery/v2.0/keys").json()["keys"]
    assert {k["issuer"] for k in common} == {f"{sandbox.base_url}/{{tenantid}}/v2.0"}


# -- the ToDo API -----------------------------------------------------------------------------------------
def test_todo_api_accepts_a_token_when_reached_by_its_own_host_name(
    sandbox: Sandbox, sandbox_session: requests.Session, sandbox_http: httpx.Client
) -> None:
    app = sandbox.app("todo-daemon")
    assert urlsplit(app.authority).hostname == "127.0.0.1"
    result = _cca(sandbox, sandbox_session, "todo-daemon").acquire_token_for_client([todo_scope(sandbox)])
    by_name = f"https://localhost:{sandbox.port}/api/todolist"
    r = sandbox_http.get(by_name, headers={"Authorization": f"Bearer {result['access_token']}"})
    assert r.status_code == 200, r.headers.get("www-authenticate")


@pytest.mark.parametrize(
    ("tenant", "daemon", "field"),
    [("contoso", "todo-daemon", "task"), ("fabrikamext", "ext-todo-daemon", "description")],
)
def test_todo_api_accepts_both_samples_item_shapes(
    sandbox: Sandbox,
    sandbox_session: requests.Session,
    sandbox_http: httpx.Client,
    tenant: str,
    daemon: str,
    field: str,
) -> None:
    token = _cca(sandbox, sandbox_session, daemon).acquire_token_for_client([todo_scope(sandbox, tenant)])
    h = {"Authorization": f"Bearer {token['access_token']}"}
    url = f"{sandbox.todo_base_url}/api/todolist"
    for key in ("task", "Description"):
        created = sandbox_http.post(url, json={key: f"from {key}"}, headers=h)
        assert created.status_code == 201, created.text
        assert created.json()[field] == f"from {key}"
    listed = sandbox_http.get(url, headers=h).json()
    assert all(set(item) == {"id", "owner", field} for item in listed)
    uuid.UUID(listed[0]["owner"])  # a GUID, as the CIAM sample's ToDo.Owner is
    missing = sandbox_http.post(url, json={"title": "x"}, headers=h)
    assert missing.status_code == 400
    assert field.capitalize() in missing.json()["errors"]
