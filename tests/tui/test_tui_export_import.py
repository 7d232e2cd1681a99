"""The export step writes real config files through wizard.configs; the start step imports them back."""

from __future__ import annotations

import json
from pathlib import Path

from tui_helpers import CANARY, make_app, screen_text, type_text, wait_for, wait_for_text

from screens.dialogs.error import ErrorDialog
from screens.dialogs.import_report import ImportReportDialog
from screens.export import ExportScreen
from screens.registration import RegistrationScreen
from screens.start import StartScreen
from screens.state import WizardState
from wizard.profile import Profile
from wizard.secret import Secret

TENANT = "7d3c6a52-1b4e-4f0a-9a51-0c0ffee00001"
CLIENT = "c0ffee00-0001-4000-a000-00000000c11e"
PROFILE = Profile(name="tui-export", tenant=TENANT, client_id=CLIENT)
OUT = "#export-output"


async def test_export_preview_masks_the_secret_then_write_creates_files(tmp_path: Path) -> None:
    state = WizardState(profile=PROFILE, secret=Secret(CANARY))
    app = make_app(flow=False)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        screen = ExportScreen(PROFILE, secret=state.secret, scrub=state.scrub, out_dir=tmp_path)
        await app.push_screen(screen)
        await pilot.press("ctrl+r")
        text = await wait_for_text(pilot, "parameters.json: created", within=OUT)
        assert CANARY not in text and CANARY[:10] not in text
        assert CANARY not in screen_text(app)
        assert not any(tmp_path.iterdir())
        await pilot.press("ctrl+s")
        await wait_for_text(pilot, "mode 600", within=OUT)
        written = [p for p in tmp_path.rglob("*") if p.is_file()]
        assert written, "nothing was written"
        assert all(p.stat().st_mode & 0o077 == 0 for p in written if CANARY in p.read_text("utf-8"))
        assert screen.result() is True


async def _import(pilot, path: str) -> None:  # type: ignore[no-untyped-def]
    """Start screen: the import choice, the file's path, Enter."""
    await wait_for(pilot, StartScreen)
    await pilot.press("down", "down", "enter")
    await type_text(pilot, path)
    await pilot.press("enter")


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
        await _import(pilot, str(config))
        # What was read stays on screen (a panel, not a toast) until the user goes on.
        await wait_for(pilot, ImportReportDialog)
        text = await wait_for_text(pilot, f"Client ID: {CLIENT}")
        assert "as python-secret" in text and "kept in memory only" in text
        assert CANARY not in text
        await pilot.press("enter")
        await wait_for(pilot, RegistrationScreen)
        assert app.state.profile.client_id == CLIENT
        assert app.state.secret == Secret(CANARY)
        assert CANARY not in screen_text(app)


async def test_a_file_that_cannot_be_imported_shows_the_error_dialog_and_stays(tmp_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _import(pilot, str(tmp_path / "missing.json"))
        await wait_for(pilot, ErrorDialog)
        assert isinstance(app.screen, ErrorDialog)
        assert "does not exist" in app.screen.error_title
        await wait_for_text(pilot, "does not exist")
        await pilot.press("escape")
        await wait_for(pilot, StartScreen)


async def test_invalid_json_is_reported_with_its_line_and_column(tmp_path: Path) -> None:
    config = tmp_path / "appsettings.json"
    config.write_text('{\n  "AzureAd": {\n    "TenantId": "x"\n    "ClientId": "y"\n  }\n}\n', "utf-8")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _import(pilot, str(config))
        await wait_for(pilot, ErrorDialog)
        await wait_for_text(pilot, "line 4, column 5")


# --- export: keys no widget eats, what happens to each file, all or nothing, the TUI's own fixes ---------


async def _export_screen(pilot, app, tmp_path: Path, profile: Profile = PROFILE) -> ExportScreen:  # type: ignore[no-untyped-def]
    screen = ExportScreen(
        profile, secret=Secret(CANARY), scrub=WizardState(secret=Secret(CANARY)).scrub, out_dir=tmp_path
    )
    await app.push_screen(screen)
    return screen


async def test_preview_and_write_keys_work_with_the_focus_in_every_field(tmp_path: Path) -> None:
    """ctrl+w was "write"; with the focus in Folder it deleted a word instead. No focused widget eats these."""
    from textual.widgets import Input

    app = make_app(flow=False)
    async with app.run_test(size=(120, 48)) as pilot:
        screen = await _export_screen(pilot, app, tmp_path)
        folder = screen.query_one("#export-dir", Input)
        focusable = [w for w in screen.query("*") if w.focusable and w.display]
        assert {"formats", "export-dir", "force"} <= {w.id for w in focusable}
        for widget in focusable:
            widget.focus()
            await pilot.pause()
            out = screen.query_one("#export-output")
            out.update("")  # type: ignore[attr-defined]
            await pilot.press("ctrl+r")
            await wait_for_text(pilot, "parameters.json: created", within=OUT)
            assert folder.value == str(tmp_path), f"ctrl+r changed the folder with focus on {widget.id}"
        folder.focus()
        folder.cursor_position = len(folder.value)
        await pilot.press("ctrl+s")
        await wait_for_text(pilot, "mode 600", within=OUT)
        assert folder.value == str(tmp_path)
        assert (tmp_path / "python-secret" / "parameters.json").is_file()


async def test_preview_says_what_happens_to_each_existing_file(tmp_path: Path) -> None:
    existing = tmp_path / "python-secret" / "parameters.json"
    existing.parent.mkdir()
    existing.write_text("{}", "utf-8")
    app = make_app(flow=False)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await _export_screen(pilot, app, tmp_path)
        await pilot.press("ctrl+r")
        text = await wait_for_text(pilot, "parameters.json: exists, refused", within=OUT)
        assert 'tick "Replace existing files"' in text
        screen.query_one("#force").value = True  # type: ignore[attr-defined]
        await pilot.press("ctrl+r")
        await wait_for_text(
            pilot, "parameters.json: replaced, the old file kept as parameters.json.bak", within=OUT
        )


async def test_writing_several_formats_is_all_or_nothing_with_the_tui_fix(tmp_path: Path) -> None:
    from textual.widgets import SelectionList

    app = make_app(flow=False)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await _export_screen(pilot, app, tmp_path)
        formats = screen.query_one("#formats", SelectionList)
        formats.select_all()
        chosen = list(formats.selected)
        assert len(chosen) >= 2
        # One format's file exists already: the others must not be written either.
        blocked = await _first_target(chosen[-1], tmp_path)
        blocked.parent.mkdir(parents=True)
        blocked.write_text("{}", "utf-8")
        await pilot.press("ctrl+s")
        text = await wait_for_text(pilot, "Export failed", within=OUT)
        assert "Nothing was written" in text and 'Tick "Replace existing files"' in text
        assert "--force" not in text
        assert [p for p in tmp_path.rglob("*") if p.is_file()] == [blocked]
        assert screen.result() is False
        screen.query_one("#force").value = True  # type: ignore[attr-defined]
        await pilot.press("ctrl+s")
        text = await wait_for_text(pilot, "Files written:", within=OUT)
        for fmt in chosen:
            assert f"/{fmt}/" in text
        assert f"kept as {blocked}.bak" in text.replace("\n", "") or f"{blocked.name}.bak" in text


async def _first_target(fmt: str, out_dir: Path) -> Path:
    from wizard.configs import get_format

    return out_dir / fmt / get_format(fmt).filename


async def test_a_sandbox_config_goes_to_its_own_folder_and_the_screen_says_so() -> None:
    sandbox = PROFILE.with_(authority_override=f"https://127.0.0.1:50123/{TENANT}")
    app = make_app(flow=False)
    async with app.run_test(size=(120, 48)) as pilot:
        screen = ExportScreen(sandbox, secret=None, scrub=str)
        await app.push_screen(screen)
        assert screen.out_dir == Path.cwd() / "daemon-config-sandbox"
        text = await wait_for_text(pilot, "Sandbox config")
        assert "temporary port" in text and "its own folder" in text
        real = ExportScreen(PROFILE, secret=None, scrub=str)
        assert real.out_dir == Path.cwd() / "daemon-config"
