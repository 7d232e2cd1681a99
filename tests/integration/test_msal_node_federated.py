"""msal-node, unmodified, with a `clientAssertion` callback gets a token from the sandbox (issue 14).

Needs `node` (20 or later) and @azure/msal-node, installed once from the npm registry into a cache folder
that later runs reuse (`.venv/node-msal`, or $DAEMON_WIZARD_NODE_CACHE). It cannot run offline with an
empty cache: it carries the `npm` marker (deselect with `-m "not npm"`), and fails, never skips, when npm
cannot install the package.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from federated_tokens import GITHUB_SUBJECT, issuer

from wizard.sandbox import Sandbox

pytestmark = pytest.mark.npm

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "tests" / "data" / "node" / "msal_node_assertion.mjs"
#: Pinned, as constraints.txt pins the Python side.
MSAL_NODE = "@azure/msal-node@7.2.3"


@pytest.fixture(scope="module")
def msal_node() -> Path:
    node, npm = shutil.which("node"), shutil.which("npm")
    assert node and npm, "this test needs node and npm on PATH (deselect it with -m 'not npm')"
    cache = Path(os.environ.get("DAEMON_WIZARD_NODE_CACHE") or ROOT / ".venv" / "node-msal")
    package = cache / "node_modules" / "@azure" / "msal-node" / "package.json"
    wanted = MSAL_NODE.rsplit("@", 1)[1]
    if not package.is_file() or json.loads(package.read_text())["version"] != wanted:
        cache.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(
            [npm, "install", "--no-audit", "--no-fund", "--no-save", "--prefix", str(cache), MSAL_NODE],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, f"npm could not install {MSAL_NODE}: {done.stderr[-1000:]}"
    return cache


def _run(sb: Sandbox, cache: Path, subject: str) -> dict[str, Any]:
    app = sb.app("federated-daemon")
    given = {
        "authority": app.authority,
        "clientId": app.client_id,
        "scope": "https://graph.microsoft.com/.default",
        "mintUrl": issuer(sb, "github-actions")["mint_url"],
        "subject": subject,
    }
    # The sandbox's CA is trusted as a corporate CA would be; TLS checks stay on.
    env = {"PATH": os.environ["PATH"], "NODE_EXTRA_CA_CERTS": sb.ca_file, "MSAL_NODE_PREFIX": str(cache)}
    done = subprocess.run(
        ["node", str(SCRIPT)], input=json.dumps(given), capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def test_msal_node_client_assertion_gets_a_token(sandbox: Sandbox, msal_node: Path) -> None:
    result = _run(sandbox, msal_node, GITHUB_SUBJECT)
    assert result["ok"] is True, result
    assert result["tokenParts"] == 3
    assert result["calls"] == 2  # skipCache: a fresh external token for the second request too


def test_msal_node_sees_entras_subject_mismatch(sandbox: Sandbox, msal_node: Path) -> None:
    result = _run(sandbox, msal_node, "repo:contoso/daemon:ref:refs/heads/x")
    assert result["ok"] is False
    assert "AADSTS700213" in result["errorMessage"]
