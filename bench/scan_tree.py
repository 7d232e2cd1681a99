"""`scan` of a generated tree against detect-secrets on the same tree: time, and planted Entra secrets found."""

from __future__ import annotations

import hashlib
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench.harness import Row

_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
_TAIL = _ALPHABET + "_~.-"
#: Where a planted secret sits: a config key detect-secrets' keyword plugin knows, and places it does not.
_CONTEXTS = (
    ("appsettings.json", '{{\n  "AzureAd": {{\n    "ClientSecret": "{s}"\n  }}\n}}\n', 3),
    (".env", "AZURE_CLIENT_ID=00000000-0000-0000-0000-000000000000\nAZURE_CLIENT_SECRET={s}\n", 2),
    (
        "daemon.py",
        'import msal\n\napp = msal.ConfidentialClientApplication("id", client_credential="{s}")\n',
        3,
    ),
    ("notes.md", "# Rotation\n\nThe old value was {s} until Monday.\n", 3),
    (
        "run.sh",
        "#!/bin/sh\ncurl -d client_secret={s} https://login.microsoftonline.com/x/oauth2/v2.0/token\n",
        2,
    ),
)


@dataclass(frozen=True)
class Planted:
    path: str
    line: int
    secret: str


def entra_secret(rng: random.Random) -> str:
    """Today's format: three characters, a digit, `Q~`, then 31 to 34 more (ending in a letter)."""
    head = "".join(rng.choice(_ALPHABET) for _ in range(3)) + str(rng.randint(0, 9))
    return head + "Q~" + "".join(rng.choice(_TAIL) for _ in range(33)).rstrip(".-~") + "a"


def make_tree(root: Path, files: int, planted: int, seed: int = 7) -> list[Planted]:
    """`files` files under nested folders; `planted` of them hold one Entra secret each."""
    rng = random.Random(seed)
    out: list[Planted] = []
    plant_at = set(rng.sample(range(files), planted))
    for i in range(files):
        folder = root / f"pkg{i % 40:02d}" / f"mod{i % 7}"
        folder.mkdir(parents=True, exist_ok=True)
        if i in plant_at:
            name, template, line = _CONTEXTS[len(out) % len(_CONTEXTS)]
            secret = entra_secret(rng)
            path = folder / f"{i:05d}-{name}"
            path.write_text(template.format(s=secret), encoding="utf-8")
            out.append(Planted(str(path.relative_to(root)), line, secret))
        else:
            body = "\n".join(
                f"def f{n}(x: int) -> int:\n    return x * {n}  # {rng.random():.6f}" for n in range(20)
            )
            (folder / f"{i:05d}.py").write_text(body + "\n", encoding="utf-8")
    return out


def _timed(argv: list[str], cwd: Path | None = None) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, check=False, cwd=cwd)
    took = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise RuntimeError(f"{argv[0]} exited {done.returncode}: {done.stderr[-500:]}")
    return took, done.stdout


def ours(root: Path, planted: list[Planted]) -> tuple[float, int]:
    took, stdout = _timed([sys.executable, "-m", "wizard", "scan", str(root), "--json"])
    doc = json.loads(stdout)
    found = {(r["path"], r["line"]) for r in doc["results"] if r["rule"] == "entra-client-secret"}
    return took, sum(1 for p in planted if (p.path, p.line) in found)


def detect_secrets(root: Path, planted: list[Planted]) -> tuple[float, int] | None:
    exe = shutil.which("detect-secrets", path=str(Path(sys.executable).parent))
    if exe is None:
        return None
    # Run inside the tree: given a folder argument outside a git work tree, detect-secrets 1.5 reports nothing.
    took, stdout = _timed([exe, "scan", "--all-files"], cwd=root)
    doc = json.loads(stdout)
    hashes = {
        (path, r["line_number"], r["hashed_secret"]) for path, rows in doc["results"].items() for r in rows
    }
    found = sum(1 for p in planted if (p.path, p.line, hashlib.sha1(p.secret.encode()).hexdigest()) in hashes)
    return took, found


def run(*, files: int = 10_000, planted: int = 200) -> tuple[list[Row], list[str]]:
    root = Path(tempfile.mkdtemp(prefix="bench-scan-"))
    try:
        secrets = make_tree(root, files, planted)
        our_time, our_found = ours(root, secrets)
        theirs = detect_secrets(root, secrets)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    rows: list[Row] = []
    notes = [f"scan tree: {files} files, {planted} planted Entra secrets; scan found {our_found}"]
    if theirs is None:
        notes.append("detect-secrets is not installed (pip install -e '.[bench]'): scan measured alone")
        rows.append(
            Row("scan 10k files", "daemon-wizard scan", our_time, "(none)", 0.0, "s", "a few seconds")
        )
    else:
        rows.append(
            Row(
                "scan tree", "daemon-wizard scan", our_time, "detect-secrets", theirs[0], "s", "a few seconds"
            )
        )
        rows.append(
            Row("scan tree", "planted found", our_found, "detect-secrets", theirs[1], "secrets", f"{planted}")
        )
    return rows, notes
