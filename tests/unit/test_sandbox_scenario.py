"""Scenario files: the documented TOML/JSON format, its checks, and the built-in default."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from wizard.errors import ConfigFileError
from wizard.sandbox import default_scenario, load_scenario, resolve_scenario
from wizard.sandbox.entra_errors import tenant_not_found
from wizard.sandbox.reqlog import redact_query
from wizard.sandbox.token_endpoint import check_scope

EXAMPLE = """
[[tenants]]
name = "acme"
id = "11111111-1111-4111-8111-111111111111"
domain = "acme.onmicrosoft.com"
type = "workforce"

[[tenants.apis]]
name = "orders-api"
app_id = "22222222-2222-4222-8222-222222222222"
access_token_version = 2
assignment_required = true
roles = [{ value = "Orders.Read.All", id = "33333333-3333-4333-8333-333333333333" }]

[[tenants.apps]]
name = "orders-daemon"
client_id = "44444444-4444-4444-8444-444444444444"
credentials = ["secret", "certificate"]
permissions = [
  { api = "orders-api", value = "Orders.Read.All" },
  { api = "graph", value = "User.Read.All", type = "Delegated" },
]
consented = true

[[tenants.users]]
id = "55555555-5555-4555-8555-555555555555"
display_name = "Ada Lovelace"
user_principal_name = "ada@acme.onmicrosoft.com"
"""


def test_toml_scenario_loads(tmp_path: Path) -> None:
    path = tmp_path / "acme.toml"
    path.write_text(EXAMPLE)
    scenario = load_scenario(path)
    tenant = scenario.tenants[0]
    assert tenant.name == "acme"
    assert tenant.apis[0].app_id_uri == "api://22222222-2222-4222-8222-222222222222"
    assert tenant.apis[0].assignment_required is True
    app = tenant.apps[0]
    assert app.credentials == ("secret", "certificate")
    assert [p.type for p in app.permissions] == ["Application", "Delegated"]
    assert resolve_scenario(str(path)) == scenario


def test_json_scenario_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "default.json"
    path.write_text(json.dumps(default_scenario().to_dict()))
    assert load_scenario(path) == default_scenario()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("tenants = []", "no tenants"),
        ('[[tenants]]\nname = "x"\nid = "y"\ndomain = "z"\ntype = "b2c"', "type must be"),
        (
            '[[tenants]]\nname = "x"\nid = "y"\ndomain = "z"\n[[tenants.apps]]\nname = "a"\nclient_id = "c"\n'
            'permissions = [{ api = "nope", value = "X" }]',
            "unknown api 'nope'",
        ),
        ("not toml [", "is not valid"),
    ],
)
def test_bad_scenarios_are_typed_errors(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(ConfigFileError, match=message):
        load_scenario(path)


def test_missing_file_is_typed_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigFileError, match="Cannot read"):
        load_scenario(tmp_path / "absent.toml")


def test_default_scenario_names_are_stable() -> None:
    names = {a.name for t in default_scenario().tenants for a in t.apps}
    assert {"graph-daemon", "unconsented-daemon", "delegated-daemon", "cert-daemon", "todo-daemon"} <= names
    assert {t.name: t.type for t in default_scenario().tenants} == {
        "contoso": "workforce",
        "fabrikamext": "external",
        "northwind": "workforce",
    }


@pytest.mark.parametrize(
    ("scope", "code"),
    [
        ("", 90014),
        ("User.Read", 1002012),
        ("https://graph.microsoft.com/.default https://management.azure.com/.default", 28000),
        ("https://graph.microsoft.com/.default https://graph.microsoft.com/User.Read", 70011),
        ("/.default", 1002012),
    ],
)
def test_scope_rules(scope: str, code: int) -> None:
    from wizard.sandbox.entra_errors import EntraError

    with pytest.raises(EntraError) as info:
        check_scope(scope)
    assert info.value.code == code


def test_scope_ok() -> None:
    assert check_scope("https://graph.microsoft.com/.default") == "https://graph.microsoft.com"


def test_error_body_shape() -> None:
    body = tenant_not_found("x").body(correlation_id="c")
    assert str(body["error_description"]).startswith("AADSTS90002: Tenant 'x' not found.")
    assert body["correlation_id"] == "c"


def test_redact_query() -> None:
    assert redact_query("a=1&client_secret=s3cr3t&client_assertion=eyJ") == (
        "a=1&client_secret=%5Bredacted%5D&client_assertion=%5Bredacted%5D"
    )


def test_request_log_knows_requests_still_being_answered() -> None:
    """A slow request is logged only when it ends; wait_idle waits for it (the reliability tests rely on it)."""
    import threading

    from wizard.sandbox.reqlog import RequestLog

    log = RequestLog()
    log.begin()
    assert log.wait_idle(0.01) is False
    ended = threading.Event()

    def finish() -> None:
        log.end()
        ended.set()

    threading.Thread(target=finish).start()
    assert log.wait_idle(30) is True
    assert ended.is_set()
