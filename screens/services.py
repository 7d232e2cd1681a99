"""The one adapter between the screens and the core pieces that do the work (sandbox, live, diagnosis, configs).

Screens call only these functions (the blocking ones from thread workers) and get small view dataclasses back.
The core modules are imported inside the functions, so the first screen paints before any of them loads.
"""

from __future__ import annotations

import gc
import importlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wizard.grants import GrantReport, Need, needs_for
from wizard.profile import Profile
from wizard.secret import Secret

if TYPE_CHECKING:
    from wizard.diagnosis.model import Finding
    from wizard.federated.claim_table import ClaimRow  # the federated pieces load with the test's result
    from wizard.live.progress import StepProgress
    from wizard.live.results import Registration
    from wizard.sandbox import SandboxHandle


def preload() -> None:
    """Import the heavy libraries once the first screen is painted, so later steps start at once.

    A full garbage collection over what they create holds the interpreter long enough to freeze the UI
    mid-test, so the collector is paused while they load, and what they created is then frozen
    (gc.freeze): later collections no longer walk it. msgraph-sdk is not among them: the token test reads
    Graph as the official sample does, without it.
    """
    gc.disable()
    try:
        for name in ("msal", "azure.identity"):
            try:
                importlib.import_module(name)
            except ImportError:  # an optional piece; the step that needs it will say so
                continue
    finally:
        gc.freeze()
        gc.enable()


# --- sandbox -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SandboxApp:
    """A sandbox app the start screen offers: its scenario name and what makes it interesting."""

    name: str
    label: str


def _app_label(tenant: Any, app: Any) -> str:
    """`Graph Daemon (contoso, secret)`: the display name and the facts that shape its test."""
    facts = [f"{tenant.name} ({tenant.type})" if tenant.type != "workforce" else tenant.name]
    facts.append(" and ".join(app.credentials) or "no credential")
    if not app.service_principal:
        facts.append("no service principal")
    elif not app.consented:
        facts.append("no admin consent")
    if app.secret_expired:
        facts.append("secret expired")
    if app.disabled:
        facts.append("disabled")
    if any(p.type != "Application" for p in app.permissions):
        facts.append("delegated permission")
    return f"{app.display_name} ({', '.join(facts)})"


def sandbox_apps(scenario: str | None = None) -> tuple[SandboxApp, ...]:
    """Every app of the scenario (the built-in one for None or "default"), in the scenario's order.

    Loads the sandbox package (about 0.2 s): call it when the sandbox is chosen, not for the first paint.
    """
    from wizard.sandbox import resolve_scenario

    loaded = resolve_scenario(scenario)
    return tuple(SandboxApp(a.name, _app_label(t, a)) for t in loaded.tenants for a in t.apps)


def sandbox_choice(value: str, app: str | None = None) -> tuple[str, str | None]:
    """`--sandbox VALUE [--sandbox-app APP]` as (scenario, app): VALUE is "default", a scenario file, or
    the name of one of the default scenario's apps. Raises UsageError for anything else, or an unknown app."""
    from wizard.errors import UsageError

    scenario = value or "default"
    if scenario != "default" and not Path(scenario).expanduser().is_file():
        if app is None and scenario in {a.name for a in sandbox_apps()}:
            scenario, app = "default", value
        else:
            raise UsageError(
                f"No scenario file and no sandbox app named {value!r}",
                hint="Give a scenario file, or one of the apps `daemon-wizard sandbox --json` lists.",
            )
    apps = sandbox_apps(scenario)
    if app is not None and app not in {a.name for a in apps}:
        raise UsageError(
            f"The sandbox scenario has no app named {app!r}",
            hint=f"Its apps: {', '.join(a.name for a in apps) or 'none'}.",
        )
    if not apps:
        raise UsageError("The sandbox scenario has no app", hint="Add an app to one of its tenants.")
    return scenario, app


@dataclass
class SandboxSession:
    """A running sandbox tenant, through its typed public handle."""

    sandbox: SandboxHandle

    @property
    def ca_file(self) -> str:
        return self.sandbox.ca_file

    def app_profile(self, name: str) -> tuple[Profile, Secret | None]:
        """A profile (and the secret, if the app has one) for one of the sandbox's apps."""
        from wizard.live.sandbox_profile import sandbox_app_profile

        return sandbox_app_profile(self.sandbox, name)

    def registration(self, client_id: str) -> Registration | None:
        """The app's registration as the sandbox's admin sees it (None for an app it does not know)."""
        from wizard.live.sandbox_profile import sandbox_registration

        return sandbox_registration(self.sandbox, client_id)

    def grant_consent(self, client_id: str) -> None:
        """The admin approves the app's application permissions, as the consent page would."""
        self.sandbox.grant_consent(client_id)

    def upload_certificate(self, client_id: str, path: str) -> None:
        """The admin uploads the public certificate to the app registration, as the portal would."""
        self.sandbox.upload_certificate(client_id, Path(path).expanduser().read_bytes())

    def stop(self) -> None:
        self.sandbox.stop()


def start_sandbox(scenario: str | None = None) -> SandboxSession:
    """Start the in-process sandbox tenant (blocking: call from a thread worker)."""
    from wizard.sandbox import open_sandbox

    return SandboxSession(open_sandbox(scenario))


# --- permissions ---------------------------------------------------------------------------------------


#: The app roles one API call needs: any one of `roles` is enough, least privileged first.
RoleNeed = Need


def required_roles(profile: Profile) -> list[RoleNeed]:
    """What the chosen API call needs, from the profile (own API) or the diagnosis package's Graph table."""
    return needs_for(profile)


def read_grants(
    profile: Profile,
    *,
    secret: Secret | None,
    graph_url: str,
    ca_file: str | None,
    timeout: float,
    admin: tuple[Any, str, str | None] | None = None,
) -> GrantReport:
    """What the app already holds on the profile's resource, against what the call needs (blocking).

    `admin` is the signed-in admin's (token, Graph URL, CA file) on the admin path; else the app's own
    credential reads (wizard.live.granted).
    """
    from wizard.live.granted import AdminGraph, granted_report

    return granted_report(
        profile,
        secret=secret,
        needs=tuple(needs_for(profile)),
        graph_url=graph_url,
        timeout=timeout,
        ca_file=ca_file,
        admin=AdminGraph(*admin) if admin else None,
    )


# --- token test and diagnosis --------------------------------------------------------------------------


@dataclass(frozen=True)
class TraceStep:
    """One HTTP exchange of the token test, already redacted by the live package."""

    step: str
    method: str
    url: str
    status: int | None
    duration_ms: float
    error: str | None = None


@dataclass(frozen=True)
class ClaimView:
    name: str
    value: str
    meaning: str


@dataclass(frozen=True)
class DoctorView:
    """The token test's outcome as the diagnosis screen shows it."""

    verdict: str
    findings: tuple[Finding, ...] = ()
    claims: tuple[ClaimView, ...] = ()
    token_summary: str = ""
    api_result: str = ""
    trace: tuple[TraceStep, ...] = field(default_factory=tuple)
    #: The Entra error code (digits, without "AADSTS") and the correlation id of the refusal, when any.
    aadsts: str | None = None
    correlation_id: str | None = None
    #: The federated kind: each credential's iss, sub and aud against the presented token's.
    fic_diff: tuple[ClaimRow, ...] = ()
    #: Each step of the run (checks, discovery, token, decode, API call) as it ended, with its duration.
    steps: tuple[StepProgress, ...] = ()

    @property
    def ok(self) -> bool:
        return self.verdict == "ok"


def _trace_step(event: Any) -> TraceStep:
    """An Exchange (request and answer) or a Note (a step without HTTP) of the live trace."""
    if not hasattr(event, "method"):
        return TraceStep(
            step=str(event.step), method="", url=str(event.message), status=None, duration_ms=0.0
        )
    return TraceStep(
        step=str(event.step),
        method=str(event.method),
        url=str(event.url),
        status=event.status,
        duration_ms=float(event.duration_ms),
        error=event.error,
    )


def _claims(claims: Any) -> tuple[ClaimView, ...]:
    """Every claim with its meaning, from the diagnosis package's token decoder."""
    if not isinstance(claims, dict) or not claims:
        return ()
    from wizard.tokens.decode import DecodedToken
    from wizard.tokens.report import build_report

    explained = build_report(DecodedToken(header={}, claims=claims, signature_present=True))
    return tuple(ClaimView(c.name, c.value, c.meaning) for c in explained.claim_lines)


def _token_summary(token: dict[str, Any] | None) -> str:
    if not token:
        return ""
    kind = "app-only" if token.get("app_only") else "NOT app-only"
    roles = ", ".join(token.get("roles") or []) or "no roles"
    return f"{kind} token for {token.get('aud', '?')}; roles: {roles}; expires in {token.get('expires_in', '?')} s"


def run_doctor(
    profile: Profile,
    *,
    secret: Secret | None,
    ca_file: str | None = None,
    on_step: Callable[[TraceStep], None] | None = None,
    cancel: threading.Event | None = None,
    registration: Registration | None = None,
    timeout: float = 30.0,
    use_env_proxies: bool = True,
    proxy: str | None = None,
    on_progress: Callable[[StepProgress], None] | None = None,
) -> DoctorView:
    """Validate, get a token, decode it, call the API and diagnose (blocking: call from a thread worker).

    `on_step` is told each HTTP exchange, `on_progress` each step's state as it changes (both from the
    run's threads). `registration`: the app's registration as the sandbox's admin sees it, when the
    sandbox is in use."""
    from wizard.live.doctor import DoctorOptions
    from wizard.live.doctor import run_doctor as live_doctor
    from wizard.live.trace import Trace

    trace = Trace()
    if on_step is not None:
        trace.subscribe(lambda event: on_step(_trace_step(event)))
    report = live_doctor(
        profile,
        secret=secret,
        ca_file=ca_file,
        options=DoctorOptions(timeout=timeout),
        use_env_proxies=use_env_proxies,
        proxy=proxy,
        trace=trace,
        cancel=cancel,
        registration=registration,
        on_progress=on_progress,
    )
    api = "\n".join(f"{a.method} {a.url} -> {a.status} {a.summary}".rstrip() for a in report.api)
    return DoctorView(
        verdict=str(report.verdict),
        findings=tuple(report.findings),
        claims=_claims(report.evidence.token_claims),
        token_summary=_token_summary(report.token),
        api_result=api,
        trace=tuple(_trace_step(e) for e in trace.events),
        aadsts=report.error.aadsts if report.error is not None else None,
        correlation_id=report.error.correlation_id if report.error is not None else None,
        fic_diff=fic_diff_rows(report.evidence),
        steps=report.steps,
    )


def fic_diff_rows(evidence: Any) -> tuple[ClaimRow, ...]:
    from wizard.federated.claim_table import claim_rows, diff_from_evidence

    result = diff_from_evidence(evidence.client_assertion, evidence.app_registration)
    return tuple(claim_rows(result)) if result is not None and not result.matched else ()


# --- export and import ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class FormatChoice:
    name: str
    title: str


def export_formats(profile: Profile) -> list[FormatChoice]:
    """The config formats that fit this profile (credential kind, tenant type, API)."""
    from wizard.configs import FORMATS

    return [FormatChoice(f.name, f.title) for f in FORMATS.values() if not f.mismatch(profile)]


#: The CLI's words in the core's hints and warnings, and what the export step offers instead.
_TUI_WORDS = (
    ("Pass --force to replace it (a backup is kept).", 'Tick "Replace existing files" (a backup is kept).'),
    ("Pick another --format.", "Choose another format."),
    (
        "Pass --secret-stdin, --secret-file or DAEMON_WIZARD_CLIENT_SECRET, or put the secret in by hand.",
        "Paste it on the Credential step (Back), or put it in the file by hand.",
    ),
)


def tui_words(text: str) -> str:
    """A core message as the export step says it: the fix the screen offers, never a CLI flag."""
    for cli, tui in _TUI_WORDS:
        text = text.replace(cli, tui)
    return text


def is_sandbox_profile(profile: Profile) -> bool:
    """A profile whose authority is on loopback: the sandbox's, on a port that lives only while it runs."""
    from urllib.parse import urlsplit

    from wizard.configs.common import LOOPBACK_HOSTS

    host = urlsplit(profile.authority_override or "").hostname or ""
    return host in LOOPBACK_HOSTS


@dataclass(frozen=True)
class PlannedFile:
    """One file an export would write, and what happens to the file already there."""

    path: Path
    fate: (
        str  # "created", "replaced" (the old one kept as a backup) or "refused" (exists, Replace not ticked)
    )

    @property
    def line(self) -> str:
        return {
            "created": f"{self.path}: created",
            "replaced": f"{self.path}: replaced, the old file kept as {self.path.name}.bak",
            "refused": f'{self.path}: exists, refused (tick "Replace existing files" to replace it)',
        }[self.fate]


@dataclass(frozen=True)
class ExportPlan:
    """One format's files with their fates, its masked diff, warnings and next steps."""

    format: str
    files: tuple[PlannedFile, ...]
    diff: str
    warnings: tuple[str, ...]
    next_steps: tuple[str, ...] = ()

    @property
    def refused(self) -> tuple[PlannedFile, ...]:
        return tuple(f for f in self.files if f.fate == "refused")


def _target(out_dir: Path, fmt: str) -> Path:
    from wizard.configs import get_format

    return out_dir / fmt / get_format(fmt).filename


def plan_export(
    profile: Profile,
    fmt: str,
    *,
    secret: Secret | None,
    passphrase: Secret | None = None,
    out_dir: Path,
    force: bool,
) -> ExportPlan:
    """A dry run of one format into `out_dir/<format>/` (as `export --format all` lays it out): nothing written."""
    from wizard.configs import export_config, get_format
    from wizard.configs.common import RenderContext

    target = _target(out_dir, fmt)
    result = export_config(
        profile, fmt, secret=secret, passphrase=passphrase, out=target, force=force, dry_run=True
    )
    rendering = get_format(fmt).render(profile, secret, RenderContext(target=target, passphrase=passphrase))
    files = tuple(
        PlannedFile(path, "created" if not path.exists() else "replaced" if force else "refused")
        for path in (target, *(e.path for e in rendering.extra))
    )
    warnings = tuple(tui_words(w) for w in result.warnings if not w.startswith("would also write "))
    return ExportPlan(fmt, files, result.diff or "", warnings, tuple(result.next_steps))


@dataclass(frozen=True)
class ExportOutcome:
    """What a write did: every file written (with its mode and backup), and the error that stopped it."""

    written: tuple[str, ...]
    next_steps: tuple[str, ...]
    error: str | None = None


def write_exports(
    profile: Profile,
    formats: list[str],
    *,
    secret: Secret | None,
    passphrase: Secret | None = None,
    out_dir: Path,
    force: bool,
) -> ExportOutcome:
    """Write every format, or none when any file would be refused; a failure midway lists what was written."""
    from wizard.configs import export_config
    from wizard.errors import FileExistsRefusal, WizardError

    plans = [
        plan_export(profile, f, secret=secret, passphrase=passphrase, out_dir=out_dir, force=force)
        for f in formats
    ]
    refused = [f for plan in plans for f in plan.refused]
    if refused:
        raise FileExistsRefusal(
            ", ".join(str(f.path) for f in refused),
            hint='Nothing was written. Tick "Replace existing files" (a backup is kept), or choose another folder.',
        )
    written: list[str] = []
    steps: list[str] = []
    for plan in plans:
        try:
            result = export_config(
                profile,
                plan.format,
                secret=secret,
                passphrase=passphrase,
                out=_target(out_dir, plan.format),
                force=force,
                dry_run=False,
            )
        except (WizardError, OSError) as exc:
            reason = f"{exc.title}. {tui_words(exc.hint or '')}" if isinstance(exc, WizardError) else str(exc)
            return ExportOutcome(tuple(written), tuple(steps), f"{plan.format} failed: {reason}".strip())
        for w in result.written:
            backup = f", the old file kept as {w.backup}" if w.backup else ""
            written.append(f"{w.path}  mode {oct(w.mode)[2:]}{backup}")
        steps += [f"{plan.format}: {n}" for n in result.next_steps]
    return ExportOutcome(tuple(written), tuple(steps))


@dataclass(frozen=True)
class ImportView:
    profile: Profile
    secret: Secret | None
    notes: tuple[str, ...]
    #: The format the file was read as (python-secret, dotnet-daemon, …) and its path.
    format: str = ""
    path: str = ""


def import_config(path: str) -> ImportView:
    """Read any supported config file; the notes list placeholders, missing and malformed keys."""
    from wizard.configs import import_config as core_import

    report = core_import(Path(path).expanduser())
    notes = [f"{key} is a placeholder ({value})" for key, value in report.placeholders]
    notes += [f"{key} is missing" for key in report.missing]
    notes += [f"{key}: {problem}" for key, problem in report.malformed]
    notes += list(report.warnings)
    return ImportView(report.profile, report.secret, tuple(notes), report.format, str(report.path or path))
