"""One typed result from the engine to the CLI and the screens, one registry for every code's title and fix,
and the public JSON shape of `doctor --json` and `explain --json` pinned (cli.md)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from wizard.cli.main import main
from wizard.diagnosis import RULES, diagnose
from wizard.diagnosis.evidence import ApiEvidence, ConfigEvidence, Evidence, parse_evidence
from wizard.diagnosis.model import Finding
from wizard.live.doctor import DoctorReport, run_doctor
from wizard.live.trace import Trace
from wizard.profile import Profile
from wizard.secret import Secret

TENANT = "9f8e7d6c-5b4a-4321-8fed-cba987654321"
CLIENT = "5d6e7f80-1a2b-4c3d-9e8f-0a1b2c3d4e5f"
FINDING_KEYS = ["code", "severity", "title", "explanation", "fix", "links"]


def _report() -> DoctorReport:
    finding = Finding("roles-missing", "error", "t", "e", "f", ("https://learn.microsoft.com/x",))
    evidence = Evidence(
        config=ConfigEvidence(client_id=CLIENT, scopes=("https://graph.microsoft.com/.default",)),
        access_token="header.payload.signature",
        api=ApiEvidence(method="GET", url="https://graph.microsoft.com/v1.0/users", status=403),
        now=1700000000.0,
        now_given=True,
    )
    return DoctorReport(verdict="fail", findings=[finding], evidence=evidence, trace=Trace())


def test_doctor_json_shape_is_pinned() -> None:
    data = _report().to_dict(verbose=True)
    assert list(data)[:2] == ["verdict", "findings"]
    assert {"verdict", "findings", "exit_code", "problems", "token", "api", "registration", "error"} <= set(
        data
    )
    assert [list(f) for f in data["findings"]] == [FINDING_KEYS]
    assert data["findings"][0]["links"] == ["https://learn.microsoft.com/x"]
    json.dumps(data)  # the JSON edge is plain data


def test_the_verbose_evidence_reads_back_the_same_and_keeps_the_token_out() -> None:
    report = _report()
    document = report.to_dict(verbose=True)["evidence"]
    assert "access_token" not in document
    assert document["api"] == {
        "request": "GET https://graph.microsoft.com/v1.0/users",
        "status": 403,
        "body": "",
    }
    again = parse_evidence(json.loads(json.dumps(document)))
    assert again.config == report.evidence.config
    assert again.api == report.evidence.api
    assert again.now == report.evidence.now


def test_explain_json_shape_is_pinned(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["explain", "--error", "AADSTS7000215: Invalid client secret provided.", "--json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 1
    assert list(data) == ["verdict", "findings"]
    assert all(list(f) == FINDING_KEYS for f in data["findings"])


def test_the_screens_get_the_engines_finding_objects(monkeypatch: pytest.MonkeyPatch) -> None:
    from screens import services

    report = _report()
    monkeypatch.setattr("wizard.live.doctor.run_doctor", lambda *a, **k: report)
    view = services.run_doctor(Profile(), secret=None)
    assert view.findings[0] is report.findings[0], "a finding must not be rebuilt from a dict"


def _doctor_stopped_by_validation(profile: Profile) -> list[Finding]:
    report = run_doctor(profile, secret=Secret("a-secret-value-that-is-long-enough"))
    assert report.trace.exchanges == [], "validation must stop the run before the network"
    return report.findings


@pytest.mark.parametrize(
    ("flags", "profile", "evidence", "code"),
    [
        (
            ["--tenant", "common", "--client-id", CLIENT],
            Profile(tenant="common", client_id=CLIENT),
            {"config": {"authority": "https://login.microsoftonline.com/common", "client_id": CLIENT}},
            "tenant-common",
        ),
        (
            ["--tenant", TENANT, "--client-id", TENANT],
            Profile(tenant=TENANT, client_id=TENANT),
            {"config": {"tenant": TENANT, "client_id": TENANT}},
            "client-id-is-tenant-id",
        ),
    ],
)
def test_validate_explain_and_doctor_give_one_title_and_fix(
    flags: list[str],
    profile: Profile,
    evidence: dict[str, Any],
    code: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DAEMON_WIZARD_CLIENT_SECRET", "a-secret-value-that-is-long-enough")
    main(["validate", *flags, "--json"])
    problems = [p for p in json.loads(capsys.readouterr().out)["problems"] if p["code"] == code]
    explained = [f for f in diagnose(evidence).findings if f.code == code]
    doctored = [f for f in _doctor_stopped_by_validation(profile) if f.code == code]
    assert problems and explained and doctored
    rule = RULES[code]
    assert problems[0]["title"] == explained[0].title == doctored[0].title == rule.title
    assert problems[0]["fix"] == explained[0].fix == doctored[0].fix == rule.fix


def test_a_validation_only_code_keeps_its_own_words() -> None:
    findings = _doctor_stopped_by_validation(Profile(tenant=TENANT, client_id=""))
    required = next(f for f in findings if f.code == "required")
    assert "required" not in RULES
    assert required.title == "The client ID is empty"
    assert "Application (client) ID" in required.fix
