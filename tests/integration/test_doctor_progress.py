"""doctor's progress callbacks on the sandbox: each step's state as it happens, over real HTTPS."""

from __future__ import annotations

import threading

from wizard.live.doctor import DoctorOptions, DoctorReport, run_doctor
from wizard.live.progress import StepProgress, StepState
from wizard.live.sandbox_profile import sandbox_app_profile, sandbox_registration
from wizard.sandbox import Sandbox

STEPS = ["checks", "discovery", "token", "decode", "api"]


def _doctor(
    sb: Sandbox, app: str, seen: list[StepProgress], cancel: threading.Event | None = None
) -> DoctorReport:
    profile, secret = sandbox_app_profile(sb, app)
    return run_doctor(
        profile,
        secret=secret,
        ca_file=sb.ca_file,
        options=DoctorOptions(timeout=30),
        use_env_proxies=False,
        registration=sandbox_registration(sb, profile.client_id),
        cancel=cancel,
        on_progress=seen.append,
    )


def _final(report: DoctorReport) -> dict[str, tuple[StepState, str]]:
    return {s.step: (s.state, s.detail) for s in report.steps}


def test_a_passing_run_reports_each_step_running_then_done(sandbox: Sandbox) -> None:
    seen: list[StepProgress] = []
    report = _doctor(sandbox, "graph-daemon", seen)
    assert report.verdict == "ok"
    assert [s.step for s in report.steps] == STEPS
    running = [s.step for s in seen if s.state is StepState.RUNNING]
    assert running == STEPS  # each one started, in order: discovery and token told apart inside msal
    assert all(s.state is StepState.DONE and s.duration_s is not None for s in report.steps)
    assert seen[-1] == report.steps[-1]


def test_a_refused_secret_fails_the_token_step_and_skips_the_rest(sandbox: Sandbox) -> None:
    seen: list[StepProgress] = []
    report = _doctor(sandbox, "expired-secret-daemon", seen)
    steps = _final(report)
    assert steps["discovery"][0] is StepState.DONE
    assert steps["token"][0] is StepState.FAILED
    assert steps["token"][1].startswith("AADSTS7000222")
    assert steps["decode"] == steps["api"] == (StepState.SKIPPED, "not reached")


def test_a_refused_api_call_fails_the_api_step_with_the_status(sandbox: Sandbox) -> None:
    report = _doctor(sandbox, "unconsented-daemon", [])
    state, detail = _final(report)["api"]
    assert state is StepState.FAILED
    assert detail.startswith("403 from GET ")


def test_cancel_while_the_token_request_hangs_fails_that_step_as_cancelled(sandbox: Sandbox) -> None:
    sandbox.faults.inject("token", "hang")
    cancel = threading.Event()
    seen: list[StepProgress] = []

    def observe(update: StepProgress) -> None:
        seen.append(update)
        if update.step == "token" and update.state is StepState.RUNNING:
            cancel.set()  # the user presses the cancel key while the request hangs

    profile, secret = sandbox_app_profile(sandbox, "graph-daemon")
    report = run_doctor(
        profile,
        secret=secret,
        ca_file=sandbox.ca_file,
        options=DoctorOptions(timeout=30),
        use_env_proxies=False,
        cancel=cancel,
        on_progress=observe,
    )
    steps = _final(report)
    assert steps["discovery"][0] is StepState.DONE
    assert steps["token"] == (StepState.FAILED, "cancelled")
    assert steps["api"] == (StepState.SKIPPED, "not reached")
    assert report.error is not None and report.error.title == "Cancelled"
    sandbox.faults.clear()  # the hung request returns; the closed progress ignores it
    assert seen[-1].step == "api" and seen[-1].state is StepState.SKIPPED
