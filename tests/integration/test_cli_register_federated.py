"""`daemon-wizard register apply | undo` as a person runs it, with a federated credential and in an External ID
tenant: device-code sign-in on the sandbox, the GitHub subject built from its parts, the JSON result, undo."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.apply_helpers import tenant_of
from tests.integration.delegated_helpers import enter_code, finish, private_sandbox, start
from wizard.sandbox import Sandbox


@pytest.fixture(scope="module")
def sb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    yield from private_sandbox(tmp_path_factory, "clifed")


def _cli(sb: Sandbox, *args: str, tenant: str = "contoso") -> tuple[int, dict[str, object], str]:
    """`register ...` signed in by device code as the tenant's Global Administrator."""
    t = tenant_of(sb, tenant)
    client = next(c["client_id"] for c in t["public_clients"] if c["name"] == "wizard-admin")
    who = next(u for u in t["users"] if "Global Administrator" in u["roles"])
    flags = ["--authority", sb.authority(tenant), "--ca-file", sb.ca_file, "--client-id", client]
    proc = start(["register", *args, "--device-code", "--json", "--graph-url", sb.base_url, *flags])
    assert proc.stdout is not None
    event = json.loads(proc.stdout.readline())
    assert 'id="done"' in enter_code(sb, event, who)
    code, stdout, stderr = finish(proc)
    assert "Traceback" not in stderr
    return code, json.loads(stdout), stderr


def test_cli_apply_then_undo_a_federated_credential(sb: Sandbox, tmp_path: Path) -> None:
    journal = tmp_path / "j.json"
    fed = [
        "--credential",
        "federated",
        "--name",
        "edw-cli-fed",
        "--role",
        "User.Read.All",
        "--repo",
        "contoso/cli-fed",
        "--environment",
        "production",
        "--federated-issuer",
        f"{sb.base_url}/issuers/github-actions",
    ]
    code, plan, err = _cli(sb, "plan", *fed)
    assert code == 0, err
    step = next(s for s in plan["steps"] if s["action"] == "add federated credential")  # type: ignore[attr-defined]
    assert step["status"] == "todo" and step["target"].endswith("repo-contoso-cli-fed-environment-production")
    code, result, err = _cli(sb, "apply", "--yes", "--journal", str(journal), *fed)
    assert code == 0, err
    assert result["verified"] is True and result["findings"] == [] and result["secret_file"] is None
    assert result["federated_credential"] == {
        "name": "repo-contoso-cli-fed-environment-production",
        "issuer": f"{sb.base_url}/issuers/github-actions",
        "subject": "repo:contoso/cli-fed:environment:production",
        "audience": "api://AzureADTokenExchange",
        "id": result["federated_credential"]["id"],  # type: ignore[index]
    }
    assert "federated_credential" in journal.read_text()
    code, undone, err = _cli(sb, "undo", "--yes", "--journal", str(journal))
    assert code == 0, err
    assert next(e["kind"] for e in undone["removed"]) == "federated_credential"  # type: ignore[attr-defined]


def test_cli_apply_then_undo_in_an_external_id_tenant(sb: Sandbox, tmp_path: Path) -> None:
    journal = tmp_path / "j.json"
    own = ["--name", "edw-cli-ext", "--resource", "edw-cli-ext-api", "--role", "Orders.Read.All"]
    code, plan, err = _cli(sb, "plan", *own, tenant="fabrikamext")
    assert code == 0, err
    assert plan["tenant"]["kind"] == "external" and plan["tenant"]["type"] == "CIAM"  # type: ignore[index]
    code, result, err = _cli(
        sb,
        "apply",
        "--yes",
        "--journal",
        str(journal),
        "--secret-out",
        str(tmp_path / "s"),
        *own,
        tenant="fabrikamext",
    )
    assert code == 0, err
    assert result["verified"] is True and result["tenant_type"] == "external"
    assert result["authority"] == "https://fabrikamext.ciamlogin.com/fabrikamext.onmicrosoft.com"
    code, undone, err = _cli(sb, "undo", "--yes", "--journal", str(journal), tenant="fabrikamext")
    assert code == 0 and len(undone["removed"]) == 6, err  # type: ignore[arg-type]
