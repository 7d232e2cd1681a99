"""The admin path ("Create the registration for me"): sign in, plan, apply; then the token test, configured.

Driven from the wizard's flow coroutine: each step is a screen awaited with `push_screen_wait`, Back returns to
the step before (sign-in's Back leaves the admin path). The signed-in session is kept for "Fix it now".
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from screens.admin_services import AdminSession, AdminTarget, Opener, applied_profile
from screens.state import Back
from wizard.paths import data_dir
from wizard.profile import Profile
from wizard.secret import Secret

if TYPE_CHECKING:
    from textual.app import App

    from wizard.admin.registration import RegistrationPlan, RegistrationRequest


@dataclass(frozen=True)
class AdminOutcome:
    """What the admin path made: the daemon's profile (for the token test) and its new secret."""

    profile: Profile
    secret: Secret | None
    session: AdminSession


def output_folder(sandbox: bool) -> Path:
    """Where apply writes the secret (0600) and its journal: a temporary folder for the sandbox."""
    if sandbox:
        return Path(tempfile.mkdtemp(prefix="edw-admin-"))
    return data_dir() / "registrations"


class AdminFlow:
    """Sign-in, plan and progress screens in order, for one target (the sandbox or Entra ID)."""

    def __init__(
        self,
        app: App[Any],
        target: AdminTarget,
        *,
        opener: Opener | None = None,
        note: str = "",
        federated: Profile | None = None,
    ) -> None:
        self.app = app
        #: The credential step's Federated choice, when it made one: the plan starts from it.
        self.federated = federated
        self.target = target
        self.opener = opener
        self.note = note
        self.session: AdminSession | None = None

    async def sign_in(self) -> AdminSession | None:
        from screens.admin_signin import AdminSignInScreen

        got = await self.app.push_screen_wait(
            AdminSignInScreen(self.target, opener=self.opener, note=self.note)
        )
        if isinstance(got, Back):
            return None
        self.session = got
        return got

    async def plan_and_apply(
        self, session: AdminSession, *, name: str = "", roles: str = ""
    ) -> AdminOutcome | Back:
        """Plan screen, then progress screen; BACK from the plan screen."""
        from screens.admin_plan import DEFAULT_ROLES, AdminPlanScreen
        from screens.admin_progress import AdminProgressScreen

        while True:
            screen = AdminPlanScreen(
                session, name=name, roles=roles or DEFAULT_ROLES, note=self.note, federated=self.federated
            )
            plan: RegistrationPlan | Back = await self.app.push_screen_wait(screen)
            if isinstance(plan, Back):
                return plan
            name = plan.request.name or name
            roles = ", ".join(plan.request.roles)
            folder = output_folder(self.target.ca_file is not None)
            token = screen.token_source if plan.request.federated is not None else None
            result = await self.app.push_screen_wait(
                AdminProgressScreen(session, plan, folder=folder, note=self.note, token=token)
            )
            if isinstance(result, Back):
                continue  # back to the plan (read again: the tenant changed)
            profile, secret = applied_profile(
                session, result, name=plan.request.name or "daemon", token=token
            )
            return AdminOutcome(profile, secret, session)

    async def fix(self, session: AdminSession, request: RegistrationRequest) -> AdminOutcome | None:
        """ "Fix it now": the plan for `request` (read at once), confirmation, progress; None if abandoned."""
        from screens.admin_plan import AdminPlanScreen
        from screens.admin_progress import AdminProgressScreen

        plan = await self.app.push_screen_wait(AdminPlanScreen(session, request=request, note=self.note))
        if isinstance(plan, Back):
            return None
        folder = output_folder(self.target.ca_file is not None)
        result = await self.app.push_screen_wait(
            AdminProgressScreen(session, plan, folder=folder, note=self.note)
        )
        if isinstance(result, Back):
            return None
        secret = (
            Secret(Path(result.secret_file).read_text(encoding="utf-8").strip())
            if result.secret_file
            else None
        )
        return AdminOutcome(Profile(), secret, session)

    async def run(self) -> AdminOutcome | None:
        """The whole path; None when the person went back from the sign-in."""
        while True:
            session = self.session or await self.sign_in()
            if session is None:
                return None
            outcome = await self.plan_and_apply(session)
            if isinstance(outcome, AdminOutcome):
                return outcome
            self.session = None  # Back from the plan: sign in again (another account, another role)
