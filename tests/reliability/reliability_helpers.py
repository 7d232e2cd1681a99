"""Reliability suite helpers: the real CLI in a child process, and sandbox profile flags."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass

from sandbox_cli import profile_flags

from wizard.sandbox import Sandbox


@dataclass(frozen=True)
class Done:
    """A finished CLI run."""

    code: int
    out: str
    err: str
    seconds: float


def run_cli(
    *argv: str,
    env: dict[str, str] | None = None,
    stdin: str | None = None,
    timeout: float = 300,  # a hang guard only: start-up alone takes tens of seconds on a loaded machine
    umask: int | None = None,
    prelude: str = "",
) -> Done:
    """The CLI's `main` in a fresh interpreter (optionally under `umask`): exit code and streams."""
    child_env = {k: v for k, v in os.environ.items() if not k.startswith("DAEMON_WIZARD_CLIENT_SECRET")}
    child_env.update(env or {})
    child_env.setdefault("NO_COLOR", "1")
    start = time.monotonic()
    entry = "import os, sys\n"
    if umask is not None:
        entry += f"os.umask({umask})\n"
    entry += prelude
    entry += "from wizard.cli.main import main\nsys.exit(main(sys.argv[1:]))\n"
    proc = subprocess.run(
        [sys.executable, "-c", entry, *argv],
        input=stdin,
        capture_output=True,
        text=True,
        env=child_env,
        timeout=timeout,
        check=False,
    )
    return Done(proc.returncode, proc.stdout, proc.stderr, time.monotonic() - start)


def sandbox_flags(sb: Sandbox, app_name: str = "graph-daemon") -> list[str]:
    """Profile flags for one sandbox app (the secret goes through the environment), no proxy."""
    return [*profile_flags(sb, app_name, timeout=None), "--no-proxy"]
