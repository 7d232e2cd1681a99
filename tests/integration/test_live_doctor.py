"""doctor end to end: each sandbox scenario, each injected fault, and the network failures, within a bound."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable

import pytest
from fake_clock import FakeClock

from wizard.exitcodes import ExitCode
from wizard.live.doctor import DoctorOptions, DoctorReport, run_doctor
from wizard.live.sandbox_profile import sandbox_app_profile, sandbox_registration
from wizard.profile import Profile
from wizard.sandbox import Sandbox
from wizard.secret import Secret

BOUND = 6.0
# doctor reports within BOUND + 1 s of its bound starting (its own duration_s; the libraries are imported
# before it); the rest of the slack is for the report itself on a loaded 2-core machine.
SLACK = 3.0


def _doctor(
    sb: Sandbox,
    app: str = "graph-daemon",
    *,
    ca: bool = True,
    profile: Profile | None = None,
    clock: FakeClock | None = None,
    bound: float = BOUND,
    admin_view: bool = True,
    **opts: object,
) -> DoctorReport:
    """Doctor as `doctor --sandbox` runs it: with the registration the sandbox's admin sees, unless told."""
    base, secret = sandbox_app_profile(sb, app)
    report = run_doctor(
        profile or base,
        secret=secret,
        ca_file=sb.ca_file if ca else None,
        options=DoctorOptions(timeout=bound, **opts),  # type: ignore[arg-type]
        use_env_proxies=False,
        registration=sandbox_registration(sb, base.client_id) if admin_view else None,
        **({"clock": clock} if clock is not None else {}),
    )
    assert report.duration_s < bound + SLACK, f"doctor overran its time bound: {report.duration_s:.1f} s"
    return report


def _codes(report: DoctorReport) -> list[str]:
    return report.codes


@pytest.mark.parametrize(
    ("app", "verdict", "first"),
    [
        ("graph-daemon", "ok", "ok"),
        ("cert-daemon", "ok", "ok"),
        ("both-daemon", "ok", "ok"),
        ("todo-daemon", "ok", "ok"),
        ("ext-todo-daemon", "ok", "ok"),
        ("ext-graph-daemon", "ok", "ok"),
        ("unconsented-daemon", "fail", "roles-missing"),
        ("delegated-daemon", "fail", "permission-delegated"),
        ("expired-secret-daemon", "fail", "secret-expired"),
        ("disabled-daemon", "fail", "app-disabled"),
        ("no-sp-daemon", "fail", "service-principal-missing"),
        ("unassigned-daemon", "fail", "assignment-required"),
        ("todo-reader-daemon", "ok", "ok"),
    ],
)
def test_scenarios(sandbox: Sandbox, app: str, verdict: str, first: str) -> None:
    report = _doctor(sandbox, app)
    assert report.verdict == verdict, report.to_dict()
    assert _codes(report)[0] == first
    assert report.exit_code == (ExitCode.OK if verdict == "ok" else ExitCode.FAILURE)


def test_delegated_permission_is_named_first_when_the_registration_is_readable(
    make_sandbox: Callable[..., Sandbox],
) -> None:
    """The delegated-daemon loop: consent granted, same finding. The registration tells why: Delegated only."""
    sb = make_sandbox()
    report = _doctor(sb, "delegated-daemon")
    assert report.codes[0] == "permission-delegated"
    assert "Application permission" in report.findings[0].fix
    sb.state.grant_consent(sb.app("delegated-daemon").client_id)
    again = _doctor(sb, "delegated-daemon")
    assert again.codes[0] == "permission-delegated", "consent cannot help a Delegated-only permission"


def test_without_the_registration_the_token_alone_says_roles_missing(sandbox: Sandbox) -> None:
    report = _doctor(sandbox, "delegated-daemon", admin_view=False)
    assert report.codes[0] == "roles-missing"
    assert report.registration is None


def test_unconsented_app_gets_403_from_graph(sandbox: Sandbox) -> None:
    report = _doctor(sandbox, "unconsented-daemon")
    assert [a.status for a in report.api] == [403]
    assert report.evidence.api is not None and report.evidence.api.status == 403
    assert report.token is not None
    assert report.token["roles"] == []


def test_graph_daemon_reads_its_own_registration(sandbox: Sandbox) -> None:
    report = _doctor(sandbox, "graph-daemon")
    assert report.registration is not None
    evidence = report.registration.to_evidence()
    assert evidence["requiredResourceAccess"]
    assert all(c.get("endDateTime") for c in evidence["passwordCredentials"])
    assert report.evidence.app_registration is not None


def test_todo_crud_sequence(sandbox: Sandbox) -> None:
    report = _doctor(sandbox, "todo-daemon", crud=True)
    assert [a.method for a in report.api] == [
        "POST",
        "GET",
        "POST",
        "GET",
        "DELETE",
        "GET",
        "PUT",
        "GET",
        "DELETE",
        "GET",
    ]
    assert all(a.ok for a in report.api)
    assert report.verdict == "ok"


def test_todo_reader_cannot_write(sandbox: Sandbox) -> None:
    report = _doctor(sandbox, "todo-reader-daemon", crud=True)
    assert report.verdict == "fail"
    assert report.api[0].method == "POST"
    assert report.api[0].status == 403


def test_me_with_an_app_token(sandbox: Sandbox) -> None:
    report = _doctor(sandbox, path="me")
    assert _codes(report)[0] == "me-endpoint-app-token"


def test_azure_identity_doctor(sandbox: Sandbox) -> None:
    assert _doctor(sandbox, via="azure-identity").verdict == "ok"


def test_secret_expired_at_runtime(make_sandbox: Callable[..., Sandbox]) -> None:
    sb = make_sandbox()
    sb.state.expire_secret(sb.app("graph-daemon").client_id)
    assert _codes(_doctor(sb))[0] == "secret-expired"


# (kind, inject kwargs, finding, the retry waits asked for). The waits go through a FakeClock: recorded, not
# slept, and counted by the deadline as time gone by. Retry-After is capped at 5 s, two retries at most; 500
# is not retryable. A delay or a hang is a real socket timeout (the read timeout, BOUND / 3).
FAULTS = [
    ("delay", {"delay": BOUND + 5}, "network-timeout", []),
    ("hang", {}, "network-timeout", []),
    ("429", {"retry_after": 1}, "service-unavailable", [1.0, 1.0]),
    ("503", {"retry_after": 3600}, "service-unavailable", [5.0, 5.0]),
    ("500", {}, "service-unavailable", []),
    ("malformed_json", {}, "network-bad-answer", []),
    ("drop", {}, "network-connect", []),
]


@pytest.mark.parametrize("endpoint", ["discovery", "token", "graph"])
@pytest.mark.parametrize(("kind", "kw", "code", "waits"), FAULTS, ids=[f[0] for f in FAULTS])
def test_faults(
    sandbox: Sandbox, endpoint: str, kind: str, kw: dict[str, float], code: str, waits: list[float]
) -> None:
    sandbox.faults.inject(endpoint, kind, **kw)  # type: ignore[arg-type]
    clock = FakeClock()
    # The retry cases get a budget their (fake) waits fit in, so every allowed retry happens.
    report = _doctor(sandbox, clock=clock, bound=BOUND + sum(waits))
    assert report.verdict == "fail"
    assert _codes(report) == [code]
    assert report.exit_code == ExitCode.NETWORK
    assert report.error is not None
    assert report.error.hint
    assert clock.sleeps == waits
    step = {"discovery": "discovery", "token": "token", "graph": "api"}[endpoint]
    if waits:
        attempts = [e.attempt for e in report.trace.exchanges if e.step == step]
        assert attempts == [1, 2, 3], "one try and two retries"


def test_retry_wait_that_would_pass_the_deadline_is_not_taken(sandbox: Sandbox) -> None:
    sandbox.faults.inject("token", "503", retry_after=3600)
    clock = FakeClock()
    report = _doctor(sandbox, clock=clock, bound=8.0)
    assert _codes(report) == ["service-unavailable"]
    assert clock.sleeps == [5.0], "a second 5 s wait does not fit the 3 s left"


def test_todo_fault(sandbox: Sandbox) -> None:
    sandbox.faults.inject("todo", "503", retry_after=1)
    clock = FakeClock()
    report = _doctor(sandbox, "todo-daemon", clock=clock)
    assert _codes(report) == ["service-unavailable"]
    assert clock.sleeps == [1.0, 1.0]


def test_retry_after_is_honoured_once_then_success(sandbox: Sandbox) -> None:
    sandbox.faults.inject("token", "429", retry_after=1, times=1)
    clock = FakeClock()
    report = _doctor(sandbox, clock=clock)
    assert report.verdict == "ok"
    tokens = [e for e in report.trace.exchanges if e.step == "token"]
    assert [e.status for e in tokens] == [429, 200]
    assert clock.sleeps == [1.0]


def test_unreachable_port(sandbox: Sandbox) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    profile, _ = sandbox_app_profile(sandbox, "graph-daemon")
    report = _doctor(
        sandbox, profile=profile.with_(authority_override=f"https://127.0.0.1:{port}/{profile.tenant}")
    )
    assert _codes(report) == ["network-connect"]
    assert "refused" in report.findings[0].title
    assert report.exit_code == ExitCode.NETWORK


def test_untrusted_tls_without_ca(sandbox: Sandbox) -> None:
    report = _doctor(sandbox, ca=False)
    assert _codes(report) == ["network-tls"]
    assert "--ca-file" in report.findings[0].fix


def test_dns_failure(sandbox: Sandbox) -> None:
    profile, _ = sandbox_app_profile(sandbox, "graph-daemon")
    report = _doctor(
        sandbox, profile=profile.with_(authority_override=f"https://login.wizard.invalid/{profile.tenant}")
    )
    # The cause first; the unknown host is a fair second hint (it is not an Entra instance either).
    assert _codes(report)[0] == "network-dns"
    assert set(_codes(report)) <= {"network-dns", "authority-unknown-host"}


def test_wrong_secret_diagnosed(sandbox: Sandbox) -> None:
    profile, _ = sandbox_app_profile(sandbox, "graph-daemon")
    report = run_doctor(
        profile,
        secret=Secret("a-wrong-secret-value-123456"),
        ca_file=sandbox.ca_file,
        options=DoctorOptions(timeout=BOUND),
        use_env_proxies=False,
    )
    assert _codes(report)[0] == "secret-invalid"
    assert report.exit_code == ExitCode.FAILURE


def test_invalid_profile_stops_before_the_network(sandbox: Sandbox) -> None:
    profile, secret = sandbox_app_profile(sandbox, "graph-daemon")
    report = run_doctor(profile.with_(client_id="<your-client-id>"), secret=secret, ca_file=sandbox.ca_file)
    assert report.verdict == "fail"
    assert report.trace.exchanges == []
    assert report.findings


def test_cancel_ends_a_hanging_run(sandbox: Sandbox) -> None:
    import threading

    sandbox.faults.inject("token", "hang")
    cancel = threading.Event()
    threading.Timer(0.5, cancel.set).start()
    profile, secret = sandbox_app_profile(sandbox, "graph-daemon")
    start = time.monotonic()
    report = run_doctor(
        profile, secret=secret, ca_file=sandbox.ca_file, options=DoctorOptions(timeout=30), cancel=cancel
    )
    # The hang would end at the read timeout (10 s of a 30 s bound); a cancel ends it well before.
    assert time.monotonic() - start < 8
    assert report.error is not None
    assert report.error.title == "Cancelled"
    assert report.verdict == "fail"
