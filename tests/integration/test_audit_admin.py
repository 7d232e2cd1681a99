"""`audit --admin`: the tenant read with the delegated token of `daemon-wizard login` (device code, sandbox)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from tests.integration.delegated_helpers import (
    enter_code,
    finish,
    person,
    private_sandbox,
    public_client,
    start,
)
from wizard.sandbox import Sandbox


@pytest.fixture(scope="module")
def sb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    yield from private_sandbox(tmp_path_factory, "audit-admin")


def test_audit_with_the_admin_sign_in(sb: Sandbox) -> None:
    code, _, stderr = finish(start(["audit", "--admin", "--graph-url", sb.graph_base_url, "--json"]))
    assert code == 2 and "daemon-wizard login" in stderr  # nobody signed in yet
    admin = person(sb, "Application Administrator")
    flags = ["--authority", sb.authority("contoso"), "--ca-file", sb.ca_file]
    proc = start(
        [
            "login",
            "--device-code",
            "--json",
            "--allow-plaintext-cache",
            *flags,
            "--client-id",
            public_client(sb),
        ]
    )
    assert proc.stdout is not None
    enter_code(sb, json.loads(proc.stdout.readline()), admin)
    code, _, stderr = finish(proc)
    assert code == 0, stderr
    code, stdout, stderr = finish(start(["audit", "--admin", "--graph-url", sb.graph_base_url, "--json"]))
    assert code == 1, stderr
    doc = json.loads(stdout)
    assert doc["summary"]["applications"] > 0
    assert {"credential-expired", "disabled-principal-with-valid-credentials"} <= {
        f["code"] for f in doc["findings"]
    }
    assert "eyJ0eXAi" not in stdout + stderr and "eyJhbGci" not in stdout + stderr
    assert admin["password"] not in stdout + stderr
