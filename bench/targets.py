"""Token services to load, each in its own process on 127.0.0.1: the sandbox and oauth2-mock-server."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.loadgen import Target

GRAPH = "https://graph.microsoft.com/.default"
MOCK_PACKAGE = "oauth2-mock-server@8"

_NODE_SERVER = """
import { OAuth2Server } from 'oauth2-mock-server';
const server = new OAuth2Server(process.argv[2], process.argv[3]);
await server.issuer.keys.generate('RS256');
await server.start(0, '127.0.0.1');
console.log(JSON.stringify({ port: server.address().port }));
process.stdin.resume();
process.stdin.on('end', async () => { await server.stop(); process.exit(0); });
"""


def _ready_line(proc: subprocess.Popen[str], timeout: float) -> str:
    """The first stdout line of a server process, or an error if it does not come in time."""
    import selectors

    assert proc.stdout is not None
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)
    if not sel.select(timeout):
        raise RuntimeError("server did not report ready in time")
    line = proc.stdout.readline()
    if not line:
        raise RuntimeError(f"server exited with {proc.wait(5)}")
    return line


def _stop(proc: subprocess.Popen[str]) -> None:
    if proc.stdin is not None:
        proc.stdin.close()
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)


@contextmanager
def sandbox_process(folder: Path) -> Iterator[Target]:
    """`daemon-wizard sandbox --json` in a child process (its own interpreter, like the node server)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "wizard", "sandbox", "--json", "--port", "0", "--data-dir", str(folder)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.PIPE,
        text=True,
    )
    try:
        ready = json.loads(_ready_line(proc, 60))
        app = next(a for t in ready["tenants"] for a in t["apps"] if a["name"] == "graph-daemon")
        form = {
            "grant_type": "client_credentials",
            "client_id": app["client_id"],
            "client_secret": app["secret"],
            "scope": GRAPH,
        }
        details = {
            "tenant_id": app["tenant_id"],
            "client_id": app["client_id"],
            "secret": app["secret"],
            "authority": app["authority"],
            "graph_base_url": ready["graph_base_url"],
            "ca_file": ready["ca_file"],
        }
        yield Target("sandbox", f"{app['authority']}/oauth2/v2.0/token", form, ready["ca_file"], details)
    finally:
        _stop(proc)


def install_oauth2_mock_server(folder: Path) -> str | None:
    """npm-install the package into `folder` (a temporary folder); None when it worked, else why not."""
    if not (shutil.which("node") and shutil.which("npm")):
        return "node or npm not found"
    try:
        done = subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "--silent", "--prefix", str(folder), MOCK_PACKAGE],
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return "npm install timed out"
    if done.returncode != 0:
        return f"npm install failed ({done.returncode})"
    return None


@contextmanager
def oauth2_mock_server(folder: Path, ca_folder: Path) -> Iterator[Target]:
    """oauth2-mock-server over HTTPS with a certificate from the sandbox's local CA (same TLS as the sandbox)."""
    from wizard.sandbox.tls import issue_server_cert, load_or_create_ca

    ca = load_or_create_ca(ca_folder)
    cert, key = issue_server_cert(ca, ["127.0.0.1"], folder)
    script = folder / "serve.mjs"
    script.write_text(_NODE_SERVER)
    proc = subprocess.Popen(
        ["node", str(script), str(key), str(cert)],
        cwd=folder,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.PIPE,
        text=True,
        env={**os.environ, "NODE_ENV": "production"},
    )
    try:
        port = json.loads(_ready_line(proc, 30))["port"]
        form = {"grant_type": "client_credentials", "client_id": "bench", "scope": GRAPH}
        time.sleep(0.1)
        yield Target("oauth2-mock-server", f"https://127.0.0.1:{port}/token", form, str(ca.cert_path))
    finally:
        _stop(proc)
