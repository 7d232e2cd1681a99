"""At 80 columns every screen's footer fits: no key runs past the palette key, and a key left out for room is
one of the screen's spare keys and stays in the command palette. Walked through the sandbox flow, with the
screens off the flow (start, admin sign-in, audit, customers) pushed as the program shows them."""

from __future__ import annotations

from typing import Any

from test_tui_admin_snapshots import TARGET
from test_tui_audit import fixed_view
from textual.screen import Screen
from textual.widgets import TabbedContent
from textual.widgets._footer import FooterKey
from tui_helpers import make_app, until, wait_for, wait_for_text

from screens.admin_fix import FIXABLE
from screens.admin_signin import AdminSignInScreen
from screens.audit import AuditScreen
from screens.commands import WizardCommands
from screens.consent import ConsentScreen
from screens.credential import CredentialScreen
from screens.customers import CustomersScreen
from screens.diagnosis import DiagnosisScreen
from screens.export import ExportScreen
from screens.footer_fit import DEFAULT_SPARE
from screens.registration import RegistrationScreen
from screens.services import DoctorView
from screens.start import StartScreen
from screens.token_test import TokenTestScreen
from screens.widgets.footer import Footer as OwnFooter
from wizard.diagnosis.model import Finding

NARROW = (80, 24)


def _drawn_keys(footer: Any) -> list[tuple[str, str, int, int, bool]]:
    """(action, description, first column, column after it, palette?) of each key a footer draws.

    The start screen's footer is the wizard's one-widget footer (screens.widgets.footer); the other
    screens' is Textual's, one FooterKey widget per key."""
    if isinstance(footer, OwnFooter):
        return [(k.action, k.description, k.x, k.x + k.width, k.palette) for k in footer.keys]
    return [
        (k.action, k.description, k.virtual_region.x, k.virtual_region.right, k.has_class("-command-palette"))
        for k in footer.query(FooterKey)
    ]


async def footer_fits(pilot: Any, *, all_shown: bool = False) -> set[str]:
    """Check the current screen's footer; returns the actions it shows."""
    screen = pilot.app.screen
    footer = screen.query_one("Footer")
    await until(pilot, lambda: bool(_drawn_keys(footer)), f"the footer of {type(screen).__name__}")
    await pilot.pause()
    keys = _drawn_keys(footer)
    palette = [k for k in keys if k[4]]
    assert len(palette) == 1
    edge = palette[0][2]
    shown = [k for k in keys if k not in palette]
    cut = [description for _, description, _, right, _ in shown if right > edge]
    assert cut == [], f"{type(screen).__name__}: cut off at {screen.app.size.width} columns"
    # Every binding the screen declares as shown is in the footer, or is a spare key left for the palette.
    declared = {a.binding.action for a in Screen.active_bindings.fget(screen).values() if a.binding.show}  # type: ignore[attr-defined]
    actions = {action for action, *_ in shown}
    left_out = declared - actions
    assert left_out <= set(getattr(screen, "FOOTER_SPARE", DEFAULT_SPARE)), left_out
    in_palette = {action for *_, action in WizardCommands(screen)._commands()}
    assert left_out <= in_palette
    if all_shown:
        assert left_out == set()
    return actions


async def test_every_step_of_the_sandbox_flow_fits_80_columns() -> None:
    app = make_app(sandbox="default")
    try:
        async with app.run_test(size=NARROW) as pilot:
            await wait_for(pilot, RegistrationScreen, seconds=120)
            await footer_fits(pilot)
            await pilot.press("ctrl+n")
            await wait_for(pilot, CredentialScreen)
            tabs = app.screen.query_one(TabbedContent)
            for tab in ("tab-secret", "tab-generate", "tab-existing", "tab-federated"):
                tabs.active = tab
                shown = await footer_fits(pilot)
                assert {"back", "next", "reveal", "register", "quit"} <= shown  # Upload: the sandbox's
            tabs.active = "tab-secret"
            await pilot.press("ctrl+n")
            await wait_for(pilot, ConsentScreen)
            assert "approve" in await footer_fits(pilot)
            await pilot.press("ctrl+n")
            await wait_for(pilot, TokenTestScreen)
            await wait_for_text(pilot, "Press ctrl+n for the token", within="#test-status")
            assert {"rerun", "cancel"} <= await footer_fits(pilot)
            await pilot.press("ctrl+n")
            await wait_for(pilot, DiagnosisScreen)
            await footer_fits(pilot)
            await pilot.press("ctrl+n")
            await wait_for(pilot, ExportScreen)
            await footer_fits(pilot)
    finally:
        app.flow.close()


async def test_the_screens_around_the_flow_fit_80_columns() -> None:
    finding = Finding(
        code=next(iter(FIXABLE)), severity="error", title="Admin consent is missing", explanation="", fix=""
    )
    report = DoctorView(verdict="fail", findings=(finding,))
    app = make_app()
    async with app.run_test(size=NARROW) as pilot:
        await wait_for(pilot, StartScreen)
        assert "quit" in await footer_fits(pilot)
        # The diagnosis with both fixes on offer: the widest step footer.
        await app.push_screen(DiagnosisScreen(report, fix_now=True))
        await wait_for(pilot, DiagnosisScreen)
        assert {"fix", "fix_now", "rerun", "quit"} <= await footer_fits(pilot)
        app.pop_screen()
        for screen in (
            AdminSignInScreen(TARGET, note="sandbox tenant"),
            AuditScreen(reader=fixed_view),
            CustomersScreen(checker=None),
        ):
            await app.push_screen(screen)
            await wait_for(pilot, type(screen))
            assert "quit" in await footer_fits(pilot)
            app.pop_screen()


async def test_a_wide_terminal_shows_every_key() -> None:
    """The spare keys leave the footer only for want of room."""
    app = make_app(sandbox="default")
    try:
        async with app.run_test(size=(160, 40)) as pilot:
            await wait_for(pilot, RegistrationScreen, seconds=120)
            await pilot.press("ctrl+n")
            await wait_for(pilot, CredentialScreen)
            shown = await footer_fits(pilot, all_shown=True)
            assert {"generate", "inspect", "register", "toggle_theme"} <= shown
    finally:
        app.flow.close()
