"""The export step writes real config files through wizard.configs; the start step imports them back."""

from __future__ import annotations

import json
from pathlib import Path

from tui_helpers import CANARY, make_app, screen_text, type_text, wait_for, wait_for_text

from screens.dialogs.error import ErrorDialog
from screens.export import ExportScreen
from screens.registration import RegistrationScreen
from screens.start import StartScreen
from screens.state import WizardState
from wizard.profile import Profile
from wizard.secret import Secret

TENANT = "7d3c6a52-1b4e-4f0a-9a51-0c0ffee00001"
CLIENT = "c0ffee00-0001-4000-a000-00000000c11e"
PROFILE = Profile(name="tui-export", tenant=TENANT, client_id=CLIENT)


async def test_export_preview_masks_the_secret_then_write_creates_files(tmp_path: Path) -> None:
    state = WizardState(profile=PROFILE, secret=Secret(CANARY))
    app = make_app(flow=False)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        screen = ExportScreen(PROFILE, secret=state.secret, scrub=state.scrub, out_dir=tmp_path)
        await app.push_screen(screen)
        await pilot.press("ctrl+r")
        text = await wait_for_text(pilot, "parameters.json: created")
        assert CANARY not in text and CANARY[:10] not in text
        assert not any(tmp_path.iterdir())
        await pilot.press("ctrl+s")
        await wait_for_text(pilot, "mode 600")
        written = [p for p in tmp_path.rglob("*") if p.is_file()]
        assert written, "nothing was written"
        assert all(p.stat().st_mode & 0o077 == 0 for p in written if CANARY in p.read_text("utf-8"))
        assert screen.result() is True


async def test_import_from_the_start_screen_fills_the_registration(tmp_path: Path) -> None:
    config = tmp_path / "parameters.json"
    config.write_text(
        json.dumps(
            {
                "authority": f"https://login.microsoftonline.com/{TENANT}",
                "client_id": CLIENT,
                "scope": ["https://graph.microsoft.com/.default"],
                "secret": CANARY,
                "endpoint": "https://graph.microsoft.com/v1.0/users",
            }
        ),
        "utf-8",
    )
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, StartScreen)
        await pilot.press("down", "down", "enter")
        await type_text(pilot, str(config))
        await pilot.press("enter")
        await wait_for(pilot, RegistrationScreen)
        assert app.state.profile.client_id == CLIENT
        assert app.state.secret == Secret(CANARY)
        assert CANARY not in screen_text(app)


async def test_a_file_that_cannot_be_imported_shows_the_error_dialog_and_stays(tmp_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, StartScreen)
        await pilot.press("down", "down", "enter")
        await type_text(pilot, str(tmp_path / "missing.json"))
        await pilot.press("enter")
        await wait_for(pilot, ErrorDialog)
        assert isinstance(app.screen, ErrorDialog)
        assert "does not exist" in app.screen.error_title
        await wait_for_text(pilot, "does not exist")
        await pilot.press("escape")
        await wait_for(pilot, StartScreen)
