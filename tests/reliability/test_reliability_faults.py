"""Every sandbox fault, and unreachable/untrusted/unresolvable hosts, through the real `doctor` CLI process:
bounded time, one distinct finding, the documented exit code, no traceback; retries capped, 4xx never retried."""

from __future__ import annotations

import json
import socket

import pytest
from reliability_helpers import Done, run_cli, sandbox_flags

from wizard.sandbox import Sandbox

TIMEOUT = 4  # --timeout for every run
# doctor reports its own duration (`duration_s`, from the start of its time bound: interpreter and library
# start-up are not in it, and take tens of seconds on a loaded machine). It promises to report within
# --timeout plus a second; the rest of the slack is for the report itself on a loaded machine. A hung process
# is caught by run_cli's timeout. The retry waits are asserted in tests/integration/test_live_doctor.py
# through a fake clock; here they are real, as the process is.
SLACK = 3.0

# (endpoint, kind, inject kwargs, expected finding code)
FAULTS = [
    ("token", "delay", {"delay": 30}, "network-timeout"),
    ("token", "hang", {}, "network-timeout"),
    ("token", "429", {"retry_after": 3600}, "service-unavailable"),
    ("token", "503", {"retry_after": 1}, "service-unavailable"),
    ("token", "500", {}, "service-unavailable"),
    ("token", "malformed_json", {}, "network-bad-answer"),
    ("token", "drop", {}, "network-connect"),
    ("discovery", "malformed_json", {}, "network-bad-answer"),
    ("graph", "hang", {}, "network-timeout"),
    ("graph", "503", {"retry_after": 1}, "service-unavailable"),
    ("graph", "drop", {}, "network-connect"),
]


def _doctor(sb: Sandbox, *extra: str, secret: str | None = None, timeout: float = TIMEOUT) -> Done:
    app = sb.app("graph-daemon")
    env = {"DAEMON_WIZARD_CLIENT_SECRET": secret or app.secret or ""}
    return run_cli("doctor", "--json", "--timeout", str(timeout), *sandbox_flags(sb), *extra, env=env)


def _check(done: Done, code: str, exit_code: int = 3, timeout: float = TIMEOUT) -> dict[str, object]:
    assert "Traceback" not in done.err, done.err
    assert done.code == exit_code, (done.code, done.out, done.err)
    data = json.loads(done.out)
    assert data["duration_s"] < timeout + SLACK, f"doctor overran its bound: {data['duration_s']} s"
    assert data["verdict"] == "fail"
    assert data["exit_code"] == exit_code
    assert data["findings"][0]["code"] == code, [f["code"] for f in data["findings"]]  # most likely first
    assert data["findings"][0]["fix"], "a network finding must say what to do"
    return data  # type: ignore[no-any-return]


@pytest.mark.parametrize(("endpoint", "kind", "kw", "code"), FAULTS, ids=[f"{f[0]}-{f[1]}" for f in FAULTS])
def test_fault_through_the_cli(
    sandbox: Sandbox, endpoint: str, kind: str, kw: dict[str, float], code: str
) -> None:
    sandbox.faults.inject(endpoint, kind, **kw)  # type: ignore[arg-type]
    _check(_doctor(sandbox), code)


def test_unreachable_host(sandbox: Sandbox) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    app = sandbox.app("graph-daemon")
    done = _doctor(sandbox, "--authority", f"https://127.0.0.1:{port}/{app.tenant_id}")
    _check(done, "network-connect")


def test_untrusted_certificate(sandbox: Sandbox) -> None:
    flags = sandbox_flags(sandbox)
    i = flags.index("--ca-file")
    del flags[i : i + 2]
    app = sandbox.app("graph-daemon")
    done = run_cli(
        "doctor",
        "--json",
        "--timeout",
        str(TIMEOUT),
        *flags,
        env={"DAEMON_WIZARD_CLIENT_SECRET": app.secret or ""},
    )
    data = _check(done, "network-tls")
    assert "--ca-file" in json.dumps(data["findings"])


def test_dns_failure(sandbox: Sandbox) -> None:
    app = sandbox.app("graph-daemon")
    done = _doctor(sandbox, "--authority", f"https://login.wizard.invalid/{app.tenant_id}")
    _check(done, "network-dns")


def _token_posts(sb: Sandbox, before: int) -> list[int]:
    return [e.status for e in sb.request_log[before:] if e.method == "POST" and "/oauth2/" in e.path]


def test_retry_after_is_honoured_with_a_cap(sandbox: Sandbox) -> None:
    sandbox.faults.inject("token", "429", retry_after=1)
    before = len(sandbox.request_log)
    # A bound both 1 s waits fit in however slow the machine is; with TIMEOUT the second may not.
    done = _doctor(sandbox, timeout=20)
    _check(done, "service-unavailable", timeout=20)
    assert _token_posts(sandbox, before) == [429, 429, 429], "one try and at most 2 retries"
    assert done.seconds >= 2.0, "Retry-After: 1 was not waited for"


def test_wrong_secret_is_a_401_never_retried(sandbox: Sandbox) -> None:
    before = len(sandbox.request_log)
    done = _doctor(sandbox, secret="definitely-not-the-secret-1234")
    assert "Traceback" not in done.err
    assert done.code == 1, (done.out, done.err)
    assert json.loads(done.out)["findings"][0]["code"] == "secret-invalid"
    assert _token_posts(sandbox, before) == [401]


def test_graph_403_is_never_retried(sandbox: Sandbox) -> None:
    app = sandbox.app("unconsented-daemon")
    before = len(sandbox.request_log)
    done = run_cli(
        "doctor",
        "--json",
        "--timeout",
        str(TIMEOUT),
        *sandbox_flags(sandbox, "unconsented-daemon"),
        env={"DAEMON_WIZARD_CLIENT_SECRET": app.secret or ""},
    )
    assert done.code == 1, (done.out, done.err)
    graph = [e.status for e in sandbox.request_log[before:] if e.path.startswith("/v1.0/")]
    assert graph and set(graph) == {403}
    assert len(graph) == len([e for e in json.loads(done.out)["api"] if e["status"] == 403])
