"""`doctor`: validate, token, decode, API call, diagnose; one verdict, always within a time bound."""

from __future__ import annotations

import importlib
import threading
import time
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal

from wizard.diagnosis.evidence import ConfigEvidence, Evidence
from wizard.diagnosis.model import Finding
from wizard.errors import (
    NetworkError,
    TimeoutError_,
    TokenError,
    WizardError,
)
from wizard.exitcodes import ExitCode
from wizard.live.http import SYSTEM_CLOCK, Clock, HttpSettings
from wizard.live.progress import Progress, ProgressObserver, StepProgress, plan
from wizard.live.results import ApiResult, Registration, TokenResult
from wizard.live.summary import decode_claims, summarize_token
from wizard.live.trace import Trace
from wizard.profile import ApiKind, CredentialKind, Profile
from wizard.secret import Secret

if TYPE_CHECKING:
    from wizard.validation import Problem

Via = Literal["msal", "azure-identity"]


@dataclass(frozen=True)
class DoctorOptions:
    """What to run: which library acquires, which call probes, and the time bound."""

    via: Via = "msal"
    thumbprint: Literal["sha256", "sha1"] = "sha256"
    path: str | None = None
    crud: bool = False
    timeout: float = 30.0
    #: Graph through msgraph-sdk's typed GraphServiceClient (`probe --via msgraph-sdk`); else the
    #: sample's plain read, which needs none of msgraph-sdk's ~1,250 generated model modules.
    typed_graph: bool = False
    #: The federated kind: check the external token's issuer as Entra will (discovery, keys, RS256, kid)
    #: before the token request, and stop there when it fails.
    check_issuer: bool = True


@dataclass
class DoctorReport:
    """The one verdict, its findings (typed, most likely first), and everything observed on the way."""

    verdict: str
    findings: list[Finding]
    evidence: Evidence
    trace: Trace
    token: dict[str, Any] | None = None
    api: list[ApiResult] = field(default_factory=list)
    registration: Registration | None = None
    error: WizardError | None = None
    problems: list[Problem] = field(default_factory=list)
    duration_s: float = 0.0
    #: Each step's final state and duration (wizard.live.progress), in order.
    steps: tuple[StepProgress, ...] = ()

    @property
    def exit_code(self) -> ExitCode:
        if self.verdict == "ok":
            return ExitCode.OK
        if isinstance(self.error, NetworkError):
            return ExitCode.NETWORK
        return ExitCode.FAILURE

    @property
    def codes(self) -> list[str]:
        return [f.code for f in self.findings]

    def to_dict(self, *, verbose: bool = False) -> dict[str, Any]:
        """The public JSON of `doctor --json` (cli.md); the one place findings become dicts."""
        from wizard.diagnosis.texts import problem_dict

        data: dict[str, Any] = {
            "verdict": self.verdict,
            "findings": [f.to_dict() for f in self.findings],
            "exit_code": int(self.exit_code),
            "problems": [problem_dict(p) for p in self.problems],
            "token": self.token,
            "api": [a.to_dict() for a in self.api],
            "registration": self.registration.to_dict() if self.registration else None,
            "error": self.error.to_dict() if self.error else None,
            "duration_s": round(self.duration_s, 2),
        }
        if verbose:
            data["trace"] = self.trace.to_list()
            # What the engine saw, ready for `daemon-wizard explain -`; the token itself stays out.
            data["evidence"] = self.evidence.to_dict(with_token=False)
        return data


def _config_evidence(profile: Profile) -> ConfigEvidence:
    try:
        scopes = (profile.scope,)
    except WizardError:
        scopes = (profile.resource,)
    return ConfigEvidence(
        tenant_type=profile.tenant_type.value,
        authority=profile.authority,
        tenant=profile.tenant or None,
        client_id=profile.client_id or None,
        credential_type=profile.credential.value,
        scopes=tuple(s for s in scopes if s),
        api_url=profile.api_base_url or None,
        resource=profile.resource or None,
    )


def _acquire(
    profile: Profile, secret: Secret | None, settings: HttpSettings, trace: Trace, opts: DoctorOptions
) -> TokenResult:
    if opts.via == "azure-identity":
        from wizard.live.azid_token import acquire_token_azure_identity

        return acquire_token_azure_identity(profile, secret=secret, settings=settings, trace=trace)
    from wizard.live.msal_token import acquire_token

    return acquire_token(profile, secret=secret, settings=settings, trace=trace, thumbprint=opts.thumbprint)


def _probe(
    profile: Profile, token: TokenResult, settings: HttpSettings, trace: Trace, opts: DoctorOptions
) -> tuple[list[ApiResult], Registration | None]:
    if profile.api.kind is ApiKind.GRAPH:
        from wizard.live.graph_probe import probe_graph

        result, registration = probe_graph(
            profile, token, settings=settings, path=opts.path, trace=trace, typed=opts.typed_graph
        )
        return [result], registration
    from wizard.live.api_probe import crud_sequence, probe_api

    if opts.crud:
        return crud_sequence(profile, token, settings=settings, trace=trace), None
    return [probe_api(profile, token, settings=settings, path=opts.path, trace=trace)], None


def _run(
    report: DoctorReport,
    profile: Profile,
    secret: Secret | None,
    settings: HttpSettings,
    opts: DoctorOptions,
    known: Registration | None,
    progress: Progress,
) -> None:
    from wizard.diagnosis.texts import problem_finding
    from wizard.validation import validate_profile

    trace = report.trace
    progress.start("checks")
    problems = validate_profile(profile, secret=secret)
    report.problems = problems
    blocking = [p for p in problems if p.severity == "error"]
    if blocking:
        report.findings = [problem_finding(p) for p in blocking]
        many = f"{len(blocking)} problems" if len(blocking) > 1 else blocking[0].message
        progress.finish("checks", ok=False, detail=many)
        return
    progress.finish("checks")
    if known is not None:
        # The registration as an admin sees it: tells Delegated from Application even when the token cannot.
        report.registration = known
        report.evidence = replace(report.evidence, app_registration=known.to_evidence())
    if profile.credential is CredentialKind.FEDERATED:
        from wizard.live.federated_token import presented_claims

        # The external token's claims (not its signature): the diagnosis diffs them against the app's FICs.
        progress.start("issuer")
        presented = presented_claims(profile, check_issuer=(settings, trace) if opts.check_issuer else None)
        report.evidence = replace(report.evidence, client_assertion=presented)
        check = (presented or {}).get("issuer_check") or {}
        if check.get("result") not in (None, "ok"):
            step: dict[str, Any] = next((c for c in check.get("checks", []) if not c.get("ok")), {})
            report.error = TokenError(
                "The external token fails the issuer checks Entra makes (no token requested)",
                hint=str(step.get("detail") or check.get("result")),
            )
            progress.finish("issuer", ok=False, detail=str(check.get("result")))
            return
        progress.finish("issuer")
    # msal and azure-identity discover the authority first; the trace's send hook moves on to the token.
    progress.start("discovery")
    try:
        token = _acquire(profile, secret, settings, trace, opts)
    except TokenError as exc:
        exchange = trace.last("token") or trace.last("discovery")
        status = exchange.status if exchange is not None and exchange.status else None
        report.evidence = replace(report.evidence, token_error=exc.body or exc.title, token_status=status)
        report.error = exc
        return
    progress.finish("token")
    progress.start("decode")
    claims = decode_claims(token.access_token.reveal())
    report.evidence = replace(report.evidence, access_token=token.access_token.reveal(), token_claims=claims)
    report.token = summarize_token(token)
    progress.finish("decode", ok=bool(claims), detail="" if claims else "not a JWT the wizard can read")
    progress.start("api")
    results, registration = _probe(profile, token, settings, trace, opts)
    report.api = results
    if results:
        failed = next((r for r in results if not r.ok), results[-1])
        report.evidence = replace(report.evidence, api=failed.to_evidence())
        refused = None if failed.ok else f"{failed.status} from {failed.method} {failed.url}"
        progress.finish("api", ok=refused is None, detail=refused or "")
    if registration is not None:
        report.registration = registration
        report.evidence = replace(report.evidence, app_registration=registration.to_evidence())


def run_doctor(
    profile: Profile,
    *,
    secret: Secret | None,
    ca_file: str | None = None,
    options: DoctorOptions | None = None,
    use_env_proxies: bool = True,
    proxy: str | None = None,
    trace: Trace | None = None,
    cancel: threading.Event | None = None,
    registration: Registration | None = None,
    clock: Clock = SYSTEM_CLOCK,
    connect_to: str | None = None,
    on_progress: ProgressObserver | None = None,
) -> DoctorReport:
    """Run every step in a worker thread; return a report within `options.timeout` (plus a second).

    `registration` is the app's registration as read elsewhere (the sandbox's admin view, a signed-in admin):
    the probe reads it too when the token may, and the one it reads wins. `clock` is what the time bound and
    the retry waits go by (tests pass one that records the waits). `connect_to` (sandbox mode) is where
    Microsoft service host names are connected (wizard.service_hosts). `proxy`: one proxy URL for every request,
    in place of the environment's. `on_progress` is told each step's
    state as it changes (from the run's threads), the pending list first.
    """
    opts = options or DoctorOptions()
    trace = trace or Trace()
    if secret:
        trace.add_secret(secret.reveal())
    _load_libraries(profile, opts)
    settings = HttpSettings.bounded(
        opts.timeout,
        ca_file=ca_file,
        use_env_proxies=use_env_proxies,
        proxy=proxy,
        clock=clock,
        connect_to=connect_to,
    )
    report = DoctorReport(
        verdict="fail",
        findings=[],
        evidence=Evidence(config=_config_evidence(profile), now=float(int(time.time())), now_given=True),
        trace=trace,
    )
    started = time.monotonic()
    box: dict[str, BaseException] = {}
    federated = profile.credential is CredentialKind.FEDERATED
    progress = Progress(plan(federated_issuer_check=federated and opts.check_issuer), on_progress)
    trace.on_send(progress.started_request)

    def work() -> None:
        try:
            _run(report, profile, secret, settings, opts, registration, progress)
        except WizardError as exc:
            report.error = exc
        except BaseException as exc:
            box["unexpected"] = exc

    worker = threading.Thread(target=work, name="daemon-wizard-doctor", daemon=True)
    worker.start()
    # The diagnosis engine (its rules and texts, ~20 ms of imports) loads while the worker waits on the
    # network; _conclude needs it anyway, and the wait hides most of its cost.
    importlib.import_module("wizard.diagnosis")
    importlib.import_module("wizard.diagnosis.texts")
    _wait(worker, settings, cancel, opts.timeout + 1.0)
    if worker.is_alive():
        settings.deadline.cancel()
        cancelled = cancel is not None and cancel.is_set()
        report.error = TimeoutError_(
            "Cancelled" if cancelled else f"doctor did not finish within {opts.timeout:.0f} s",
            hint=None if cancelled else "The service or the network is slow; retry later or raise --timeout.",
        )
        progress.close(failure="cancelled" if cancelled else f"no answer within {opts.timeout:.0f} s")
    elif "unexpected" in box:
        exc = box["unexpected"]
        report.error = WizardError(
            f"Unexpected {type(exc).__name__} while checking", hint=trace.redact(str(exc))[:300] or None
        )
    progress.close(failure=_failure(report.error))
    report.steps = progress.steps
    report.duration_s = time.monotonic() - started
    _conclude(report)
    return report


def _failure(error: WizardError | None) -> str:
    """What a step that ended with `error` shows beside its ✗ (the AADSTS code says most)."""
    if error is None:
        return ""
    if not error.aadsts:
        return error.title
    code = f"AADSTS{error.aadsts}"  # first, where a narrow row still shows it; once
    return f"{code}: " + error.title.replace(f", {code}", "").replace(f" ({code})", "")


def _load_libraries(profile: Profile, opts: DoctorOptions) -> None:
    """Import the client libraries before the time bound starts: on a cold or loaded machine msgraph-sdk
    alone takes seconds, which must not turn into a `network-timeout` finding."""
    try:
        importlib.import_module("azure.identity" if opts.via == "azure-identity" else "msal")
        if profile.api.kind is not ApiKind.GRAPH:
            importlib.import_module("httpx")  # the own-API probe's client
        elif opts.typed_graph:  # only the typed msgraph-sdk probe pays for its model graph
            from wizard.live.graph_probe import load_sdk

            load_sdk()
    except ImportError:  # the step that needs the missing piece reports it, inside the run
        return


def _wait(
    worker: threading.Thread, settings: HttpSettings, cancel: threading.Event | None, limit: float
) -> None:
    end = time.monotonic() + limit
    while worker.is_alive() and time.monotonic() < end:
        if cancel is not None and cancel.is_set():
            settings.deadline.cancel()
            worker.join(2.0)
            return
        worker.join(0.05)


def _client_error_text(error: WizardError) -> str:
    """What doctor saw, as the engine reads client errors: the error's kind, title and hint."""
    text = f"{error.kind}: {error.title}"
    return f"{text} ({error.hint})" if error.hint else text


def _conclude(report: DoctorReport) -> None:
    if report.problems and report.findings:
        return  # validation stopped the run: its problems are the findings
    from wizard.diagnosis import diagnose
    from wizard.diagnosis.texts import finding_for

    error = report.error
    if error is not None and not isinstance(error, TokenError):
        report.evidence = replace(report.evidence, client_error=_client_error_text(error))
    result = diagnose(report.evidence)
    verdict, findings = result.verdict, list(result.findings)
    if error is not None:
        verdict = "fail"
        # The engine's client-error fallback covers an error; this only guards against an empty answer.
        findings = [f for f in findings if f.code != "ok"] or [
            finding_for("client-error", explanation=f"{error.kind}: {error.title}")
        ]
    failed_api = next((a for a in report.api if not a.ok), None)
    if failed_api is not None:
        verdict = "fail"
        findings = findings or [
            finding_for(
                "api-refused",
                explanation=f"The API answered {failed_api.status} to {failed_api.method} {failed_api.url}.",
            )
        ]
    report.verdict = verdict
    report.findings = findings
