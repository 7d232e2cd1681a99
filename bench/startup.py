"""Start-up: first paint of the wizard against a bare Textual app; quick commands against `python -c pass`."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

from bench.harness import Row, alternate, alternate_runs, paired, time_command

#: A paint takes ~0.4 s and its wall time swings by a fifth from one process to the next: its rows take this
#: many times the other rows' rounds, for a median that moves less between runs.
PAINT_ROUNDS = 4
HEAVY = ("msal", "azure.identity", "msgraph", "kiota_http", "uvicorn", "starlette")

# Both apps run headless and report at the same moment: in the callback Textual runs right after the refresh
# that puts their first screen on the terminal (`call_after_refresh`). For the wizard that is its first
# step's, which posts StepScreen.Shown: the report comes as the message is posted, before the step and the
# app handle it (what they do then, such as the start screen's swap of its Select preview for the real
# Select, comes after the first frame). For the bare app it is a call_after_refresh from on_mount. The child
# then prints which heavy modules are loaded and PAINTED; the parent stops its clock on that line. Work the
# wizard defers until after the first paint (loading msal & co. in a background worker) is therefore not
# counted, and is checked not to have happened before it.
_PAINT_TEMPLATE = """
import os, sys
def report(*_):
    heavy = sorted(m for m, mod in sys.modules.items() if (m.split('.')[0] in {heavy_roots!r} or m.startswith('azure.identity')) and not getattr(mod, '__lean_placeholder__', False))
    cpu = __import__('time').process_time()
    sys.stdout.write('PAINTED CPU=%.6f HEAVY=' % cpu + ','.join(heavy) + '\\n')
    sys.stdout.flush()
    os._exit(0)
{setup}
app.run(headless=True, size=(100, 30))
"""
WIZARD_SETUP = (
    "from screens.app import build_app\nfrom screens.step import StepScreen\napp = build_app()\n"
    "_post = StepScreen.post_message\n"
    "def post(self, message):\n"
    "    if isinstance(message, StepScreen.Shown):  # the first step's after-refresh callback\n"
    "        report()\n"
    "    return _post(self, message)\n"
    "StepScreen.post_message = post"
)
BARE_SETUP = (
    "from textual.app import App\nfrom textual.widgets import Static\n"
    "class Bare(App[None]):\n    def compose(self):\n        yield Static('hello')\n"
    "    def on_mount(self):\n        self.call_after_refresh(report)\napp = Bare()"
)


def _script(folder: Path, name: str, setup: str) -> Path:
    path = folder / f"{name}.py"
    roots = sorted({h.split(".")[0] for h in HEAVY} - {"azure"})
    path.write_text(_PAINT_TEMPLATE.format(setup=setup, heavy_roots=roots))
    return path


def heavy_modules(argv: list[str]) -> list[str]:
    """Heavy modules a command imports (they must not appear before the first paint)."""
    probe = (
        "import runpy, sys\n"
        f"sys.argv = {argv!r}\n"
        "try:\n    runpy.run_module('wizard', run_name='__main__')\nexcept SystemExit:\n    pass\n"
        "loaded = [m for m, mod in sys.modules.items() if not getattr(mod, '__lean_placeholder__', False)]\n"
        f"print('HEAVY=' + ','.join(sorted(m for m in loaded if any(m == h or m.startswith(h + '.') for h in {HEAVY!r}))))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=False).stdout
    line = next((ln for ln in out.splitlines() if ln.startswith("HEAVY=")), "HEAVY=")
    return [m for m in line[len("HEAVY=") :].split(",") if m]


class Paint(NamedTuple):
    """One child's first paint: seconds from spawning it, the CPU seconds it had used by then (all its
    threads), and the heavy modules it had loaded."""

    wall: float
    cpu: float
    heavy: list[str]


def time_to_paint(script: Path, env: dict[str, str]) -> Paint:
    """Run the child until it reports its first paint."""
    start = time.perf_counter()
    with subprocess.Popen(
        [sys.executable, str(script)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env
    ) as proc:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        elapsed = time.perf_counter() - start
        proc.wait(timeout=30)
    if not line.startswith("PAINTED CPU="):
        raise RuntimeError(f"{script.name} did not paint (exit {proc.returncode})")
    cpu, heavy = line.strip()[len("PAINTED CPU=") :].split(" HEAVY=", 1)
    return Paint(elapsed, float(cpu), [m for m in heavy.split(",") if m])


def run(rounds: int = 7) -> tuple[list[Row], dict[str, list[str]], list[str]]:
    """The rows, the heavy modules each command imported, and the paint's round-by-round ratio."""
    rows: list[Row] = []
    notes: list[str] = []
    imports: dict[str, list[str]] = {}
    py = sys.executable
    env = {**os.environ, "TEXTUAL": ""}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        wizard_script = _script(folder, "wizard_paint", WIZARD_SETUP)
        bare_script = _script(folder, "bare_paint", BARE_SETUP)
        wizard, bare = alternate_runs(
            lambda: time_to_paint(wizard_script, env),
            lambda: time_to_paint(bare_script, env),
            rounds=rounds * PAINT_ROUNDS,
        )
        for what, unit in (("wall", ""), ("cpu", ", CPU")):
            s_runs = [getattr(p, what) for p in wizard]
            b_runs = [getattr(p, what) for p in bare]
            rows.append(
                Row(
                    "start-up",
                    f"wizard first paint{unit}",
                    statistics.median(s_runs),
                    "bare Textual app",
                    statistics.median(b_runs),
                    "s",
                    "<= 1.20x",
                )
            )
            notes.append(
                f"first paint{unit or ', wall'}, headless: {len(s_runs)} rounds; round by round {paired(s_runs, b_runs)}"
            )
        imports["wizard first paint"] = time_to_paint(wizard_script, env).heavy
    quick = {
        "daemon-wizard --help": ["daemon-wizard", "--help"],
        "daemon-wizard consent-url": [
            "daemon-wizard",
            "consent-url",
            "--tenant",
            "contoso.onmicrosoft.com",
            "--client-id",
            "11112222-bbbb-3333-cccc-4444dddd5555",
        ],
    }
    for label, argv in quick.items():
        s, b = alternate(
            lambda argv=argv: time_command([py, "-m", "wizard", *argv[1:]]),
            lambda: time_command([py, "-c", "pass"]),
            rounds=rounds,
        )
        rows.append(Row("start-up", label, s, "python -c pass", b, "s"))
        imports[label] = heavy_modules(argv)
    return rows, imports, notes
