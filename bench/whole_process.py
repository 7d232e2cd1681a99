"""Whole commands as a person runs them: `doctor`, `token` and `doctor --sandbox` against the sample's path.

The baseline is bench/sample_daemon.py, what ms-identity-python-daemon does (msal + requests: one token,
one GET /v1.0/users), against the same sandbox running in its own process. Each command is a fresh
process; peak RSS comes from `/usr/bin/time` (its child's own rusage: a parent's RUSAGE_CHILDREN, or wait4
after a vfork, would count the parent's memory), CPU time (user + system) from wait4 on it, which counts
its waited-for child to the microsecond. Without /usr/bin/time, peak RSS is not measured (nan).
"""

from __future__ import annotations

import compileall
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.harness import Row, paired
from bench.targets import sandbox_process

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = Path(__file__).with_name("sample_daemon.py")
TIME = shutil.which("time", path="/usr/bin:/bin")


@dataclass(frozen=True)
class Usage:
    """One process run: wall seconds, CPU seconds (user + system), peak RSS in MB."""

    wall: float
    cpu: float
    rss_mb: float


def measure(argv: Sequence[str], *, env: dict[str, str]) -> Usage:
    """Run `argv` to completion (it must exit 0) and return what it cost."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as out:
        cmd = [TIME, "-o", out.name, "-f", "%M", *argv] if TIME else list(argv)
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=ROOT)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        stderr = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(argv[:4])}... exited {proc.returncode}: {stderr[-400:]}")
        # CPU from wait4, to the microsecond (time's own %U %S are rounded to 10 ms, a few percent of a
        # 0.3 s command; time's own CPU, under a millisecond, counts on both sides of every ratio).
        cpu = usage.ru_utime + usage.ru_stime
        if TIME:
            rss_kb = out.read().split()[-1]
            return Usage(wall, cpu, int(rss_kb) / 1024)
    return Usage(wall, cpu, float("nan"))


def _medians(runs: list[Usage]) -> Usage:
    return Usage(
        statistics.median(u.wall for u in runs),
        statistics.median(u.cpu for u in runs),
        statistics.median(u.rss_mb for u in runs),
    )


def run(rounds: int = 7) -> tuple[list[Row], list[str]]:
    py = sys.executable
    # As after `pip install`: compiled bytecode (PYTHONDONTWRITEBYTECODE would otherwise make every run
    # compile the wizard's sources, while the sample's libraries have their .pyc from pip).
    for package in ("wizard", "screens"):
        compileall.compile_dir(ROOT / package, quiet=1)
    with tempfile.TemporaryDirectory(prefix="bench-whole-") as tmp:
        folder = Path(tmp)
        home = folder / "home"
        env = {**os.environ, "DAEMON_WIZARD_HOME": str(home), "PYTHONDONTWRITEBYTECODE": "1"}
        env.pop("DAEMON_WIZARD_CLIENT_SECRET", None)
        with sandbox_process(folder / "sandbox-data") as target:
            d = target.details
            secret_file = folder / "secret"
            secret_file.write_text(d["secret"])
            secret_file.chmod(0o600)
            params = folder / "parameters.json"
            params.write_text(
                json.dumps(
                    {
                        "authority": d["authority"],
                        "client_id": d["client_id"],
                        "scope": ["https://graph.microsoft.com/.default"],
                        "secret": d["secret"],
                        "endpoint": f"{d['graph_base_url']}/users",
                    }
                )
            )
            flags = [
                "--authority", d["authority"], "--client-id", d["client_id"],
                "--secret-file", str(secret_file), "--ca-file", d["ca_file"], "--no-proxy",
            ]  # fmt: skip
            commands = {
                "sample": ([py, str(SAMPLE), str(params)], {**env, "REQUESTS_CA_BUNDLE": d["ca_file"]}),
                "token": ([py, "-m", "wizard", "token", *flags], env),
                "doctor": (
                    [py, "-m", "wizard", "doctor", *flags, "--api-url", f"{d['graph_base_url']}/users"],
                    env,
                ),
                "doctor --sandbox": ([py, "-m", "wizard", "doctor", "--sandbox"], env),
            }
            cold_home = folder / "cold"
            cold = measure(commands["doctor --sandbox"][0], env={**env, "DAEMON_WIZARD_HOME": str(cold_home)})
            runs: dict[str, list[Usage]] = {name: [] for name in commands}
            for argv, child_env in commands.values():  # warm-up: caches, page cache
                measure(argv, env=child_env)
            for _ in range(rounds):
                for name, (argv, child_env) in commands.items():
                    runs[name].append(measure(argv, env=child_env))
    m = {name: _medians(r) for name, r in runs.items()}
    sample, token, doctor, sandboxed = m["sample"], m["token"], m["doctor"], m["doctor --sandbox"]
    base = "the sample's path"
    rows = [
        Row("whole process", "doctor, wall", doctor.wall, base, sample.wall, "s", "<= 1.50x"),
        Row("whole process", "doctor, CPU", doctor.cpu, base, sample.cpu, "s", "<= 1.50x"),
        Row("whole process", "doctor, peak RSS", doctor.rss_mb, base, sample.rss_mb, "MB", "<= 2.00x"),
        Row("whole process", "token, wall", token.wall, base, sample.wall, "s", "<= 1.30x"),
        Row("whole process", "token, CPU", token.cpu, base, sample.cpu, "s", "<= 1.30x"),
        Row("whole process", "token, peak RSS", token.rss_mb, base, sample.rss_mb, "MB"),
        Row(
            "whole process", "doctor --sandbox, wall", sandboxed.wall, "doctor", doctor.wall, "s", "<= 1.50x"
        ),
        Row("whole process", "doctor --sandbox, CPU", sandboxed.cpu, "doctor", doctor.cpu, "s", "<= 1.50x"),
        Row("whole process", "doctor --sandbox, peak RSS", sandboxed.rss_mb, "doctor", doctor.rss_mb, "MB"),
        Row("whole process", "doctor --sandbox, first run", cold.wall, "doctor", doctor.wall, "s"),
    ]
    how = "/usr/bin/time" if TIME else "wait4; no /usr/bin/time, so no peak RSS"
    notes = [f"whole process: medians of {rounds} alternating rounds, each command a fresh process ({how})"]
    notes.append(_paired("doctor --sandbox / doctor", runs["doctor --sandbox"], runs["doctor"]))
    return rows, notes


def _paired(label: str, subject: list[Usage], baseline: list[Usage]) -> str:
    """The ratio round by round (the two commands ran a second apart), wall and CPU (bench.harness.spread)."""
    wall = paired([s.wall for s in subject], [b.wall for b in baseline])
    cpu = paired([s.cpu for s in subject], [b.cpu for b in baseline])
    return f"whole process, {label} round by round: wall {wall}, CPU {cpu}"


if __name__ == "__main__":
    from bench.harness import print_table

    table, lines = run(rounds=3)
    print_table(table)
    print("\n".join(lines))
