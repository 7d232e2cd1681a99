"""The wizard's linear flow: one coroutine awaiting each step's screen, with Back always possible."""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import suppress
from datetime import date
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

from textual.app import App
from textual.worker import WorkerFailed

from screens.state import (
    Back,
    CredentialResult,
    FixNow,
    GoTo,
    StartChoice,
    StartResult,
    Step,
    StepStatus,
    WizardState,
)
from wizard.clouds import TenantType
from wizard.profile import CredentialKind, Profile
from wizard.secret import Secret

# The services (and through them the core's errors and dialogs) load with the first step that needs them:
# the start screen's first frame needs none of them.
if TYPE_CHECKING:
    from screens import services
    from screens.services import DoctorView, SandboxSession
    from screens.start import StartScreen
    from screens.token_test import Runner
    from wizard.grants import GrantReport
    from wizard.live.results import Registration

R = TypeVar("R")
#: Worker groups the flow awaits itself; it shows their failures before going on.
FLOW_GROUPS = frozenset({"sandbox", "import"})


def saved_profiles() -> tuple[str, ...]:
    """The saved profiles' names (a glob of the profiles folder: the start screen stays light)."""
    from wizard.paths import config_dir

    folder = config_dir() / "profiles"
    return tuple(sorted(p.stem for p in folder.glob("*.toml"))) if folder.is_dir() else ()


def expiry_reminder(expires: str | None, today: date, *, within_days: int = 30) -> str | None:
    """A reminder when the recorded secret expiry is past or within `within_days`; else None."""
    if not expires:
        return None
    try:
        left = (date.fromisoformat(expires) - today).days
    except ValueError:
        return None
    if left < 0:
        return f"The client secret expired on {expires}: create a new one under Certificates & secrets."
    if left <= within_days:
        return f"The client secret expires on {expires} ({left} days): rotate it before then."
    return None


def _load_saved(name: str) -> tuple[Profile, Secret | None]:
    """A saved profile, and its secret when the user chose to keep it in the OS keyring (thread worker)."""
    from wizard.profile_store import load_profile
    from wizard.secret_keyring import recall_secret

    profile = load_profile(name)
    return profile, recall_secret(name) if profile.credential is CredentialKind.SECRET else None


def known_registration(
    profile: Profile, sandbox: SandboxSession | None, admin: Any, timeout: float
) -> Registration | None:
    """The app's registration as read beside the token test (blocking: the test's thread worker).

    Its federated credentials come from Graph with the signed-in admin's token, on the sandbox as in the
    cloud; without an admin there are none (the sandbox's own view keeps the rest, not its credentials)."""
    from wizard.errors import WizardError
    from wizard.live.results import Registration

    data: dict[str, Any] = {}
    if sandbox is not None:
        seen = sandbox.registration(profile.client_id)
        data = {k: v for k, v in (seen.data if seen else {}).items() if k != "federatedIdentityCredentials"}
    if admin is not None and profile.credential is CredentialKind.FEDERATED and profile.client_id:
        from screens.admin_fic_services import registration_fics

        # A failed read means no diff; the token test itself still runs and diagnoses.
        with suppress(WizardError):
            # Bounded apart from the test's own timeout: a slow Graph must not hold the token test long.
            data = {**data, **registration_fics(admin, profile.client_id, timeout=min(timeout, 10.0)).data}
    return Registration(data) if data else None


class Flow:
    """Drives the steps in order; each screen returns its value or BACK, and the state keeps the rest."""

    def __init__(
        self,
        app: App[Any],
        state: WizardState,
        *,
        sandbox_scenario: str | None = None,
        sandbox_app: str | None = None,
    ) -> None:
        self.app = app
        self.state = state
        self.sandbox_scenario = sandbox_scenario
        #: The app `--sandbox-app` (or `--sandbox NAME`) asked for; else the scenario's first.
        self.sandbox_app = sandbox_app
        self.sandbox: SandboxSession | None = None
        self.report: DoctorView | None = None
        self._apps: tuple[services.SandboxApp, ...] | None = None
        self._lock = threading.Lock()
        self._closed = False
        #: How the admin sign-in opens the browser (None: the system's); tests pass one that opens nothing.
        self.admin_opener: Callable[[str], bool] | None = None
        #: The admin signed in on the admin path (token in memory), for "Fix it now".
        self.admin_session: Any = None
        #: True when the step about to be shown was reached by Back: a finished test is not run again.
        self._went_back = False
        #: The start step when it is the app's first screen: it stays under the steps that follow.
        self._first: StartScreen | None = None

    def first_screen(self) -> StartScreen | None:
        """The start step as the app's first screen (WizardApp.get_default_screen), when the flow begins there.

        With a sandbox scenario the flow starts the sandbox and goes on to the registration step: Textual's
        blank screen stays the first one then."""
        if self.sandbox_scenario is not None:
            return None
        from screens.start import StartScreen

        s = self.state
        self._first = StartScreen(
            initial=s.start, sandbox_apps=self.sandbox_apps, saved_profiles=saved_profiles()
        )
        return self._first

    def sandbox_apps(self) -> tuple[services.SandboxApp, ...]:
        """The scenario's apps, read once (the start screen asks when the sandbox is chosen)."""
        if self._apps is None:
            from screens import services

            self._apps = services.sandbox_apps(self.sandbox_scenario)
        return self._apps

    @property
    def note(self) -> str:
        return f"sandbox tenant · {self.state.sandbox_app}" if self.state.sandbox_app else ""

    async def _in_thread(self, fn: Callable[[], R], group: str) -> R | None:
        """Run blocking work in a thread worker; on failure show the error and return None."""
        assert group in FLOW_GROUPS
        worker = self.app.run_worker(fn, thread=True, exclusive=True, exit_on_error=False, group=group)
        try:
            return await worker.wait()
        except WorkerFailed as failed:
            await self._show(failed.error)
            return None

    async def _show(self, error: BaseException | None) -> None:
        from screens.dialogs.error import error_dialog

        await self.app.push_screen_wait(error_dialog(error, scrub=self.state.scrub))

    async def run(self) -> int:
        step = Step.START
        if self.sandbox_scenario is not None and self.state.start is None:
            apps = self.sandbox_apps()
            name = self.sandbox_app or (apps[0].name if apps else "")
            self.state.start = StartResult(StartChoice.SANDBOX, sandbox_app=name)
            step = Step.REGISTRATION if await self._apply_start(self.state.start) else Step.START
        while True:
            outcome = await self._step(step)
            self._went_back = isinstance(outcome, Back)
            if isinstance(outcome, Back):
                step = Step(max(step.value - 1, 0))
            elif isinstance(outcome, Step):
                step = outcome
            else:
                return 0

    def _mark(self, step: Step, status: StepStatus) -> None:
        """Record a step's outcome for the step list; a changed input makes the test's outcome stale."""
        progress = self.state.progress
        if step < Step.TEST and status is StepStatus.DONE:
            for later in (Step.TEST, Step.DIAGNOSIS):
                progress.pop(later, None)
        progress[step] = status

    async def _step(self, step: Step) -> Step | Back | None:
        """Show one step; the next step to show, BACK, or None when the wizard is finished."""
        # Each step's screen module loads when the step is first shown: the first paint needs only one.
        s = self.state
        if step is Step.START:
            from screens.start import StartScreen

            if self._first is not None:  # the app's first screen: shown again by popping what is above it
                start = await self._first.next_result()
            else:
                start = await self.app.push_screen_wait(
                    StartScreen(
                        initial=s.start, sandbox_apps=self.sandbox_apps, saved_profiles=saved_profiles()
                    )
                )
            if isinstance(start, Back):
                return Step.START
            if start.choice is StartChoice.ADMIN:
                s.start = start
                self._mark(Step.START, StepStatus.DONE)
                return await self._admin()
            if not await self._apply_start(start):
                self._mark(Step.START, StepStatus.FAILED)
                return Step.START
            self._mark(Step.START, StepStatus.DONE)
            return Step.REGISTRATION
        if step is Step.REGISTRATION:
            from screens.registration import RegistrationScreen

            profile = await self.app.push_screen_wait(
                RegistrationScreen(s.profile, focus=s.focus, note=self.note)
            )
            s.focus = None
            if isinstance(profile, Back):
                return profile
            s.profile = profile
            self._mark(Step.REGISTRATION, StepStatus.DONE)
            return Step.CREDENTIAL
        if step is Step.CREDENTIAL:
            from screens.credential import CredentialScreen

            register = self.sandbox.upload_certificate if self.sandbox and s.sandbox_app else None
            cred = await self.app.push_screen_wait(
                CredentialScreen(
                    s.profile, secret=s.secret, passphrase=s.passphrase, note=self.note, register=register
                )
            )
            if isinstance(cred, Back):
                return cred
            self._apply_credential(cred)
            self._mark(Step.CREDENTIAL, StepStatus.DONE)
            return Step.CONSENT
        if step is Step.CONSENT:
            from screens.consent import ConsentScreen

            approve = self.sandbox.grant_consent if self.sandbox and s.sandbox_app else None
            read_now = bool(self.sandbox and s.sandbox_app) or self.admin_session is not None
            consent = await self.app.push_screen_wait(
                ConsentScreen(
                    s.profile, approve=approve, note=self.note, grants=self._grants(), read_now=read_now
                )
            )
            if isinstance(consent, Back):
                return consent
            self._mark(Step.CONSENT, StepStatus.DONE)
            return Step.TEST
        if step is Step.TEST:
            from screens.token_test import TokenTestScreen

            # Back from the diagnosis shows the test that ran; r runs it again. Forward, it runs.
            previous = self.report if self._went_back and s.status(Step.TEST) is not StepStatus.TODO else None
            report = await self.app.push_screen_wait(
                TokenTestScreen(self._runner(), note=self.note, report=previous, timeout=s.settings.timeout)
            )
            if isinstance(report, Back):
                return report
            self.report = report
            self._mark(Step.TEST, StepStatus.DONE if report.ok else StepStatus.FAILED)
            return Step.DIAGNOSIS
        if step is Step.DIAGNOSIS:
            from screens.diagnosis import DiagnosisScreen

            if self.report is None:
                return Step.TEST
            goto = await self.app.push_screen_wait(
                DiagnosisScreen(self.report, note=self.note, fix_now=self.admin_session is not None)
            )
            if isinstance(goto, Back):
                return goto
            if isinstance(goto, FixNow):
                return await self._fix_now(goto)
            assert isinstance(goto, GoTo)
            self._mark(Step.DIAGNOSIS, StepStatus.DONE if self.report.ok else StepStatus.FAILED)
            s.focus = goto.focus
            return goto.step
        from screens.export import ExportScreen

        done = await self.app.push_screen_wait(
            ExportScreen(
                s.profile,
                secret=s.secret,
                passphrase=s.passphrase,
                scrub=s.scrub,
                note=self.note,
                works=self._works(),
            )
        )
        if isinstance(done, Back):
            return done
        self._mark(Step.EXPORT, StepStatus.DONE)
        return None

    def _works(self) -> str:
        """One line for the summary: what the token test proved."""
        r = self.report
        if r is None:
            return "the token test has not run."
        if not r.ok:
            return "nothing yet: the token test FAILED (see the diagnosis)."
        return f"the token test PASSED. {r.token_summary}. {r.api_result}".replace("\n", "; ")

    async def _admin(self) -> Step:
        """The admin path (screens.admin_flow): on the sandbox with --sandbox, else Entra ID; then the test."""
        from screens.admin_flow import AdminFlow
        from screens.admin_services import AdminTarget

        wants_sandbox = self.sandbox_scenario is not None and self.sandbox is None
        if wants_sandbox and await self._in_thread(self._open_sandbox, "sandbox") is None:
            return Step.START
        target = AdminTarget.sandbox(self.sandbox.sandbox) if self.sandbox else AdminTarget.cloud()
        federated = self.state.profile if self.state.profile.credential is CredentialKind.FEDERATED else None
        outcome = await AdminFlow(
            self.app, target, opener=self.admin_opener, note=target.label, federated=federated
        ).run()
        if outcome is None:
            return Step.START
        self.admin_session = outcome.session
        s = self.state
        s.profile, s.secret, s.passphrase = outcome.profile, outcome.secret, None
        s.sandbox_app = outcome.profile.name if self.sandbox else None
        return Step.TEST

    async def _fix_now(self, fix: FixNow) -> Step:
        """The signed-in admin fixes a finding: the same plan and confirmation, then the test again."""
        from screens.admin_fix import FIC_CODES, fix_request
        from screens.admin_flow import AdminFlow
        from wizard.errors import WizardError

        session = self.admin_session
        if fix.code in FIC_CODES:
            from screens.admin_fic_fix import FicFixScreen

            written = await self.app.push_screen_wait(
                FicFixScreen(session, self.state.profile, note=self.note)
            )
            return Step.DIAGNOSIS if isinstance(written, Back) else Step.TEST
        try:
            request = fix_request(fix.code, self.state.profile)
        except WizardError as exc:  # what the fix needs is not in the profile (a certificate file)
            await self._show(exc)
            return Step.DIAGNOSIS
        flow = AdminFlow(self.app, session.target, opener=self.admin_opener, note=session.target.label)
        fixed = await flow.fix(session, request)
        if fixed is None:
            return Step.DIAGNOSIS
        if fixed.secret is not None:
            self.state.secret = fixed.secret
        return Step.TEST

    def _grants(self) -> Callable[[], GrantReport]:
        """What the consent step runs (in its thread worker) to read what the app is already granted."""
        from screens import services

        s = self.state
        sandbox = self.sandbox if s.sandbox_app else None
        session = self.admin_session
        return partial(
            services.read_grants,
            s.profile,
            secret=s.secret if s.profile.credential is CredentialKind.SECRET else s.passphrase,
            graph_url=sandbox.sandbox.graph_base_url if sandbox else s.profile.graph_resource,
            ca_file=sandbox.ca_file if sandbox else (s.settings.ca_file or None),
            timeout=s.settings.timeout,
            admin=(session.token, session.target.graph_url, session.target.ca_file) if session else None,
        )

    def _runner(self) -> Runner:
        from screens import services

        s = self.state
        sandbox = self.sandbox if s.sandbox_app else None
        settings = s.settings
        ca_file = sandbox.ca_file if sandbox else (settings.ca_file or None)

        # A certificate credential is unlocked by its key's passphrase (when the key is encrypted).
        # One callback for both: each exchange for the trace, each step's state for the step list.
        # The registration is read (Graph, for a federated app with an admin signed in) in the test's worker.
        return lambda report, cancel: services.run_doctor(
            s.profile,
            secret=s.secret if s.profile.credential is CredentialKind.SECRET else s.passphrase,
            ca_file=ca_file,
            timeout=settings.timeout,
            use_env_proxies=settings.use_env_proxies,
            proxy=settings.proxy or None,
            on_step=report,
            on_progress=report,
            cancel=cancel,
            registration=known_registration(s.profile, sandbox, self.admin_session, settings.timeout),
        )

    def _apply_credential(self, cred: CredentialResult) -> None:
        self.state.profile = cred.profile
        self.state.secret = cred.secret
        self.state.passphrase = cred.passphrase

    async def _apply_start(self, start: StartResult) -> bool:
        """Set up the profile for the chosen path; False (and stay on the start screen) if that failed."""
        s = self.state
        changed = (
            s.start is None or s.start.choice is not start.choice or s.start.sandbox_app != start.sandbox_app
        )
        s.start = start
        if start.choice is StartChoice.SANDBOX:
            return await self._start_sandbox(start.sandbox_app)
        s.sandbox_app = None
        if start.choice is StartChoice.PROFILE:
            loaded = await self._in_thread(partial(_load_saved, start.profile_name), "import")
            if loaded is None:
                return False
            (s.profile, s.secret), s.passphrase = loaded, None
            where = "its secret from the OS keyring" if s.secret else "give the secret on the credential step"
            self.app.notify(f"Profile {start.profile_name} loaded; {where}.")
            reminder = expiry_reminder(s.profile.secret_expires, date.today())
            if reminder:
                self.app.notify(reminder, title="Client secret", severity="warning", timeout=30)
            return True
        if start.choice is StartChoice.IMPORT:
            from screens import services

            imported = await self._in_thread(partial(services.import_config, start.import_path), "import")
            if imported is None:
                return False
            s.profile, s.secret, s.passphrase = imported.profile, imported.secret, None
            from screens.dialogs.import_report import ImportReportDialog

            await self.app.push_screen_wait(ImportReportDialog(imported))
            return True
        tenant_type = TenantType.EXTERNAL if start.choice is StartChoice.EXTERNAL else TenantType.WORKFORCE
        if changed or s.profile.authority_override:
            s.profile, s.secret, s.passphrase = Profile(), None, None
        s.profile = s.profile.with_(tenant_type=tenant_type, cloud=start.cloud)
        return True

    async def _start_sandbox(self, app_name: str) -> bool:
        if self.sandbox is None:
            self.app.notify("Starting the sandbox tenant…")
            started = await self._in_thread(self._open_sandbox, "sandbox")
            if started is None:
                return False
        assert self.sandbox is not None
        from wizard.errors import UsageError, WizardError

        try:
            profile, secret = self.sandbox.app_profile(app_name)
        except (WizardError, LookupError):
            names = ", ".join(a.name for a in self.sandbox_apps()) or "none"
            await self._show(
                UsageError(f"The sandbox has no app named {app_name!r}", hint=f"Its apps: {names}.")
            )
            return False
        self.state.profile, self.state.secret, self.state.passphrase = profile, secret, None
        self.state.sandbox_app = app_name
        return True

    def _open_sandbox(self) -> SandboxSession:
        """Start the sandbox (thread worker); adopted under the lock, so a close meanwhile still stops it."""
        from screens import services
        from wizard.errors import UsageError

        session = services.start_sandbox(self.sandbox_scenario)
        with self._lock:
            if not self._closed:
                self.sandbox = session
                return session
        session.stop()  # the wizard closed (a signal) while the sandbox was starting
        raise UsageError("The wizard closed while the sandbox was starting")

    def close(self) -> None:
        """Stop the sandbox, which removes its temporary folder (it holds private keys). Idempotent."""
        with self._lock:
            self._closed = True
            sandbox, self.sandbox = self.sandbox, None
        if sandbox is not None:
            sandbox.stop()
