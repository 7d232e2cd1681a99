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

from wizard.profile import ApiKind, Profile
from wizard.secret import Secret

if TYPE_CHECKING:
    from wizard.diagnosis.model import Finding
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
    """A sandbox app the start screen offers."""

    name: str
    label: str


SANDBOX_APPS: tuple[SandboxApp, ...] = (
    SandboxApp("graph-daemon", "Workforce daemon with a secret, consented"),
    SandboxApp("cert-daemon", "Workforce daemon with a certificate"),
    SandboxApp("unconsented-daemon", "Workforce daemon, admin consent missing"),
    SandboxApp("todo-daemon", "Daemon calling the ToDo API (own API)"),
    SandboxApp("delegated-daemon", "Daemon given a delegated permission"),
    SandboxApp("ext-graph-daemon", "External ID tenant daemon"),
)


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


@dataclass(frozen=True)
class RoleNeed:
    """The app roles one API call needs: any one of `roles` is enough, least privileged first."""

    call: str
    roles: tuple[str, ...]


def required_roles(profile: Profile) -> list[RoleNeed]:
    """What the chosen API call needs, from the profile (own API) or the diagnosis package's Graph table."""
    api = profile.api
    call = f"GET {api.relative_path or '/users'}"
    if api.kind is ApiKind.OWN:
        return [RoleNeed(call, api.required_roles)] if api.required_roles else []
    from wizard.diagnosis.graph_permissions import permissions_for

    roles = permissions_for("GET", api.relative_path or "/users")
    return [RoleNeed(call, roles)] if roles else []


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
) -> DoctorView:
    """Validate, get a token, decode it, call the API and diagnose (blocking: call from a thread worker).

    `registration`: the app's registration as the sandbox's admin sees it, when the sandbox is in use."""
    from wizard.live.doctor import run_doctor as live_doctor
    from wizard.live.trace import Trace

    trace = Trace()
    if on_step is not None:
        trace.subscribe(lambda event: on_step(_trace_step(event)))
    report = live_doctor(
        profile, secret=secret, ca_file=ca_file, trace=trace, cancel=cancel, registration=registration
    )
    api = "\n".join(f"{a.method} {a.url} -> {a.status} {a.summary}".rstrip() for a in report.api)
    return DoctorView(
        verdict=str(report.verdict),
        findings=tuple(report.findings),
        claims=_claims(report.evidence.token_claims),
        token_summary=_token_summary(report.token),
        api_result=api,
        trace=tuple(_trace_step(e) for e in trace.events),
    )


# --- export and import ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class FormatChoice:
    name: str
    title: str


def export_formats(profile: Profile) -> list[FormatChoice]:
    """The config formats that fit this profile (credential kind, tenant type, API)."""
    from wizard.configs import FORMATS

    return [FormatChoice(f.name, f.title) for f in FORMATS.values() if not f.mismatch(profile)]


@dataclass(frozen=True)
class ExportView:
    format: str
    files: tuple[str, ...]
    diff: str
    warnings: tuple[str, ...]
    next_steps: tuple[str, ...] = ()


def export(
    profile: Profile,
    fmt: str,
    *,
    secret: Secret | None,
    passphrase: Secret | None = None,
    out_dir: Path,
    force: bool,
    dry_run: bool,
) -> ExportView:
    """Write (or preview) one format into `out_dir/<format>/`, as `export --format all` lays it out."""
    from wizard.configs import export_config, get_format

    target = out_dir / fmt / get_format(fmt).filename
    result = export_config(
        profile, fmt, secret=secret, passphrase=passphrase, out=target, force=force, dry_run=dry_run
    )
    if dry_run:
        files: tuple[str, ...] = (f"{result.path} (would be written)",)
    else:
        files = tuple(f"{w.path}  mode {oct(w.mode)[2:]}" for w in result.written)
    return ExportView(fmt, files, result.diff or "", tuple(result.warnings), tuple(result.next_steps))


@dataclass(frozen=True)
class ImportView:
    profile: Profile
    secret: Secret | None
    notes: tuple[str, ...]


def import_config(path: str) -> ImportView:
    """Read any supported config file; the notes list placeholders, missing and malformed keys."""
    from wizard.configs import import_config as core_import

    report = core_import(Path(path).expanduser())
    notes = [f"{key} is a placeholder ({value})" for key, value in report.placeholders]
    notes += [f"{key} is missing" for key in report.missing]
    notes += [f"{key}: {problem}" for key, problem in report.malformed]
    notes += list(report.warnings)
    return ImportView(report.profile, report.secret, tuple(notes))
