"""`daemon-wizard audit` end to end over HTTPS against the sandbox: findings, JSON, CSV, chart, exit codes,
every page of a generated large tenant, and Graph throttling (429 with Retry-After) honoured."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from sandbox_cli import profile_flags

from wizard.cli.main import main
from wizard.sandbox import Sandbox
from wizard.sandbox.large_scenario import AUDITOR, large_tenant_scenario


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _flags(sb: Sandbox, app_name: str) -> list[str]:
    return profile_flags(sb, app_name, timeout=None)


def test_default_tenant_findings_json_csv_and_exit_1(
    capsys: pytest.CaptureFixture[str], sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    app = sandbox.app("graph-daemon")
    monkeypatch.setenv("DAEMON_WIZARD_CLIENT_SECRET", app.secret or "")
    target = tmp_path / "audit.csv"
    code, out, err = _run(
        capsys, "audit", *_flags(sandbox, "graph-daemon"), "--json", "--csv", str(target), "--timeout", "60"
    )
    assert code == 1, err
    doc = json.loads(out)
    codes = {(f["code"], f["display_name"]) for f in doc["findings"]}
    assert ("credential-expired", "Expired-secret Daemon") in codes
    assert ("disabled-principal-with-valid-credentials", "Disabled Daemon") in codes
    assert ("secret-where-certificate-would-do", "Graph Daemon") in codes
    assert ("secret-where-certificate-would-do", "Certificate Daemon") not in codes
    assert ("app-without-owner", "Graph Daemon") in codes
    tenant = next(t for t in sandbox.scenario.tenants if t.id == app.tenant_id)
    assert doc["summary"]["applications"] == len(tenant.apps) + len(tenant.apis)
    rows = list(csv.DictReader(target.open(encoding="utf-8")))
    assert len(rows) == len(doc["findings"])
    assert rows[0]["severity"] == "error"
    assert app.secret and app.secret not in out + err + target.read_text(encoding="utf-8")


def test_table_and_chart_for_people(
    capsys: pytest.CaptureFixture[str], sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = sandbox.app("graph-daemon")
    monkeypatch.setenv("DAEMON_WIZARD_CLIENT_SECRET", app.secret or "")
    code, out, _ = _run(
        capsys, "audit", *_flags(sandbox, "graph-daemon"), "--owners", "none", "--timeout", "60"
    )
    assert code == 1
    assert "credential-expired" in out and "Expired-secret Daemon" in out
    assert "app-without-owner" not in out  # --owners none reads no owners, so it claims nothing about them
    chart = out.split("credentials expiring per month\n", 1)[1].splitlines()
    assert chart[0].startswith("expired ") and chart[0].endswith(" 1")
    assert chart[-1].startswith("later ")


def test_without_application_read_all_graph_refuses_and_it_says_so(
    capsys: pytest.CaptureFixture[str], sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = sandbox.app("todo-daemon")
    monkeypatch.setenv("DAEMON_WIZARD_CLIENT_SECRET", app.secret or "")
    code, _, err = _run(capsys, "audit", *_flags(sandbox, "todo-daemon"), "--timeout", "30")
    assert code == 1
    assert "Graph refused GET" in err and "403" in err
    assert "Traceback" not in err


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as parsed:
        main(["audit", "--expiring-within", "soon"])
    assert parsed.value.code == 2
    assert "is not a whole number of days" in capsys.readouterr().err
    assert _run(capsys, "audit", "--sandbox", "--admin")[0] == 2
    assert _run(capsys, "audit", "--sandbox", "--csv", str(tmp_path))[0] == 2


@pytest.fixture
def large(make_sandbox: Callable[..., Sandbox]) -> Callable[..., Sandbox]:
    return lambda apps, **kw: make_sandbox(scenario=large_tenant_scenario(apps, **kw))


def test_walks_every_page_of_a_generated_tenant_of_2000_apps(
    capsys: pytest.CaptureFixture[str], large: Callable[..., Sandbox], monkeypatch: pytest.MonkeyPatch
) -> None:
    sb = large(2000)
    monkeypatch.setenv("DAEMON_WIZARD_CLIENT_SECRET", sb.app(AUDITOR).secret or "")
    code, out, err = _run(capsys, "audit", *_flags(sb, AUDITOR), "--json", "--jobs", "8", "--timeout", "300")
    doc = json.loads(out)
    assert code == 1, err  # a generated tenant has expired credentials
    assert doc["summary"]["applications"] == 2001
    assert doc["summary"]["service_principals"] == 2001 + 1  # and Microsoft Graph's
    # 3 pages of applications (owners expanded), 3 of service principals: 999 a page
    assert doc["summary"]["requests"] == 3 + 3 + 3  # applications, service principals, federated credentials
    found = {f["code"] for f in doc["findings"]}
    assert found >= {
        "credential-expired",
        "credential-expiring",
        "app-without-owner",
        "disabled-principal-with-valid-credentials",
        "secret-where-certificate-would-do",
    }
    sp_side = [
        f for f in doc["findings"] if f["holder"] == "servicePrincipal" and f["code"] == "credential-expired"
    ]
    assert sp_side, "credentials on service principals are read too"


def test_owners_one_request_per_app_agrees_with_expand(
    capsys: pytest.CaptureFixture[str], large: Callable[..., Sandbox], monkeypatch: pytest.MonkeyPatch
) -> None:
    sb = large(60)
    monkeypatch.setenv("DAEMON_WIZARD_CLIENT_SECRET", sb.app(AUDITOR).secret or "")
    docs = {}
    for mode in ("expand", "each"):
        _, out, _ = _run(capsys, "audit", *_flags(sb, AUDITOR), "--json", "--owners", mode, "--jobs", "4")
        docs[mode] = json.loads(out)
    assert docs["each"]["summary"]["requests"] == 3 + 61
    ownerless = {
        m: {f["app_id"] for f in d["findings"] if f["code"] == "app-without-owner"} for m, d in docs.items()
    }
    assert ownerless["expand"] == ownerless["each"]
    assert 0 < len(ownerless["each"]) < 61


def test_throttling_is_honoured(
    capsys: pytest.CaptureFixture[str], large: Callable[..., Sandbox], monkeypatch: pytest.MonkeyPatch
) -> None:
    sb = large(30, throttle_rate=10, retry_after=1)
    monkeypatch.setenv("DAEMON_WIZARD_CLIENT_SECRET", sb.app(AUDITOR).secret or "")
    code, out, err = _run(
        capsys, "audit", *_flags(sb, AUDITOR), "--json", "--owners", "each", "--jobs", "4", "--timeout", "120"
    )
    doc = json.loads(out)
    assert code in (0, 1), err
    assert doc["summary"]["throttled"] > 0  # the sandbox did answer 429 ...
    assert doc["summary"]["applications"] == 31  # ... and every app was still read, after Retry-After
    assert doc["summary"]["requests"] == 3 + 31 + doc["summary"]["throttled"]
