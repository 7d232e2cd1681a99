"""The sandbox's Graph routes for federated identity credentials, over HTTPS: reads, writes, Graph's checks,
and a written credential honoured by the token endpoint."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from federated_tokens import EXCHANGE, issuer, mint
from sandbox_tokens import post_assertion, secret_token

from tests.integration.delegated_helpers import private_sandbox, public_client
from wizard.sandbox import Sandbox
from wizard.sandbox.delegated_tokens import access_token
from wizard.sandbox.trust import httpx_client


@pytest.fixture(scope="module")
def sb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    yield from private_sandbox(tmp_path_factory, "graph-fic")  # writes must not reach other tests


@pytest.fixture
def http(sb: Sandbox) -> Iterator[httpx.Client]:
    with httpx_client(sb.ca_file, timeout=30) as client:
        yield client


def user_token(sb: Sandbox, role: str | None, scopes: set[str] | None = None) -> str:
    """A delegated Graph token of the contoso user holding `role` (None: no role), as the sandbox signs one."""
    state = sb.state
    tenant = next(t for t in state.tenants.values() if t.spec.name == "contoso")
    account = next(
        a
        for a in state.delegated.users_of(tenant.spec.id)
        if (role in a.roles) or (role is None and not a.roles)
    )
    client = state.delegated.client(tenant.spec.id, public_client(sb))
    assert client is not None
    token, _ = access_token(
        tenant=tenant,
        client=client,
        account=account,
        scopes=scopes or {"Application.ReadWrite.All"},
        key=state.signing_key,
    )
    return token


def fics_url(sb: Sandbox, name: str = "federated-daemon") -> str:
    app = next(
        a for t in sb.describe()["tenants"] if t["name"] == "contoso" for a in t["apps"] if a["name"] == name
    )
    return f"{sb.graph_base_url}/applications/{app['object_id']}/federatedIdentityCredentials"


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _fic(sb: Sandbox, name: str, subject: str) -> dict[str, Any]:
    return {
        "name": name,
        "issuer": issuer(sb, "github-actions")["issuer"],
        "subject": subject,
        "audiences": [EXCHANGE],
        "description": "made by a test",
    }


def test_list_with_an_app_token_that_reads_applications(sb: Sandbox, http: httpx.Client) -> None:
    r = http.get(fics_url(sb), headers=_auth(secret_token(sb, http, "graph-daemon")))
    assert r.status_code == 200, r.text
    names = {f["name"]: f for f in r.json()["value"]}
    assert names["github-production"]["issuer"] == issuer(sb, "github-actions")["issuer"]
    assert names["aks-graph-reader"]["issuer"].endswith("/issuers/kubernetes/")
    one = http.get(f"{fics_url(sb)}/github-production", headers=_auth(secret_token(sb, http, "graph-daemon")))
    assert one.status_code == 200 and one.json()["id"] == names["github-production"]["id"]
    by_id = http.get(
        f"{fics_url(sb)}/{names['github-production']['id']}",
        headers=_auth(secret_token(sb, http, "graph-daemon")),
    )
    assert by_id.json()["name"] == "github-production"


def test_app_token_without_write_permission_is_refused(sb: Sandbox, http: httpx.Client) -> None:
    r = http.post(
        fics_url(sb),
        headers=_auth(secret_token(sb, http, "graph-daemon")),
        json=_fic(sb, "nope", "repo:contoso/daemon:ref:refs/heads/nope"),
    )
    assert r.status_code == 403, r.text
    assert r.json()["error"]["code"] == "Authorization_RequestDenied"


def test_a_user_without_a_role_may_not_write_another_users_app(sb: Sandbox, http: httpx.Client) -> None:
    r = http.post(
        fics_url(sb),
        headers=_auth(user_token(sb, None)),
        json=_fic(sb, "nope", "repo:contoso/daemon:ref:refs/heads/nope"),
    )
    assert r.status_code == 403
    assert r.json()["error"]["message"] == "Insufficient privileges to complete the operation."


def test_a_created_credential_makes_the_token_work(sb: Sandbox, http: httpx.Client) -> None:
    subject = "repo:contoso/daemon:ref:refs/heads/release"
    token = mint(sb, http, "github-actions", subject)
    before = post_assertion(sb, http, token, name="federated-daemon")
    assert before.status_code == 400 and before.json()["error_codes"] == [700213]
    admin = _auth(user_token(sb, "Application Administrator"))
    r = http.post(fics_url(sb), headers=admin, json=_fic(sb, "release-branch", subject))
    assert r.status_code == 201, r.text
    assert r.json()["name"] == "release-branch" and r.json()["description"] == "made by a test"
    after = post_assertion(sb, http, token, name="federated-daemon")
    assert after.status_code == 200, after.text
    again = http.post(fics_url(sb), headers=admin, json=_fic(sb, "release-branch", subject + "2"))
    assert again.status_code == 409
    assert (
        again.json()["error"]["message"]
        == "FederatedIdentityCredential with name release-branch already exists."
    )
    same_pair = http.post(fics_url(sb), headers=admin, json=_fic(sb, "release-two", subject))
    assert same_pair.status_code == 409
    gone = http.delete(f"{fics_url(sb)}/release-branch", headers=admin)
    assert gone.status_code == 204
    refused = post_assertion(sb, http, mint(sb, http, "github-actions", subject), name="federated-daemon")
    assert refused.json()["error_codes"] == [700213]


def test_patch_upserts_by_name_with_prefer(sb: Sandbox, http: httpx.Client) -> None:
    admin = _auth(user_token(sb, "Cloud Application Administrator"))
    url = f"{fics_url(sb)}(name='tags')"
    body = _fic(sb, "tags", "repo:contoso/daemon:ref:refs/tags/v1")
    del body["name"]
    missing = http.patch(url, headers=admin, json=body)
    assert missing.status_code == 404
    created = http.patch(url, headers={**admin, "Prefer": "create-if-missing"}, json=body)
    assert created.status_code == 201, created.text
    updated = http.patch(
        url,
        headers={**admin, "Prefer": "create-if-missing"},
        json={"subject": "repo:contoso/daemon:ref:refs/tags/v2"},
    )
    assert updated.status_code == 204 and updated.content == b""
    read = http.get(url, headers=admin).json()
    assert read["subject"] == "repo:contoso/daemon:ref:refs/tags/v2" and read["audiences"] == [EXCHANGE]
    renamed = http.patch(url, headers=admin, json={"name": "other"})
    assert renamed.status_code == 400
    assert http.delete(url, headers=admin).status_code == 204


@pytest.mark.parametrize(
    ("change", "prop"),
    [
        ({"name": "x"}, "name"),
        ({"name": "-leading"}, "name"),
        ({"audiences": [EXCHANGE, "api://other"]}, "audiences"),
        ({"audiences": []}, "audiences"),
        ({"subject": ""}, "subject"),
    ],
)
def test_graph_validates_the_credential(
    sb: Sandbox, http: httpx.Client, change: dict[str, Any], prop: str
) -> None:
    body = {**_fic(sb, "valid-name", "repo:contoso/daemon:ref:refs/heads/v"), **change}
    r = http.post(fics_url(sb), headers=_auth(user_token(sb, "Global Administrator")), json=body)
    assert r.status_code == 400, r.text
    assert f"property '{prop}'" in r.json()["error"]["message"]


def test_at_most_twenty_per_app(sb: Sandbox, http: httpx.Client) -> None:
    admin = _auth(user_token(sb, "Global Administrator"))
    url = fics_url(sb, "graph-daemon")
    made = []
    for i in range(20):
        r = http.post(
            url, headers=admin, json=_fic(sb, f"many-{i:02d}", f"repo:contoso/many:ref:refs/heads/b{i}")
        )
        assert r.status_code == 201, r.text
        made.append(r.json()["name"])
    over = http.post(url, headers=admin, json=_fic(sb, "many-20", "repo:contoso/many:ref:refs/heads/b20"))
    assert over.status_code == 400 and "maximum of 20" in over.json()["error"]["message"]
    for name in made:
        assert http.delete(f"{url}/{name}", headers=admin).status_code == 204
    assert http.get(url, headers=admin).json()["value"] == []


def test_unknown_app_and_credential_are_404(sb: Sandbox, http: httpx.Client) -> None:
    admin = _auth(user_token(sb, "Global Administrator"))
    r = http.get(
        f"{sb.graph_base_url}/applications/00000000-0000-0000-0000-000000000000/federatedIdentityCredentials",
        headers=admin,
    )
    assert r.status_code == 404 and r.json()["error"]["code"] == "Request_ResourceNotFound"
    assert http.get(f"{fics_url(sb)}/no-such", headers=admin).status_code == 404


def test_expand_on_applications(sb: Sandbox, http: httpx.Client) -> None:
    r = http.get(
        f"{sb.graph_base_url}/applications?$select=id,appId&$expand=federatedIdentityCredentials",
        headers=_auth(secret_token(sb, http, "graph-daemon")),
    )
    assert r.status_code == 200, r.text
    fed = next(a for a in r.json()["value"] if a["appId"] == sb.app("federated-daemon").client_id)
    assert {f["name"] for f in fed["federatedIdentityCredentials"]} >= {
        "github-production",
        "aks-graph-reader",
    }
