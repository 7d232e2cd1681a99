"""A running sandbox answers the app registration reads `doctor` makes without importing the Graph writes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

WRITES = tuple(
    f"wizard.sandbox.{m}" for m in ("graph_fic", "graph_credentials", "graph_keys", "graph_write_apps")
)

# In a fresh interpreter, so that no other test's import counts: a sandbox over HTTPS, httpx with a token of
# an app allowed to read applications, the reads by appId, by $filter and by object id, then a write.
_PROBE = """
import json, sys
from pathlib import Path
from wizard.sandbox import Sandbox
from wizard.sandbox.trust import httpx_client

writes = json.loads(sys.argv[2])
out = {}
with Sandbox(data_dir=Path(sys.argv[1])) as sb, httpx_client(sb.ca_file, timeout=30) as http:
    reader, target = sb.app("graph-daemon"), sb.app("todo-daemon")
    form = {"grant_type": "client_credentials", "client_id": reader.client_id,
            "client_secret": reader.secret, "scope": "https://graph.microsoft.com/.default"}
    token = http.post(f"{reader.authority}/oauth2/v2.0/token", data=form).json()["access_token"]
    h = {"Authorization": f"Bearer {token}"}
    graph = sb.graph_base_url
    out["started"] = [m for m in writes if m in sys.modules]
    reads = [
        http.get(f"{graph}/applications(appId='{target.client_id}')", headers=h).json()["appId"],
        http.get(f"{graph}/applications", headers=h,
                 params={"$filter": f"appId eq '{target.client_id}'"}).json()["value"][0]["appId"],
        http.get(f"{graph}/applications/{target.object_id}", headers=h).json()["appId"],
    ]
    out["reads"] = reads == [target.client_id] * 3
    out["after_reads"] = [m for m in writes if m in sys.modules]
    out["write_status"] = http.patch(f"{graph}/applications/{target.object_id}", headers=h,
                                     json={"notes": "x"}).status_code
    out["after_write"] = [m for m in writes if m in sys.modules]
print("OUT=" + json.dumps(out))
"""


def test_app_registration_reads_import_no_graph_write_module(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, str(tmp_path), json.dumps(WRITES)],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    line = next((x for x in done.stdout.splitlines() if x.startswith("OUT=")), None)
    assert line is not None, done.stderr[-3000:]
    out = json.loads(line.removeprefix("OUT="))
    assert out["started"] == []
    assert out["reads"] is True  # each read answered with the registration, by Graph's read routes
    assert out["after_reads"] == []
    # The same check sees a write's module: PATCH takes graph_write_apps' route (refused: a reader's token).
    assert out["write_status"] == 403
    assert "wizard.sandbox.graph_write_apps" in out["after_write"]
