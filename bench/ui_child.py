"""Child process of the UI benchmarks: a Pilot run of the wizard app with a timer probe on its event loop.

`python -m bench.ui_child flow|idle|bare` reads the sandbox target from BENCH_SANDBOX (JSON) and prints one
JSON line: the longest gap between probe ticks and how many ticks ran. Peak RSS is read by the parent.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from typing import Any

PROBE_INTERVAL = 0.005  # s between timer ticks; a stall is a gap longer than this
IDLE_SECONDS = 2.0


def _profile(target: dict[str, str]) -> tuple[Any, Any]:
    from wizard.profile import ApiKind, ApiTarget, Profile
    from wizard.secret import Secret

    profile = Profile(
        name="bench",
        tenant=target["tenant_id"],
        client_id=target["client_id"],
        api=ApiTarget(kind=ApiKind.GRAPH, base_url=target["graph_base_url"]),
        authority_override=target["authority"],
    )
    return profile, Secret(target["secret"])


def _flow_work(target: dict[str, str], folder: str) -> list[Callable[[], None]]:
    """The blocking steps of the wizard's flow, as its screens run them: token test, key, export."""

    def token_test() -> None:
        from wizard.live.doctor import DoctorOptions, run_doctor

        profile, secret = _profile(target)
        report = run_doctor(
            profile,
            secret=secret,
            ca_file=target["ca_file"],
            options=DoctorOptions(timeout=30),
            use_env_proxies=False,
        )
        if report.verdict != "ok":
            raise RuntimeError(f"token test failed: {report.codes}")

    def key_and_export() -> None:
        from pathlib import Path

        from wizard.certs.generate import generate_certificate
        from wizard.configs.registry import export_config

        generate_certificate(subject="CN=bench-daemon", out_dir=folder, key_size=3072)
        profile, secret = _profile(target)
        export_config(profile, "python-secret", secret=secret, out=Path(folder) / "parameters.json")

    return [token_test, key_and_export]


def _app(mode: str) -> Any:
    if mode == "bare":
        from textual.app import App, ComposeResult
        from textual.widgets import Static

        class Bare(App[None]):
            def compose(self) -> ComposeResult:
                yield Static("hello")

        return Bare()
    from screens.app import build_app

    return build_app()


async def _probe(mode: str, target: dict[str, str], folder: str) -> dict[str, Any]:
    app = _app(mode)
    gaps: list[float] = []
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        last = [time.perf_counter()]

        def tick() -> None:
            now = time.perf_counter()
            gaps.append(now - last[0])
            last[0] = now

        timer = app.set_interval(PROBE_INTERVAL, tick)
        started = time.perf_counter()
        if mode == "flow":
            workers = [app.run_worker(step, thread=True) for step in _flow_work(target, folder)]
            for worker in workers:
                await asyncio.wait_for(worker.wait(), timeout=60)
        else:
            await asyncio.sleep(IDLE_SECONDS)
        elapsed = time.perf_counter() - started
        timer.stop()
        await pilot.pause()
    return {
        "mode": mode,
        "max_stall_ms": round(max((g - PROBE_INTERVAL for g in gaps), default=0.0) * 1000, 2),
        "ticks": len(gaps),
        "seconds": round(elapsed, 3),
    }


def main() -> int:
    mode = sys.argv[1]
    target = json.loads(os.environ.get("BENCH_SANDBOX", "{}"))
    with tempfile.TemporaryDirectory(prefix="bench-ui-") as folder:
        result = asyncio.run(_probe(mode, target, folder))
    sys.stdout.write(json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
