"""The first screen paints before any heavy library loads; they load in the background right after."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("msal", "azure", "msgraph", "kiota_http", "uvicorn")
PROBE = """
import asyncio, sys, time
from screens import services
from screens.app import build_app

HEAVY = {heavy!r}

def loaded():
    # wizard.lean_imports' stand-in for uvicorn's CLI is not a loaded module
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
