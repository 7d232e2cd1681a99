"""Start-up: first paint of the wizard against a bare Textual app; quick commands against `python -c pass`."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.harness import Row, alternate, time_command

HEAVY = ("msal", "azure.identity", "msgraph", "kiota_http", "uvicorn", "starlette")

# Both apps run headless and exit as soon as their first screen has been painted (auto_pilot runs after
# the app is ready, i.e. after the first screen is composed, mounted and rendered).
_PAINT_TEMPLATE = """
import asyncio, sys
{setup}
async def pilot(p):
    await p.pause()
    p.app.exit()
app.run(headless=True, auto_pilot=pilot, size=(100, 30))
heavy = sorted(m for m in sys.modules if m.split('.')[0] in {heavy_roots!r} or m.startswith('azure.identity'))
sys.stderr.write('HEAVY=' + ','.join(heavy) + '\\n')
"""
WIZARD_SETUP = "from screens.app import build_app\napp = build_app()"
BARE_SETUP = (
    "from textual.app import App\nfrom textual.widgets import Static\n"
    "class Bare(App[None]):\n    def compose(self):\n        yield Static('hello')\napp = Bare()"
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
        f"print('HEAVY=' + ','.join(sorted(m for m in sys.modules if any(m == h or m.startswith(h + '.') for h in {HEAVY!r}))))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=False).stdout
    line = next((ln for ln in out.splitlines() if ln.startswith("HEAVY=")), "HEAVY=")
    return [m for m in line[len("HEAVY=") :].split(",") if m]


def run(rounds: int = 7) -> tuple[list[Row], dict[str, list[str]]]:
    rows: list[Row] = []
    imports: dict[str, list[str]] = {}
    py = sys.executable
    env = {**os.environ, "TEXTUAL": ""}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        wizard_script = _script(folder, "wizard_paint", WIZARD_SETUP)
        bare_script = _script(folder, "bare_paint", BARE_SETUP)
        s, b = alternate(
            lambda: time_command([py, str(wizard_script)], env=env),
            lambda: time_command([py, str(bare_script)], env=env),
            rounds=rounds,
        )
        rows.append(Row("start-up", "wizard first paint", s, "bare Textual app", b, "s", "<= 1.20x"))
        result = subprocess.run([py, str(wizard_script)], capture_output=True, text=True, env=env, check=True)
        heavy_line = next((ln for ln in result.stderr.splitlines() if ln.startswith("HEAVY=")), "HEAVY=")
        imports["wizard first paint"] = [m for m in heavy_line[6:].split(",") if m]
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
    return rows, imports
