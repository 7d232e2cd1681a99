"""The rules Graph applies to writes, on the sandbox: replication lag after a create (counted reads),
the tenant's app management policy on secrets, certificates through keyCredentials (and msal using them),
identifierUris on a verified domain and unique, app roles disabled before removal."""

from __future__ import annotations

import base64
import datetime as dt
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
from cryptography.x509.oid import NameOID

from tests.integration.delegated_helpers import private_sandbox
from tests.integration.graph_write_helpers import bearer, error_of, user_token
from wizard.sandbox import Sandbox
from wizard.sandbox.graph_policy import WriteSettings
from wizard.sandbox.trust import httpx_client, requests_session

UPSERT = {"Prefer": "create-if-missing"}


@pytest.fixture(scope="module")
def sb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    yield from private_sandbox(tmp_path_factory, "graph-write-rules")


@pytest.fixture(scope="module")
def admin(sb: Sandbox) -> str:
    return user_token(sb, "Global Administrator")


@pytest.fixture
def http(sb: Sandbox) -> Iterator[httpx.Client]:
    with httpx_client(sb.ca_file, timeout=30) as client:
        yield client


@pytest.fixture
def settings(sb: Sandbox) -> Iterator[WriteSettings]:
    tenant = sb.state.tenant("contoso.onmicrosoft.com")
    assert tenant is not None
    found = sb.state.writes.settings(tenant.spec.id)
    before = found.current
    yield found
    found.current = before


def create(sb: Sandbox, http: httpx.Client, admin: str, unique: str, **body: Any) -> dict[str, Any]:
    r = http.patch(
        f"{sb.graph_base_url}/applications(uniqueName='{unique}')",
        json={"displayName": unique, **body},
        headers=bearer(admin, **UPSERT),
    )
    assert r.status_code == 201, r.text
    app: dict[str, Any] = r.json()
    return app


def test_new_objects_answer_404_for_their_first_reads(
    sb: Sandbox, http: httpx.Client, admin: str, settings: WriteSettings
) -> None:
    settings.update(replication_lag=2)
    g = sb.graph_base_url
    app = create(sb, http, admin, "edw-lagging")
    for _ in range(2):
        r = http.get(f"{g}/applications/{app['id']}", headers=bearer(admin))
        assert error_of(r) == (
            404,
            "Request_ResourceNotFound",
            f"Resource '{app['id']}' does not exist or one of its queried reference-property objects are not present.",
        )
    assert http.get(f"{g}/applications/{app['id']}", headers=bearer(admin)).status_code == 200
    for _ in range(2):
        early = http.post(f"{g}/servicePrincipals", json={"appId": app["appId"]}, headers=bearer(admin))
        assert error_of(early) == (
            400,
            "Request_BadRequest",
            f"The appId '{app['appId']}' of the service principal does not reference a valid application object.",
        )
    sp = http.post(f"{g}/servicePrincipals", json={"appId": app["appId"]}, headers=bearer(admin))
    assert sp.status_code == 201, sp.text
    graph_sp = http.get(
        f"{g}/servicePrincipals(appId='00000003-0000-0000-c000-000000000000')", headers=bearer(admin)
    ).json()["id"]
    grant = {
        "principalId": sp.json()["id"],
        "resourceId": graph_sp,
        "appRoleId": "df021288-bdef-4463-88db-98f22de89214",
    }
    url = f"{g}/servicePrincipals/{graph_sp}/appRoleAssignedTo"
    for _ in range(2):
        assert error_of(http.post(url, json=grant, headers=bearer(admin))) == (
            400,
            "Request_BadRequest",
            "Not a valid reference update.",
        )
    assert http.post(url, json=grant, headers=bearer(admin)).status_code == 201
    settings.update(replication_lag=0)
    at_once = create(sb, http, admin, "edw-not-lagging")
    assert http.get(f"{g}/applications/{at_once['id']}", headers=bearer(admin)).status_code == 200


def test_app_management_policy_on_secrets(
    sb: Sandbox, http: httpx.Client, admin: str, settings: WriteSettings
) -> None:
    app = create(sb, http, admin, "edw-policy")
    url = f"{sb.graph_base_url}/applications/{app['id']}/addPassword"
    settings.update(password_credentials=False)
    code, error, message = error_of(http.post(url, json={}, headers=bearer(admin)))
    assert (code, error) == (400, "CredentialTypeNotAllowedAsPerAppPolicy") and "policy" in message
    settings.update(password_credentials=True, max_password_lifetime_days=180)
    too_long = http.post(url, json={}, headers=bearer(admin))  # Graph's default is two years
    assert error_of(too_long)[:2] == (400, "CredentialInvalidLifetimeAsPerAppPolicy")
    assert error_of(too_long)[2].startswith(
        "Credential lifetime exceeds the max value allowed as per assigned policy '"
    )
    end = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=90)).strftime("%Y-%m-%dT%H:%M:%SZ")
    ok = http.post(
        url, json={"passwordCredential": {"displayName": "short", "endDateTime": end}}, headers=bearer(admin)
    )
    assert ok.status_code == 200 and ok.json()["endDateTime"] == end


def _certificate() -> tuple[bytes, bytes, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "edw test")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return cert.public_bytes(serialization.Encoding.DER), pem, cert.fingerprint(hashes.SHA1()).hex().upper()


def test_certificates_through_key_credentials_keep_existing_keys_and_sign_in(
    sb: Sandbox, http: httpx.Client, admin: str
) -> None:
    g = sb.graph_base_url
    app = create(sb, http, admin, "edw-cert")
    assert (
        http.post(f"{g}/servicePrincipals", json={"appId": app["appId"]}, headers=bearer(admin)).status_code
        == 201
    )
    der1, key1, sha1 = _certificate()
    der2, _, sha2 = _certificate()
    new = {
        "type": "AsymmetricX509Cert",
        "usage": "Verify",
        "displayName": "edw cert 1",
        "key": base64.b64encode(der1).decode(),
    }
    assert (
        http.patch(
            f"{g}/applications/{app['id']}", json={"keyCredentials": [new]}, headers=bearer(admin)
        ).status_code
        == 204
    )
    keys = http.get(f"{g}/applications/{app['id']}", headers=bearer(admin)).json()["keyCredentials"]
    assert [(k["customKeyIdentifier"], k["displayName"], k["key"]) for k in keys] == [
        (sha1, "edw cert 1", None)
    ]
    # As azure-cli does: the existing entries again with `key: null`, plus the new one.
    second = {**new, "displayName": "edw cert 2", "key": base64.b64encode(der2).decode()}
    both = [{**keys[0], "key": None}, second]
    assert (
        http.patch(
            f"{g}/applications/{app['id']}", json={"keyCredentials": both}, headers=bearer(admin)
        ).status_code
        == 204
    )
    keys = http.get(f"{g}/applications/{app['id']}", headers=bearer(admin)).json()["keyCredentials"]
    assert [k["customKeyIdentifier"] for k in keys] == [sha1, sha2]

    session = requests_session(sb.ca_file)

    def token() -> dict[str, Any]:
        cca = msal.ConfidentialClientApplication(
            app["appId"],
            client_credential={"private_key": key1.decode(), "thumbprint": sha1},
            authority=sb.authority("contoso"),
            http_client=session,
            instance_discovery=False,
        )
        result: dict[str, Any] = cca.acquire_token_for_client(["https://graph.microsoft.com/.default"])
        return result

    assert "access_token" in token()
    only_second = [{"keyId": keys[1]["keyId"], "key": None}]
    assert (
        http.patch(
            f"{g}/applications/{app['id']}", json={"keyCredentials": only_second}, headers=bearer(admin)
        ).status_code
        == 204
    )
    refused = token()
    assert "access_token" not in refused and 700027 in refused["error_codes"]
    bad = http.patch(
        f"{g}/applications/{app['id']}",
        json={"keyCredentials": [{**new, "key": "bm90IGEgY2VydA=="}]},
        headers=bearer(admin),
    )
    assert error_of(bad)[:2] == (400, "Request_BadRequest")
    session.close()


def test_identifier_uris_and_app_roles_follow_graphs_rules(
    sb: Sandbox, http: httpx.Client, admin: str
) -> None:
    g = sb.graph_base_url
    api = create(sb, http, admin, "edw-rules-api")
    url = f"{g}/applications/{api['id']}"
    foreign = http.patch(url, json={"identifierUris": ["https://api.example.com/edw"]}, headers=bearer(admin))
    assert error_of(foreign) == (
        400,
        "HostNameNotOnVerifiedDomain",
        "Values of identifierUris property must use a verified domain of the organization or its subdomain: "
        "'https://api.example.com/edw'",
    )
    other_guid = http.patch(url, json={"identifierUris": [f"api://{uuid.uuid4()}"]}, headers=bearer(admin))
    assert error_of(other_guid)[1] == "HostNameNotOnVerifiedDomain"
    mine = ["api://contoso.onmicrosoft.com/edw-rules", f"api://{api['appId']}"]
    assert http.patch(url, json={"identifierUris": mine}, headers=bearer(admin)).status_code == 204
    twin = create(sb, http, admin, "edw-rules-twin")
    taken = http.patch(
        f"{g}/applications/{twin['id']}", json={"identifierUris": mine[:1]}, headers=bearer(admin)
    )
    assert error_of(taken) == (
        400,
        "Request_BadRequest",
        "Another object with the same value for property identifierUris already exists.",
    )
    # A soft-deleted app still holds its URI until purged.
    assert http.delete(url, headers=bearer(admin)).status_code == 204
    held = http.patch(
        f"{g}/applications/{twin['id']}", json={"identifierUris": mine[:1]}, headers=bearer(admin)
    )
    assert (
        error_of(held)[2] == "Another object with the same value for property identifierUris already exists."
    )
    restored = http.post(f"{g}/directory/deletedItems/{api['id']}/restore", headers=bearer(admin))
    assert restored.status_code == 200 and restored.json()["identifierUris"] == mine

    role = {
        "id": str(uuid.uuid4()),
        "allowedMemberTypes": ["Application"],
        "value": "Edw.Read",
        "displayName": "r",
        "description": "r",
        "isEnabled": True,
    }
    assert http.patch(url, json={"appRoles": [role]}, headers=bearer(admin)).status_code == 204
    removing = http.patch(url, json={"appRoles": []}, headers=bearer(admin))
    assert error_of(removing) == (
        400,
        "CannotDeleteOrUpdateEnabledEntitlement",
        "Permission (scope or role) cannot be deleted or updated unless disabled first.",
    )
    assert (
        http.patch(url, json={"appRoles": [{**role, "isEnabled": False}]}, headers=bearer(admin)).status_code
        == 204
    )
    assert http.patch(url, json={"appRoles": []}, headers=bearer(admin)).status_code == 204
    unknown = http.patch(url, json={"colour": "blue"}, headers=bearer(admin))
    assert error_of(unknown)[:2] == (400, "Request_BadRequest")


def test_token_lag_holds_back_new_secrets_and_roles(
    sb: Sandbox, http: httpx.Client, admin: str, settings: WriteSettings
) -> None:
    g = sb.graph_base_url
    settings.update(token_lag=1)
    app = create(sb, http, admin, "edw-token-lag")
    sp = http.post(f"{g}/servicePrincipals", json={"appId": app["appId"]}, headers=bearer(admin)).json()
    secret = http.post(f"{g}/applications/{app['id']}/addPassword", json={}, headers=bearer(admin)).json()
    form = {
        "grant_type": "client_credentials",
        "client_id": app["appId"],
        "client_secret": secret["secretText"],
        "scope": "https://graph.microsoft.com/.default",
    }

    def token() -> httpx.Response:
        return http.post(f"{sb.authority('contoso')}/oauth2/v2.0/token", data=form)

    early = token()
    assert early.status_code == 401 and 7000215 in early.json()["error_codes"]
    assert token().status_code == 200
    graph_sp = http.get(
        f"{g}/servicePrincipals(appId='00000003-0000-0000-c000-000000000000')", headers=bearer(admin)
    ).json()["id"]
    grant = {
        "principalId": sp["id"],
        "resourceId": graph_sp,
        "appRoleId": "df021288-bdef-4463-88db-98f22de89214",
    }
    assert (
        http.post(
            f"{g}/servicePrincipals/{graph_sp}/appRoleAssignedTo", json=grant, headers=bearer(admin)
        ).status_code
        == 201
    )

    def roles() -> list[str]:
        claims = jwt.decode(token().json()["access_token"], options={"verify_signature": False})
        found: list[str] = claims.get("roles", [])
        return found

    assert roles() == []
    assert roles() == ["User.Read.All"]
