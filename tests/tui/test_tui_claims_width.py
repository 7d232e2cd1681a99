"""The claims table of a real sandbox token, at 80 and 120 columns: long values (the issuer URL, GUIDs) fold
in their column, and every meaning wraps in the width left to it, never squeezed to "…"."""

from __future__ import annotations

import pytest
from textual.widgets import Static
from tui_helpers import make_app, wait_for, wait_for_text

from screens.consent import ConsentScreen
from screens.credential import CredentialScreen
from screens.diagnosis import DiagnosisScreen
from screens.registration import RegistrationScreen
from screens.token_test import TokenTestScreen


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
async def test_the_claims_of_a_real_token_fit_with_their_meanings(size: tuple[int, int]) -> None:
    app = make_app(sandbox="default")
    try:
        async with app.run_test(size=size) as pilot:
            await wait_for(pilot, RegistrationScreen, seconds=120)
            for step in (CredentialScreen, ConsentScreen, TokenTestScreen):
                await pilot.press("ctrl+n")
                await wait_for(pilot, step)
            await wait_for_text(pilot, "PASSED", within="#test-status")
            await pilot.press("ctrl+n")
            await wait_for(pilot, DiagnosisScreen)
            screen = app.screen
            assert isinstance(screen, DiagnosisScreen)
            table = screen.query_one("#claims", Static)
            await pilot.pause()
            lines = [
                "".join(s.text for s in table.render_line(y)).rstrip() for y in range(table.region.height)
            ]
            assert "…" not in "\n".join(lines)
            flat = " ".join(" ".join(lines).split())
            claims = screen.report.claims
            assert len(claims) >= 8
            for claim in claims:
                # Each meaning starts readable in its column (wrapped beside a folded value, never cut).
                assert claim.meaning.replace("`", "").split()[0] in flat, claim.name
            # A table as tall as the wrapped meanings need (about five lines each at 80), not one word per line.
            assert len(lines) <= 6 * len(claims)
    finally:
        app.flow.close()
