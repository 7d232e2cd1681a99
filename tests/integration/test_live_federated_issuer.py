"""doctor for the federated kind checks the external token's issuer as Entra will, before any token request."""

from __future__ import annotations

from pathlib import Path

import httpx
from federated_tokens import GITHUB_SUBJECT, mint

from wizard.live.doctor import DoctorOptions, DoctorReport, run_doctor
from wizard.live.sandbox_profile import sandbox_app_profile, sandbox_registration
from wizard.sandbox import Sandbox

APP = "federated-daemon"


def _doctor(sb: Sandbox, token_file: Path, *, check: bool = True) -> DoctorReport:
    profile, _ = sandbox_app_profile(sb, APP)
    return run_doctor(
        profile.with_(federated_token_file=str(token_file)),
        secret=None,
        ca_file=sb.ca_file,
        options=DoctorOptions(timeout=20, check_issuer=check),
        use_env_proxies=False,
        registration=sandbox_registration(sb, profile.client_id),
    )


def test_rotated_key_is_found_before_the_token_request(
    sandbox: Sandbox, sandbox_http: httpx.Client, tmp_path: Path
) -> None:
    token_file = tmp_path / "token"
    token_file.write_text(mint(sandbox, sandbox_http, "github-actions", GITHUB_SUBJECT, kid="old-key"))
    report = _doctor(sandbox, token_file)
    assert report.verdict == "fail"
    assert report.findings[0].code == "federated-key-unknown"
    assert "before any token request" in report.findings[0].explanation
    steps = {e.step for e in report.trace.exchanges}
    assert "issuer" in steps and "token" not in steps
    # Without the check, Entra's own answer (AADSTS7000272) says the same.
    unchecked = _doctor(sandbox, token_file, check=False)
    assert unchecked.findings[0].code == "federated-key-unknown"
    assert "token" in {e.step for e in unchecked.trace.exchanges}


def test_a_good_token_passes_the_checks_and_gets_its_token(
    sandbox: Sandbox, sandbox_http: httpx.Client, tmp_path: Path
) -> None:
    token_file = tmp_path / "token"
    token_file.write_text(mint(sandbox, sandbox_http, "github-actions", GITHUB_SUBJECT))
    report = _doctor(sandbox, token_file)
    assert report.verdict == "ok", report.to_dict()
    check = report.evidence.client_assertion["issuer_check"]
    assert check["result"] == "ok" and [c["name"] for c in check["checks"]] == [
        "algorithm",
        "discovery",
        "keys",
        "key id",
        "signature",
    ]


def test_the_claim_by_claim_diff_from_a_real_doctor_run(
    sandbox: Sandbox, sandbox_http: httpx.Client, tmp_path: Path
) -> None:
    """What the TUI's diagnosis shows, from the evidence of a doctor run against the sandbox."""
    from screens.services import fic_diff_rows

    token_file = tmp_path / "token"
    token_file.write_text(
        mint(sandbox, sandbox_http, "github-actions", "repo:contoso/daemon:ref:refs/heads/main")
    )
    report = _doctor(sandbox, token_file)
    rows = fic_diff_rows(report.evidence)
    sub = next(r for r in rows if r.credential == "github-production" and r.claim == "sub")
    assert sub.verdict.startswith("entity-type:") and sub.token.endswith("refs/heads/main")
    assert next(r for r in rows if r.credential == "github-production" and r.claim == "iss").verdict == "same"
