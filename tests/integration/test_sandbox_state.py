"""`daemon-wizard sandbox --state PATH`: what Graph writes created survives a restart (SQLite); a file
that is not a state database, or a bad `--replication-lag`, is a usage error (exit 2) without a traceback."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from tests.integration.graph_write_helpers import bearer, sign_in
from wizard.sandbox.trust import httpx_client

UPSERT = {"Prefer": "create-if-missing"}


@contextmanager
def standalone(tmp_path: Path, *extra: str) -> Iterator[dict[str, Any]]:
    """A `sandbox --json` process; its ready line. Stopped with Ctrl-C (SIGINT) at the end."""
    args = [sys.executable, "-m", "wizard", "sandbox", "--json", "--data-dir", str(tmp_path / "data"), *extra]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        yield json.loads(proc.stdout.readline())
    finally:
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 0 and "Traceback" not in stderr, stderr


def admin_of(info: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """The contoso tenant of a ready line and a Global Administrator's Graph token."""
    contoso = next(t for t in info["tenants"] if t["name"] == "contoso")
    admin = next(u for u in contoso["users"] if "Global Administrator" in u["roles"])
    client = next(c["client_id"] for c in contoso["public_clients"] if c["name"] == "wizard-admin")
    token = sign_in(
        info["ca_file"], contoso["authority"], client, admin["user_principal_name"], admin["password"]
    )
    return contoso, token


def client_credentials(http: httpx.Client, authority: str, app_id: str, secret: str) -> httpx.Response:
    form = {
        "grant_type": "client_credentials",
        "client_id": app_id,
        "client_secret": secret,
        "scope": "https://graph.microsoft.com/.default",
    }
    return http.post(f"{authority}/oauth2/v2.0/token", data=form)


def test_state_survives_a_restart(tmp_path: Path) -> None:
    db = tmp_path / "tenant.db"
    with standalone(tmp_path, "--state", str(db)) as info:
        contoso, admin = admin_of(info)
        g = info["graph_base_url"]
        with httpx_client(info["ca_file"], timeout=30) as http:
            app = http.patch(
                f"{g}/applications(uniqueName='edw-kept')",
                json={"displayName": "Kept"},
                headers=bearer(admin, **UPSERT),
            ).json()
            secret = http.post(
                f"{g}/applications/{app['id']}/addPassword", json={}, headers=bearer(admin)
            ).json()
            assert (
                http.post(
                    f"{g}/servicePrincipals", json={"appId": app["appId"]}, headers=bearer(admin)
                ).status_code
                == 201
            )
            gone = http.post(
                f"{g}/applications", json={"displayName": "Binned"}, headers=bearer(admin)
            ).json()
            assert http.delete(f"{g}/applications/{gone['id']}", headers=bearer(admin)).status_code == 204
    assert db.stat().st_mode & 0o777 == 0o600  # it holds secret values

    with standalone(tmp_path, "--state", str(db), "--replication-lag", "1") as info:
        contoso, admin = admin_of(info)
        g = info["graph_base_url"]
        assert any(a["client_id"] == app["appId"] for a in contoso["apps"])  # in the ready line too
        with httpx_client(info["ca_file"], timeout=30) as http:
            kept = http.get(f"{g}/applications(uniqueName='edw-kept')", headers=bearer(admin))
            assert kept.status_code == 200 and kept.json()["id"] == app["id"]
            assert [p["keyId"] for p in kept.json()["passwordCredentials"]] == [secret["keyId"]]
            token = client_credentials(http, contoso["authority"], app["appId"], secret["secretText"])
            assert token.status_code == 200, token.text
            binned = http.get(f"{g}/directory/deletedItems/{gone['id']}", headers=bearer(admin))
            assert binned.status_code == 200 and binned.json()["displayName"] == "Binned"
            # --replication-lag 1: a new object's first read misses it, the next finds it.
            fresh = http.post(
                f"{g}/applications", json={"displayName": "Fresh"}, headers=bearer(admin)
            ).json()
            assert http.get(f"{g}/applications/{fresh['id']}", headers=bearer(admin)).status_code == 404
            assert http.get(f"{g}/applications/{fresh['id']}", headers=bearer(admin)).status_code == 200

    with standalone(tmp_path) as info:  # without --state: memory only, as before
        contoso, admin = admin_of(info)
        assert not any(a["client_id"] == app["appId"] for a in contoso["apps"])


def _usage(tmp_path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "wizard", "sandbox", "--data-dir", str(tmp_path / "data"), *extra],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_file_that_is_not_a_state_database_is_a_usage_error(tmp_path: Path) -> None:
    junk = tmp_path / "notes.txt"
    junk.write_text("not sqlite, certainly not a sandbox state\n" * 100)
    proc = _usage(tmp_path, "--state", str(junk))
    assert proc.returncode == 2, proc.stderr
    assert "is not a sandbox state database" in proc.stderr and "Traceback" not in proc.stderr


def test_replication_lag_must_be_a_count(tmp_path: Path) -> None:
    proc = _usage(tmp_path, "--replication-lag", "soon")
    assert proc.returncode == 2 and "whole number of reads" in proc.stderr and "Traceback" not in proc.stderr
