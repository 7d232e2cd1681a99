"""Which scanned files git tracks and does not ignore: one `git ls-files` for the whole tree, run with a
scrubbed environment (no secrets inherited, no fsmonitor, no hooks)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from wizard.gitcheck import GIT_SAFE_CONFIG, git_env


def _env() -> dict[str, str]:
    """The one child environment for git (wizard.gitcheck): no credentials, no GIT_* overrides."""
    return git_env()


def tracked_files(root: Path, *, untracked: bool = False) -> set[str] | None:
    """Paths relative to `root` ('/' separators) that git tracks (with `untracked`: that git does not track
    and does not ignore, so `git add .` would commit them); None when `root` is not in a work tree."""
    folder = root if root.is_dir() else root.parent
    base = ["git", *GIT_SAFE_CONFIG, "-C", str(folder)]
    try:
        done = subprocess.run(
            [
                *base,
                "ls-files",
                "-z",
                "--full-name",
                *(["--others", "--exclude-standard"] if untracked else []),
                "--",
                ".",
            ],
            capture_output=True,
            env=_env(),
            timeout=60,
            check=False,
        )
        top = subprocess.run(
            [*base, "rev-parse", "--show-toplevel"], capture_output=True, env=_env(), timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0 or top.returncode != 0:
        return None
    toplevel = Path(top.stdout.decode().strip())
    out: set[str] = set()
    for name in done.stdout.decode("utf-8", "replace").split("\0"):
        if name:
            full = toplevel / name
            try:
                out.add(os.path.relpath(full, root if root.is_dir() else root.parent).replace(os.sep, "/"))
            except ValueError:
                continue
    return out
