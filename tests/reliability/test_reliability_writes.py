"""Concurrent writers of one new path: the no-overwrite check is atomic, so exactly one wins."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from reliability_helpers import run_cli

CLIENT = "c0c0a000-0001-4000-a000-00000000c11e"
PROFILE = ["--tenant", "contoso.onmicrosoft.com", "--client-id", CLIENT, "--no-prompt"]
WRITERS = 8


@pytest.mark.parametrize("fmt", ["python-secret", "profile"])
def test_eight_concurrent_exports_to_a_new_path_exactly_one_succeeds(tmp_path: Path, fmt: str) -> None:
    target = tmp_path / "new" / "config.out"
    env = {"DAEMON_WIZARD_CLIENT_SECRET": "Conc8Q~urrent-secret-value-0123456789abc"}
    argv = ["export", "--format", fmt, "--out", str(target), *PROFILE]
    with ThreadPoolExecutor(WRITERS) as pool:
        runs = list(pool.map(lambda _: run_cli(*argv, env=env, timeout=120), range(WRITERS)))
    codes = sorted(r.code for r in runs)
    assert codes == [0] + [1] * (WRITERS - 1), [(r.code, r.err[-200:]) for r in runs]
    for refused in (r for r in runs if r.code == 1):
        assert "already exists" in refused.err and "Traceback" not in refused.err
    assert sorted(p.name for p in target.parent.iterdir()) == ["config.out"]  # no temp file left
