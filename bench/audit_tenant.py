"""`audit` of a generated sandbox tenant, whole process time: owners expanded with the apps (default)
against one owners request per app with 16 in flight (`--owners each --jobs 16`)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

from bench.harness import Row
from wizard.sandbox import Sandbox
from wizard.sandbox.large_scenario import AUDITOR, large_tenant_scenario
from wizard.sandbox.large_tenant import generated


def _audit(sb: Sandbox, *extra: str) -> tuple[float, dict[str, object]]:
    app = sb.app(AUDITOR)
    argv = [
        sys.executable, "-m", "wizard", "audit", "--authority", sb.authority(app.tenant_id),
        "--client-id", app.client_id, "--api-url", sb.graph_base_url, "--ca-file", sb.ca_file,
        "--no-prompt", "--json", "--timeout", "600", *extra,
    ]  # fmt: skip
    env = {**os.environ, "DAEMON_WIZARD_CLIENT_SECRET": app.secret or ""}
    start = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, env=env, check=False)
    took = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise RuntimeError(f"audit exited {done.returncode}: {done.stderr[-500:]}")
    summary = json.loads(done.stdout)["summary"]
    return took, summary if isinstance(summary, dict) else {}


def run(*, apps: int = 10_000) -> tuple[list[Row], list[str]]:
    scenario = large_tenant_scenario(apps)
    sb = Sandbox(scenario=scenario)
    sb.start()
    try:
        spec = scenario.tenants[0]
        generated(spec.generate, tuple(u.id for u in spec.users))  # built once, before the clock starts
        expand_time, expand = _audit(sb)
        each_time, each = _audit(sb, "--owners", "each", "--jobs", "16")
    finally:
        sb.stop()
    rows = [
        Row(
            f"audit {apps} apps",
            "audit (owners expanded)",
            expand_time,
            "audit --owners each --jobs 16",
            each_time,
            "s",
            "bounded",
        )
    ]
    notes = [
        f"audit of {apps} generated apps: {expand.get('credentials')} credentials, {expand.get('requests')} "
        f"Graph requests (owners expanded) vs {each.get('requests')} (one owners request per app)"
    ]
    return rows, notes
