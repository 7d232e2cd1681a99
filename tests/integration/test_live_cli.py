"""The token, probe and doctor commands: stdout/stderr, --json, exit codes; and the secret canary."""

from __future__ import annotations

import datetime as dt
import json
import logging
import uuid
from collections.abc import Callable

import pytest
from sandbox_cli import profile_flags

from wizard.cli.main import main
from wizard.sandbox import Sandbox
from wizard.sandbox.state import PasswordCredential

CANARY = "CANARY-s3cr3t-7f3e9a1b2c4d5e6f"
WRONG_CANARY = "CANARY-s3cr3t-wrong-0a1b2c3d4e"


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_token_sandbox_summary(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = _run(capsys, "token", "--sandbox", "--json", "--twice")
    data = json.loads(out)
    assert code == 0
    assert data["token"]["roles"] == ["User.Read.All", "Application.Read.All"]
    assert data["token"]["source"] == "identity_provider"
    assert data["second"]["source"] == "cache"
    assert data["token"]["access_token"].count("…") == 1  # masked, never the token


def test_token_raw_prints_only_the_token(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "token", "--sandbox", "--raw")
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 1
    assert lines[0].count(".") == 2
    assert lines[0].startswith("eyJ")


def test_probe_and_doctor_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(capsys, "probe", "--sandbox")[0] == 0
    code, out, _ = _run(capsys, "doctor", "--sandbox", "--sandbox-app", "unconsented-daemon", "--json")
    assert code == 1
    data = json.loads(out)
    assert data["verdict"] == "fail"
    assert data["findings"][0]["code"] == "roles-missing"
    code, out, _ = _run(capsys, "doctor", "--sandbox", "--sandbox-app", "todo-daemon", "--crud")
    assert code == 0
    assert "verdict: ok" in out


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(capsys, "doctor", "--sandbox", "--sandbox-app", "no-such-app")[0] == 2
    with pytest.raises(SystemExit) as refused:  # refused by the parser, before any sandbox starts
        _run(capsys, "token", "--sandbox", "--timeout", "0")
    assert refused.value.code == 2
    assert "--timeout" in capsys.readouterr().err


def test_network_failure_exit_3_without_traceback(
    capsys: pytest.CaptureFixture[str], sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = sandbox.app("graph-daemon")
    monkeypatch.setenv("DAEMON_WIZARD_CLIENT_SECRET", app.secret or "")
    base = ["--client-id", app.client_id, "--no-prompt", "--timeout", "3"]
    code, _, err = _run(
        capsys, "token", "--authority", f"https://login.wizard.invalid/{app.tenant_id}", *base
    )
    assert code == 3
    assert "could not be resolved" in err
    assert "Traceback" not in err
    sandbox.faults.inject("token", "hang")
    code, out, err = _run(
        capsys, "doctor", "--authority", app.authority, "--ca-file", sandbox.ca_file, "--json", *base
    )
    assert code == 3
    assert json.loads(out)["findings"][0]["code"] == "network-timeout"
    assert "Traceback" not in err


@pytest.fixture
def canary_sandbox(make_sandbox: Callable[..., Sandbox]) -> Sandbox:
    sb = make_sandbox()
    _tenant, app = sb.state.find_app(sb.app("graph-daemon").client_id)
    now = dt.datetime.now(dt.timezone.utc)
    with sb.state.lock:
        app.secrets.append(
            PasswordCredential(str(uuid.uuid4()), CANARY, "canary", now, now + dt.timedelta(days=1))
        )
    return sb


def test_secret_canary_never_leaks(
    canary_sandbox: Sandbox,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sb = canary_sandbox
    caplog.set_level(logging.DEBUG)
    for name in ("msal", "urllib3", "httpx", "httpcore", "azure", "kiota_http", "msgraph"):
        logging.getLogger(name).setLevel(logging.DEBUG)
    profile = profile_flags(sb)
    runs = [
        ("token", "--json", "--verbose"),
        ("token", "--verbose"),
        ("token", "--via", "azure-identity", "--json", "--verbose"),
        ("probe", "--json", "--verbose"),
        ("probe", "--verbose"),
        ("doctor", "--json", "--verbose"),
        ("doctor", "--verbose"),
        ("doctor", "--via", "azure-identity", "--json", "--verbose"),
    ]
    seen = []
    for secret, expect_ok in ((CANARY, True), (WRONG_CANARY, False)):
        monkeypatch.setenv("DAEMON_WIZARD_CLIENT_SECRET", secret)
        for run in runs:
            code, out, err = _run(capsys, *run, *profile)
            assert (code == 0) is expect_ok, (run, out, err)
            seen.append(out + err)
        code, out, err = _run(capsys, "token", "--raw", *profile)
        seen.append(out + err)
    sb.faults.inject("graph", "500")
    monkeypatch.setenv("DAEMON_WIZARD_CLIENT_SECRET", CANARY)
    code, out, err = _run(capsys, "doctor", "--json", "--verbose", *profile)
    seen.append(out + err)
    assert code == 3
    logs = [r.getMessage() + str(r.args) + (r.exc_text or "") for r in caplog.records]
    assert caplog.records, "the libraries' DEBUG logging was not captured"
    for text in seen + logs:
        assert "CANARY-s3cr3t" not in text
    # The trace did record the token requests, with the secret masked.
    assert any("client_secret=CAN%E2%80%A6" in text or "CAN…" in text for text in seen)


def test_doctor_from_an_exported_sample_config(
    sandbox: Sandbox, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    app = sandbox.app("graph-daemon")
    monkeypatch.setenv("DAEMON_WIZARD_CLIENT_SECRET", app.secret or "")
    config = f"{tmp_path}/parameters.json"
    code, _, _ = _run(
        capsys,
        "export",
        "--format",
        "python-secret",
        "--out",
        config,
        "--authority",
        app.authority,
        "--client-id",
        app.client_id,
        "--scope",
        "https://graph.microsoft.com/.default",
        "--api-url",
        sandbox.graph_base_url + "/users",
        "--no-prompt",
    )
    assert code == 0
    monkeypatch.delenv("DAEMON_WIZARD_CLIENT_SECRET")
    code, out, _ = _run(
        capsys, "doctor", "--from", config, "--ca-file", sandbox.ca_file, "--no-prompt", "--json"
    )
    assert code == 0
    data = json.loads(out)
    assert data["verdict"] == "ok"
    assert data["api"][0]["url"].endswith("/v1.0/users")
