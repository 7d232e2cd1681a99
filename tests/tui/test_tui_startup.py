"""The first screen paints before any heavy library loads (they load in the background right after), and
within a budget of modules."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HEAVY = ("msal", "azure", "msgraph", "kiota_http", "uvicorn")
PROBE = """
import asyncio, sys, time
from screens import services
from screens.app import build_app

HEAVY = {heavy!r}

def loaded():
    # wizard.lean_imports' stand-in for httpx's CLI is not a loaded module
    real = [m for m, mod in sys.modules.items() if not getattr(mod, "__lean_placeholder__", False)]
    return sorted({{m.split(".")[0] for m in real if m.split(".")[0] in HEAVY}})

real_preload = services.preload

def preload():
    # What was loaded, and what was on screen, when the background preload began.
    print("at-preload", ",".join(loaded()), type(app.screen).__name__, app.screen.is_mounted)
    real_preload()

services.preload = preload

async def main():
    global app
    app = build_app(preload={preload})
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        print("first-paint", ",".join(loaded()))
        # Until the preload has loaded msal (or, without preload, a fixed count of idle cycles: nothing
        # would load it, and the test checks that nothing did).
        deadline = time.monotonic() + 120
        for _ in range(40 if not {preload} else 10**9):
            if "msal" in loaded() or time.monotonic() > deadline:
                break
            await pilot.pause(0.05)
        print("later", ",".join(loaded()))

asyncio.run(main())
"""


def _run(preload: bool) -> dict[str, set[str]]:
    code = PROBE.format(heavy=HEAVY, preload=preload)
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True, timeout=300
    )
    result: dict[str, set[str]] = {}
    for line in out.stdout.splitlines():
        key, *rest = line.split(" ")
        result[key] = {n for n in (rest[0] if rest else "").split(",") if n} | set(rest[1:])
    return result


def test_heavy_libraries_load_after_the_first_paint() -> None:
    seen = _run(preload=True)
    # Nothing heavy before the preload, which starts once the start screen is mounted and refreshed.
    assert seen["at-preload"] == {"StartScreen", "True"}
    assert "msal" in seen["later"]


def test_without_preload_nothing_heavy_loads_on_the_start_screen() -> None:
    seen = _run(preload=False)
    assert seen["first-paint"] == set()
    assert "msal" not in seen["later"]
    assert "at-preload" not in seen


# -- the first frame's module budget ----------------------------------------------------------------------
# The program's own path (the command line parses, then the TUI starts), counted when the start screen's
# first frame is on the screen. About 3% above today's count (411, of which 25 are the project's own; a
# bare Textual app with one Static loads 381); before the first-paint work it was 418, with the redactor,
# the CLI's output module and the sandbox-facing services among them. Since the one-widget header and
# footer (screens/widgets/): 413, 28 own (the header's module and screens.import_gc; Textual's header and
# footer modules no longer load), so the total's budget is 418 and the project's own 28. Since the cloud
# field's preview (screens/widgets/select_preview.py stands for the Select's six widgets in that frame): 29.
FIRST_FRAME_BUDGET = 418
FIRST_FRAME_OWN_BUDGET = 29
#: What the first frame must not wait for: the services, dialogs, redactor, profile store, keyring, core
#: checks and every library behind them (they load when a step needs them, or in the preload after it).
NOT_BEFORE_THE_FIRST_FRAME = (
    "screens.services",
    "screens.dialogs",
    "screens.registration",
    "wizard.redact",
    "wizard.cli.output",
    "wizard.federated",
    "wizard.profile_store",
    "wizard.secret_keyring",
    "wizard.live",
    "wizard.sandbox",
    "keyring",
    # Textual's header and footer (a widget per part, per key): the start screen draws its own.
    "textual.widgets._footer",
    "textual.widgets._header",
    "msal",
    "httpx",
)
FIRST_FRAME_PROBE = """
import os, sys
from wizard.cli.main import _parse
_parse([])  # as `daemon-wizard` does before it starts the TUI
from screens.app import build_app

def shown(*_):
    loaded = sorted(n for n, m in sys.modules.items() if not getattr(m, "__lean_placeholder__", False))
    sys.stdout.write("MODULES=" + ",".join(loaded) + "\\n")
    sys.stdout.flush()
    os._exit(0)

app = build_app(preload=False)
type(app).on_step_screen_shown = shown
app.run(headless=True, size=(100, 30))
"""


def test_the_first_frame_stays_within_its_module_budget(tmp_path: Path) -> None:
    env = {**os.environ, "DAEMON_WIZARD_HOME": str(tmp_path)}
    out = subprocess.run(
        [sys.executable, "-c", FIRST_FRAME_PROBE],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        check=False,
    ).stdout
    line = next((ln for ln in out.splitlines() if ln.startswith("MODULES=")), "")
    assert line, "the start screen was never shown"
    modules = line.removeprefix("MODULES=").split(",")
    assert "screens.start" in modules  # the start screen really was drawn
    early = sorted(
        m for m in modules if any(m == n or m.startswith(n + ".") for n in NOT_BEFORE_THE_FIRST_FRAME)
    )
    assert early == [], f"loaded before the first frame: {early}"
    own = [m for m in modules if m.split(".")[0] in {"wizard", "screens"}]
    assert len(own) <= FIRST_FRAME_OWN_BUDGET, f"{len(own)} of the project's modules: {own}"
    assert len(modules) <= FIRST_FRAME_BUDGET, f"{len(modules)} modules before the first frame"
