"""`scan --doctor --jobs N`: doctor runs on every valid config a scan finds, a bounded number at once,
against the sandbox over HTTPS; a config that fails is named with its findings and makes the exit 1."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from sandbox_cli import profile_flags

from wizard.cli.main import main
from wizard.sandbox import Sandbox


def _export(sb: Sandbox, app_name: str, out: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DAEMON_WIZARD_CLIENT_SECRET", sb.app(app_name).secret or "")
    flags = [f for f in profile_flags(sb, app_name, timeout=None) if f != "--no-prompt"]
    assert main(["export", "--format", "python-secret", "--out", str(out), *flags]) == 0


def test_doctor_for_each_config_with_a_bound(
    capsys: pytest.CaptureFixture[str], sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    tree = tmp_path / "repo"
    for n, app in enumerate(("graph-daemon", "graph-daemon", "unconsented-daemon")):
        _export(sandbox, app, tree / f"svc{n}" / "parameters.json", monkeypatch)
    monkeypatch.delenv("DAEMON_WIZARD_CLIENT_SECRET")
    capsys.readouterr()
    in_flight, peak, lock = [0], [0], threading.Lock()
    from wizard.live import doctor

    real = doctor.run_doctor

    def counted(*args: object, **kwargs: object) -> object:
        with lock:
            in_flight[0] += 1
            peak[0] = max(peak[0], in_flight[0])
        try:
            return real(*args, **kwargs)  # type: ignore[arg-type]
        finally:
            with lock:
                in_flight[0] -= 1

    monkeypatch.setattr(doctor, "run_doctor", counted)
    code = main(
        ["scan", str(tree), "--no-git", "--json", "--doctor", "--jobs", "2", "--ca-file", sandbox.ca_file]
    )
    captured = capsys.readouterr()
    doc = json.loads(captured.out)
    verdicts = {d["path"]: d for d in doc["doctor"]}
    assert set(verdicts) == {f"svc{n}/parameters.json" for n in range(3)}
    assert verdicts["svc0/parameters.json"]["verdict"] == "ok"
    assert verdicts["svc1/parameters.json"]["exit_code"] == 0
    assert verdicts["svc2/parameters.json"]["exit_code"] == 1
    assert verdicts["svc2/parameters.json"]["findings"]
    assert code == 1
    assert 1 <= peak[0] <= 2
    for name in ("graph-daemon", "unconsented-daemon"):
        secret = sandbox.app(name).secret or ""
        assert secret and secret not in captured.out + captured.err


def test_jobs_must_be_a_small_whole_number(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as parsed:
        main(["scan", str(tmp_path), "--doctor", "--jobs", "0"])
    assert parsed.value.code == 2
    assert "--jobs must be" in capsys.readouterr().err
