"""The sandbox's delegated-daemon loop, as a user lives it: "grant admin consent", consent granted, same
finding. With the registration the sandbox's admin sees, the TUI names the Delegated permission first."""

from __future__ import annotations

from test_tui_sandbox_flows import SIZE, run_test_to_diagnosis, start_on
from tui_helpers import make_app, screen_text, wait_for, wait_for_text

from screens.consent import ConsentScreen
from screens.credential import CredentialScreen


async def test_consent_does_not_loop_on_a_delegated_only_permission() -> None:
    app = make_app()
    try:
        async with app.run_test(size=SIZE) as pilot:
            await start_on(pilot, "delegated-daemon")
            await pilot.press("ctrl+n")
            await wait_for(pilot, CredentialScreen)
            await pilot.press("ctrl+n")
            await wait_for(pilot, ConsentScreen)
            await pilot.press("a")  # the admin approves, as the loop's user did
            await wait_for_text(pilot, "Admin consent granted on the sandbox tenant")
            await pilot.press("ctrl+n")
            diagnosis = await run_test_to_diagnosis(pilot)
            first = diagnosis.report.findings[0]
            assert first.code == "permission-delegated", [f.code for f in diagnosis.report.findings]
            assert "Application permissions" in first.fix
            assert "permission-delegated" in screen_text(app)
    finally:
        app.flow.close()
