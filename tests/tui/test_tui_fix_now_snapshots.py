"""Snapshots of "Fix it now"'s new states at 80x24 and 120x40: the federated credential to write, and a secret
fix's plan with its rotation box. Fixed data only (the plans are given): nothing reaches a network."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from test_tui_admin_snapshots import PLAN, SESSION, STEPS, TENANT
from textual.pilot import Pilot
from tui_helpers import make_app, wait_for_text

from screens.admin_fic_fix import FicFixScreen
from screens.admin_plan import AdminPlanScreen
from wizard.admin.fic_fix import FicFixPlan
from wizard.admin.fic_graph import AppFics
from wizard.admin.registration import RegistrationPlan, RegistrationRequest
from wizard.federated import Credential, diff, from_claims
from wizard.profile import Profile

SIZES = pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
CLIENT = "c0ffee00-0002-4000-a000-00000000c11e"
GITHUB = "https://token.actions.githubusercontent.com"
EXCHANGE = "api://AzureADTokenExchange"
HELD = Credential("github-production", GITHUB, "repo:contoso/daemon:environment:production", (EXCHANGE,))
TOKEN = from_claims({"iss": GITHUB, "sub": "repo:contoso/daemon:ref:refs/heads/main", "aud": EXCHANGE}, None)
RESULT = diff(TOKEN, [HELD])
assert RESULT.suggested is not None
FIC_PLAN = FicFixPlan(
    AppFics("0b1ec700-0000-4000-8000-00000000f1c0", CLIENT, "Federated Daemon", (HELD,)),
    RESULT,
    RESULT.suggested,
)
SECRET_FIX = RegistrationRequest(app_id=CLIENT, credential="secret", add_new=True)
SECRET_PLAN: RegistrationPlan = replace(
    PLAN,
    request=SECRET_FIX,
    steps=[
        replace(
            STEPS[-1],
            target="Expired-secret Daemon",
            reason="added (180 days), written once to a 0600 file, shown masked; the 1 existing kept",
        )
    ],
    tenant_id=TENANT,
)


@SIZES
def test_fic_fix_plan(snap_compare: Any, size: tuple[int, int]) -> None:
    """A subject mismatch's fix: the credential to create (issuer, subject, audience), Apply asks first."""

    async def shown(pilot: Pilot[int]) -> None:
        screen = FicFixScreen(
            SESSION, Profile(client_id=CLIENT), note="sandbox tenant", planner=lambda: FIC_PLAN
        )
        await pilot.app.push_screen(screen)
        await wait_for_text(pilot, "Apply (ctrl+g) asks", within="#fic-fix-status")

    assert snap_compare(make_app(flow=False), terminal_size=size, run_before=shown)


@SIZES
def test_secret_fix_plan_with_the_rotation_box(snap_compare: Any, size: tuple[int, int]) -> None:
    """An expired secret's fix: a new secret beside the old one, and the box that asks for rotation instead."""

    async def shown(pilot: Pilot[int]) -> None:
        screen = AdminPlanScreen(
            SESSION, request=SECRET_FIX, note="sandbox tenant", planner=lambda request: SECRET_PLAN
        )
        await pilot.app.push_screen(screen)
        await wait_for_text(pilot, "Apply (ctrl+g) asks", within="#plan-status")

    assert snap_compare(make_app(flow=False), terminal_size=size, run_before=shown)
