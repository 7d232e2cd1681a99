"""Child processes without our secrets: a scrubbed environment, and `git` with its program hooks off.

The wizard runs `git` to warn when a secret file would be committed. A repository is input we do not
control: its `.git/config` can name a `core.fsmonitor` program or a hooks folder, and whatever git
starts inherits git's environment, which is ours: `DAEMON_WIZARD_CLIENT_SECRET` included. So every
child gets `scrubbed_env()`, and git runs with fsmonitor and hooks switched off on its command line
(which outranks every config file).
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Final

#: Environment names that carry credentials (matched case-insensitively, anywhere in the name).
_SECRET_NAME: Final = re.compile(
    r"SECRET|PASSWORD|PASSWD|PASSPHRASE|TOKEN|CREDENTIAL|PRIVATE_KEY|API_?KEY|_KEY$|^KEY$|COOKIE|SAS$",
    re.IGNORECASE,
)
#: git reads these to change what it runs or where its config comes from; none is needed for a check.
_GIT_OVERRIDES: Final = re.compile(r"^GIT_", re.IGNORECASE)

#: `-c` settings that win over every config file: nothing in a repository gets to start a program.
GIT_SAFE_CONFIG: Final[tuple[str, ...]] = (
    "-c",
    "core.fsmonitor=false",
    "-c",
    "core.hooksPath=/dev/null",
    "-c",
    "core.untrackedCache=false",
    "-c",
    "protocol.allow=never",
)
GIT_TIMEOUT: Final = 5.0


def scrubbed_env(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """`base` (the process environment) without any variable whose name says it holds a credential."""
    source = os.environ if base is None else base
    return {k: v for k, v in source.items() if not _SECRET_NAME.search(k)}


def git_env(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for git: scrubbed, no GIT_* overrides, no system config, never a prompt."""
    # The user's global config stays (its core.excludesFile decides what is ignored); GIT_CONFIG_*
    # variables could inject settings past the command line's, so every GIT_* variable goes.
    env = {k: v for k, v in scrubbed_env(base).items() if not _GIT_OVERRIDES.search(k)}
    env.update(
        {
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_TERMINAL_PROMPT": "0",
            "GIT_OPTIONAL_LOCKS": "0",  # a check never rewrites the repository's index
            "GIT_ASKPASS": "",
            "SSH_ASKPASS": "",
        }
    )
    return env


def run_git(args: Sequence[str], *, cwd: str | os.PathLike[str]) -> subprocess.CompletedProcess[str] | None:
    """Run `git -C cwd <safe config> args`; None when git is missing, hangs or cannot start."""
    try:
        return subprocess.run(
            ["git", "-C", str(cwd), *GIT_SAFE_CONFIG, *args],
            capture_output=True,
            text=True,
            timeout=GIT_TIMEOUT,
            check=False,
            env=git_env(),
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.TimeoutExpired, ValueError):
        return None


def git_exposure(path: str | os.PathLike[str]) -> str | None:
    """A warning when `path` sits in a git work tree and is not ignored (a secret could be committed)."""
    target = Path(path).resolve()
    folder = target.parent if not target.is_dir() else target
    while not folder.exists():
        folder = folder.parent
    top = run_git(["rev-parse", "--show-toplevel"], cwd=folder)
    if top is None or top.returncode != 0:
        return None
    ignored = run_git(["check-ignore", "-q", str(target)], cwd=folder)
    if ignored is None or ignored.returncode == 0:
        return None
    return (
        f"{target} is inside the git work tree {top.stdout.strip()} and not ignored: "
        "add it to .gitignore before you commit, or a secret ends up in history."
    )


__all__ = ["GIT_SAFE_CONFIG", "git_env", "git_exposure", "run_git", "scrubbed_env"]
