"""`daemon-wizard sandbox --json`: one ready line, a working tenant, Ctrl-C exits 0."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

from wizard.sandbox.trust import httpx_client


def test_cli_ready_line_and_clean_stop(tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "wizard", "sandbox", "--json", "--data-dir", str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        info = json.loads(proc.stdout.readline())
        assert info["ca_file"] == str(tmp_path / "sandbox" / "ca.pem")
        contoso = next(t for t in info["tenants"] if t["name"] == "contoso")
        app = next(a for a in contoso["apps"] if a["name"] == "graph-daemon")
        with httpx_client(info["ca_file"], timeout=10) as http:
            r = http.post(
                f"{app['authority']}/oauth2/v2.0/token",
                data={
                    "grant_type": "client_credentials",
                    "client_id": app["client_id"],
                    "client_secret": app["secret"],
                    "scope": "https://graph.microsoft.com/.default",
                },
            )
        assert r.status_code == 200
    finally:
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=20)
    assert proc.returncode == 0
    assert "Sandbox stopped." in stderr
    assert "Traceback" not in stderr
    assert "not a loopback address" not in stderr


def test_cli_bad_scenario_is_usage_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("tenants = []")
    proc = subprocess.run(
        [sys.executable, "-m", "wizard", "sandbox", "--scenario", str(bad), "--data-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert proc.returncode == 2
    assert "no tenants" in proc.stderr
    assert "Traceback" not in proc.stderr
