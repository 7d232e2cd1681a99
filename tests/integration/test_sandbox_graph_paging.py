"""Graph's query options on every collection the sandbox serves: paging with `@odata.nextLink` (msgraph-sdk's
PageIterator walks it), `$select`, `$filter`, `$count` with `ConsistencyLevel: eventual`, `/$count`."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from sandbox_tokens import secret_token

from wizard.sandbox import Sandbox


def _users(sandbox: Sandbox) -> list[str]:
    """The default scenario's users in the first tenant, as Graph lists them."""
    return [u.display_name for u in sandbox.state.scenario.tenants[0].users]


GRAPH = "https://graph.microsoft.com/.default"
COLLECTIONS = ["users", "applications", "servicePrincipals"]


@pytest.fixture
def graph(sandbox: Sandbox, sandbox_http: httpx.Client) -> httpx.Client:
    sandbox_http.headers["Authorization"] = f"Bearer {secret_token(sandbox, sandbox_http, 'graph-daemon')}"
    return sandbox_http


def _walk(http: httpx.Client, url: str, **params: str) -> list[list[dict[str, Any]]]:
    pages = []
    r = http.get(url, params=params)
    while True:
        assert r.status_code == 200, r.text
        body = r.json()
        pages.append(body["value"])
        if "@odata.nextLink" not in body:
            return pages
        r = http.get(body["@odata.nextLink"])


@pytest.mark.parametrize("collection", COLLECTIONS)
def test_top_pages_with_next_link_until_the_last(
    sandbox: Sandbox, graph: httpx.Client, collection: str
) -> None:
    url = f"{sandbox.graph_base_url}/{collection}"
    everything = graph.get(url).json()
    assert "@odata.nextLink" not in everything
    assert len(everything["value"]) >= 3
    pages = _walk(graph, url, **{"$top": "2"})
    assert len(pages) == (len(everything["value"]) + 1) // 2
    assert [len(p) for p in pages[:-1]] == [2] * (len(pages) - 1)
    assert [o["id"] for p in pages for o in p] == [o["id"] for o in everything["value"]]


def test_next_link_repeats_the_query_with_an_opaque_skiptoken(sandbox: Sandbox, graph: httpx.Client) -> None:
    r = graph.get(f"{sandbox.graph_base_url}/users", params={"$top": "1", "$select": "displayName"})
    link = urlsplit(r.json()["@odata.nextLink"])
    query = parse_qs(link.query)
    assert f"{link.scheme}://{link.netloc}{link.path}" == f"{sandbox.graph_base_url}/users"
    assert query["$top"] == ["1"]
    assert query["$select"] == ["displayName"]
    token = query["$skiptoken"][0]
    assert not token.isdigit()
    tampered = graph.get(
        f"{sandbox.graph_base_url}/users", params={"$top": "1", "$skiptoken": token[:-2] + "AA"}
    )
    assert tampered.status_code == 400


def test_top_out_of_range_is_graphs_400(sandbox: Sandbox, graph: httpx.Client) -> None:
    r = graph.get(f"{sandbox.graph_base_url}/users", params={"$top": "1000"})
    assert r.status_code == 400
    assert (
        r.json()["error"]["message"]
        == "Invalid page size specified: '1000'. Must be between 1 and 999 inclusive."
    )


@pytest.mark.parametrize("collection", COLLECTIONS)
def test_select_returns_only_the_chosen_properties(
    sandbox: Sandbox, graph: httpx.Client, collection: str
) -> None:
    r = graph.get(f"{sandbox.graph_base_url}/{collection}", params={"$select": "id,displayName"})
    body = r.json()
    assert body["@odata.context"].endswith(f"#{collection}(id,displayName)")
    assert all(set(o) == {"id", "displayName"} for o in body["value"])
    bad = graph.get(f"{sandbox.graph_base_url}/{collection}", params={"$select": "nonsense"})
    assert bad.status_code == 400
    assert "Could not find a property named 'nonsense'" in bad.json()["error"]["message"]


def test_select_on_one_object(sandbox: Sandbox, graph: httpx.Client) -> None:
    app = sandbox.app("graph-daemon")
    r = graph.get(
        f"{sandbox.graph_base_url}/applications(appId='{app.client_id}')",
        params={"$select": "appId,passwordCredentials"},
    )
    assert set(r.json()) == {"@odata.context", "appId", "passwordCredentials"}


def test_filter_eq_and_startswith(sandbox: Sandbox, graph: httpx.Client) -> None:
    base = sandbox.graph_base_url
    users = graph.get(f"{base}/users", params={"$filter": "startswith(displayName,'a')"}).json()["value"]
    assert [u["displayName"] for u in users] == ["Adele Vance", "Alex Wilber"]
    upn = users[0]["userPrincipalName"]
    one = graph.get(f"{base}/users", params={"$filter": f"userPrincipalName eq '{upn.upper()}'"}).json()
    assert [u["id"] for u in one["value"]] == [users[0]["id"]]
    app = sandbox.app("cert-daemon")
    apps = graph.get(f"{base}/applications", params={"$filter": f"appId eq '{app.client_id}'"}).json()
    assert [a["displayName"] for a in apps["value"]] == [app.display_name]
    sps = graph.get(
        f"{base}/servicePrincipals",
        params={"$filter": f"appId eq '{app.client_id}' or displayName eq 'Microsoft Graph'"},
    ).json()
    assert sorted(s["displayName"] for s in sps["value"]) == sorted([app.display_name, "Microsoft Graph"])
    disabled = graph.get(f"{base}/servicePrincipals", params={"$filter": "accountEnabled eq false"}).json()
    assert [s["displayName"] for s in disabled["value"]] == [sandbox.app("disabled-daemon").display_name]


def test_filter_refusals_are_graphs(sandbox: Sandbox, graph: httpx.Client) -> None:
    base = sandbox.graph_base_url
    unknown = graph.get(f"{base}/users", params={"$filter": "shoeSize eq '9'"})
    assert unknown.status_code == 400
    advanced = graph.get(f"{base}/users", params={"$filter": "endswith(mail,'.com')"})
    assert advanced.status_code == 400
    assert advanced.json()["error"]["code"] == "Request_UnsupportedQuery"
    eventual = graph.get(
        f"{base}/users",
        params={"$filter": "endswith(mail,'.com')", "$count": "true"},
        headers={"ConsistencyLevel": "eventual"},
    )
    assert eventual.status_code == 200
    assert eventual.json()["@odata.count"] == len(_users(sandbox))
    deep = graph.get(f"{base}/users", params={"$filter": "(" * 500 + "id eq 'x'" + ")" * 500})
    assert deep.status_code == 400


def test_count_needs_consistency_level_eventual(sandbox: Sandbox, graph: httpx.Client) -> None:
    base = sandbox.graph_base_url
    plain = graph.get(f"{base}/users", params={"$count": "true", "$top": "1"}).json()
    assert "@odata.count" not in plain
    counted = graph.get(
        f"{base}/users", params={"$count": "true", "$top": "1"}, headers={"ConsistencyLevel": "eventual"}
    ).json()
    assert counted["@odata.count"] == len(_users(sandbox))
    assert len(counted["value"]) == 1
    raw = graph.get(f"{base}/users/$count", headers={"ConsistencyLevel": "eventual"})
    assert raw.status_code == 200
    assert raw.text == str(len(_users(sandbox)))
    refused = graph.get(f"{base}/users/$count")
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "Request_UnsupportedQuery"


def test_app_role_assignments_page_too(sandbox: Sandbox, graph: httpx.Client) -> None:
    app = sandbox.app("graph-daemon")
    url = f"{sandbox.graph_base_url}/servicePrincipals(appId='{app.client_id}')/appRoleAssignments"
    pages = _walk(graph, url, **{"$top": "1"})
    assert [len(p) for p in pages] == [1, 1]
