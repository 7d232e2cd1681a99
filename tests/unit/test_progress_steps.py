"""The steps of a live run: pending first, then running, done or failed with a duration, the rest skipped."""

from __future__ import annotations

from wizard.live.progress import Progress, StepProgress, StepState, plan
from wizard.live.trace import Trace


class Ticks:
    """A clock that moves only when told."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _run(
    steps: tuple[str, ...] = ("checks", "discovery", "token", "decode", "api"),
) -> tuple[Progress, list[StepProgress], Ticks]:
    seen: list[StepProgress] = []
    clock = Ticks()
    return Progress(steps, seen.append, clock=clock), seen, clock


def test_every_step_is_reported_pending_first_in_order() -> None:
    _, seen, _ = _run()
    assert [(s.step, s.state) for s in seen] == [
        (step, StepState.PENDING) for step in ("checks", "discovery", "token", "decode", "api")
    ]
    assert seen[2].label == "Request a token"


def test_the_plan_has_the_issuer_step_for_the_federated_kind_only() -> None:
    assert "issuer" not in plan(federated_issuer_check=False)
    assert plan(federated_issuer_check=True)[:3] == ("checks", "issuer", "discovery")


def test_a_request_of_the_next_step_ends_the_running_one_with_its_duration() -> None:
    progress, seen, clock = _run()
    trace = Trace()
    trace.on_send(progress.started_request)
    progress.start("discovery")
    clock.now += 0.25
    trace.sending("token")  # msal moves on from discovery to the token request
    changes = [(s.step, s.state, s.duration_s) for s in seen[5:]]
    assert changes == [
        ("discovery", StepState.RUNNING, None),
        ("discovery", StepState.DONE, 0.25),
        ("token", StepState.RUNNING, None),
    ]
    trace.sending("setup")  # a trace step that is no step of the run changes nothing
    assert len(seen) == 8


def test_a_failure_fails_the_running_step_and_skips_the_rest() -> None:
    progress, _, clock = _run()
    progress.finish("checks")
    progress.start("discovery")
    progress.start("token")
    clock.now += 1.5
    progress.close(failure="AADSTS7000215: wrong secret")
    states = {s.step: (s.state, s.duration_s, s.detail) for s in progress.steps}
    assert states["checks"] == (StepState.DONE, 0.0, "")
    assert states["token"] == (StepState.FAILED, 1.5, "AADSTS7000215: wrong secret")
    assert states["decode"] == (StepState.SKIPPED, None, "not reached")
    assert states["api"] == (StepState.SKIPPED, None, "not reached")


def test_a_step_that_failed_on_its_own_keeps_its_reason() -> None:
    progress, _, _ = _run()
    progress.finish("checks", ok=False, detail="2 problems")
    progress.close()
    assert [(s.state, s.detail) for s in progress.steps[:2]] == [
        (StepState.FAILED, "2 problems"),
        (StepState.SKIPPED, "not reached"),
    ]


def test_nothing_changes_once_closed() -> None:
    """A cancelled run's thread winds down after the verdict: its late calls must not rewrite the steps."""
    progress, seen, _ = _run()
    progress.start("token")
    progress.close(failure="cancelled")
    count = len(seen)
    progress.finish("token")
    progress.start("api")
    progress.started_request("api")
    assert len(seen) == count
    assert progress.steps[2].state is StepState.FAILED


def test_a_passing_run_ends_with_every_step_done() -> None:
    progress, _, _ = _run()
    for step in ("checks", "discovery", "token", "decode", "api"):
        progress.start(step)
    progress.finish("api")
    progress.close()
    assert {s.state for s in progress.steps} == {StepState.DONE}
