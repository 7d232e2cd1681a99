"""The federated credential kind end to end: msal and azure-identity, unmodified, over HTTPS to the sandbox."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import msal
import pytest
from azure.identity import WorkloadIdentityCredential
from federated_tokens import GITHUB_SUBJECT, mint

from wizard.cli.main import main
from wizard.errors import TokenError
from wizard.live.doctor import DoctorOptions, DoctorReport, run_doctor
from wizard.live.http import HttpSettings
from wizard.live.msal_token import acquire_token
from wizard.live.sandbox_profile import sandbox_app_profile, sandbox_registration
from wizard.profile import CredentialKind
from wizard.sandbox import Sandbox
from wizard.sandbox.trust import requests_session

APP = "federated-daemon"
GRAPH = "https://graph.microsoft.com/.default"


def _doctor(sb: Sandbox, *, subject: str | None = None, via: str = "msal") -> DoctorReport:
    profile, secret = sandbox_app_profile(sb, APP, subject=subject)
    return run_doctor(
        profile,
        secret=secret,
        ca_file=sb.ca_file,
        options=DoctorOptions(timeout=10, via=via),  # type: ignore[arg-type]
        use_env_proxies=False,
        registration=sandbox_registration(sb, profile.client_id),
    )


def test_sandbox_profile_of_the_federated_app(sandbox: Sandbox) -> None:
    profile, secret = sandbox_app_profile(sandbox, APP)
    assert secret is None
    assert profile.credential is CredentialKind.FEDERATED
    assert profile.federated_token_file is not None
    assert Path(profile.federated_token_file).read_text().count(".") == 2


@pytest.mark.parametrize("via", ["msal", "azure-identity"])
def test_doctor_passes_for_the_federated_daemon(sandbox: Sandbox, via: str) -> None:
    report = _doctor(sandbox, via=via)
    assert report.verdict == "ok", report.to_dict()
    assert report.token is not None


def test_wrong_subject_is_diagnosed_naming_the_closest_credential(sandbox: Sandbox) -> None:
    report = _doctor(sandbox, subject="repo:contoso/daemon:ref:refs/heads/main")
    assert report.verdict == "fail"
    first = report.findings[0]
    assert first.code == "federated-subject-mismatch"
    assert "Closest federated credential: `github-production`" in first.explanation
    assert "refs/heads/main" in first.fix  # the credential that would match


def test_msal_client_assertion_callable_with_the_sandbox(
    sandbox: Sandbox, sandbox_http: httpx.Client, tmp_path: Path
) -> None:
    """Unmodified msal, `client_assertion` callable: each call re-reads the file (issuers rotate it)."""
    app = sandbox.app(APP)
    token_file = tmp_path / "token"
    calls: list[str] = []

    def assertion() -> str:
        calls.append(token_file.read_text())
        return calls[-1]

    session = requests_session(sandbox.ca_file)
    token_file.write_text(mint(sandbox, sandbox_http, "github-actions", GITHUB_SUBJECT))

    def fresh_app() -> msal.ConfidentialClientApplication:  # a new one each time: no token cache between
        return msal.ConfidentialClientApplication(
            app.client_id,
            client_credential={"client_assertion": assertion},
            authority=app.authority,
            validate_authority=False,
            instance_discovery=False,
            http_client=session,
        )

    assert "access_token" in fresh_app().acquire_token_for_client(scopes=[GRAPH])
    token_file.write_text(mint(sandbox, sandbox_http, "github-actions", "repo:contoso/daemon:pull_request"))
    refused = fresh_app().acquire_token_for_client(scopes=[GRAPH])
    assert refused.get("error_codes") == [700213], refused
    assert len(calls) == 2 and calls[0] != calls[1]
    session.close()


def test_workload_identity_credential_reads_the_environment(
    sandbox: Sandbox, sandbox_http: httpx.Client, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Unmodified azure-identity with AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_FEDERATED_TOKEN_FILE."""
    app = sandbox.app(APP)
    token_file = tmp_path / "token"
    token_file.write_text(
        mint(sandbox, sandbox_http, "kubernetes", "system:serviceaccount:daemons:graph-reader")
    )
    monkeypatch.setenv("AZURE_TENANT_ID", app.tenant_id)
    monkeypatch.setenv("AZURE_CLIENT_ID", app.client_id)
    monkeypatch.setenv("AZURE_FEDERATED_TOKEN_FILE", str(token_file))
    credential = WorkloadIdentityCredential(
        authority=sandbox.base_url, disable_instance_discovery=True, connection_verify=sandbox.ca_file
    )
    with credential:
        access = credential.get_token(GRAPH)
    assert access.token.count(".") == 2


def test_acquire_token_error_from_a_stale_token_file(
    sandbox: Sandbox, sandbox_http: httpx.Client, tmp_path: Path
) -> None:
    profile, _ = sandbox_app_profile(sandbox, APP)
    stale = tmp_path / "stale"
    stale.write_text(mint(sandbox, sandbox_http, "github-actions", GITHUB_SUBJECT, lifetime=-600))
    settings = HttpSettings.bounded(10, ca_file=sandbox.ca_file, use_env_proxies=False)
    with pytest.raises(TokenError) as info:
        acquire_token(profile.with_(federated_token_file=str(stale)), secret=None, settings=settings)
    assert info.value.aadsts == "700024"


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_cli_doctor_and_token_for_the_federated_daemon(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _cli(capsys, "doctor", "--sandbox", "--sandbox-app", APP, "--json")
    assert code == 0, out
    assert json.loads(out)["verdict"] == "ok"
    code, out, _ = _cli(
        capsys,
        "doctor",
        "--sandbox",
        "--sandbox-app",
        APP,
        "--sandbox-subject",
        "repo:o/r:pull_request",
        "--json",
    )
    assert code == 1
    assert json.loads(out)["findings"][0]["code"] == "federated-subject-mismatch"
    code, out, err = _cli(
        capsys, "token", "--sandbox", "--sandbox-app", APP, "--via", "azure-identity", "--json"
    )
    assert code == 0, err


def test_cli_bad_token_file_is_exit_2_without_traceback(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    empty = tmp_path / "empty"
    empty.write_text("")
    for path, says in ((tmp_path / "missing", "cannot be read"), (empty, "is empty")):
        code, _, err = _cli(
            capsys, "token", "--sandbox", "--sandbox-app", APP, "--federated-token-file", str(path)
        )
        assert code == 2
        assert says in err and "Traceback" not in err


@pytest.fixture
def env_token(
    sandbox: Sandbox, sandbox_http: httpx.Client, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> str:
    """A good token of the github-actions issuer in a file named by $AZURE_FEDERATED_TOKEN_FILE."""
    token = mint(sandbox, sandbox_http, "github-actions", GITHUB_SUBJECT)
    token_file = tmp_path / "token"
    token_file.write_text(token)
    monkeypatch.setenv("AZURE_FEDERATED_TOKEN_FILE", str(token_file))
    monkeypatch.delenv("DAEMON_WIZARD_CLIENT_SECRET", raising=False)
    return token


def test_cli_profile_with_federated_credential_reads_the_environment(
    sandbox: Sandbox, env_token: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A saved profile of kind federated and no path: $AZURE_FEDERATED_TOKEN_FILE, as on an AKS pod."""
    app = sandbox.app(APP)
    token = env_token
    profile = tmp_path / "profile.toml"
    profile.write_text(
        'format = "entra-daemon-wizard/profile/1"\n'
        f'tenant = "{app.tenant_id}"\nclient_id = "{app.client_id}"\ncredential = "federated"\n'
        f'authority_override = "{app.authority}"\n'
        f'[api]\nkind = "graph"\nbase_url = "{sandbox.graph_base_url}"\n',
        encoding="utf-8",
    )
    code, out, err = _cli(capsys, "probe", "--from", str(profile), "--ca-file", sandbox.ca_file, "--no-proxy")
    assert code == 0, err
    assert token not in out + err


def test_profile_toml_keeps_the_token_path_never_the_token(tmp_path: Path) -> None:
    from wizard.configs.profile_toml import profile_from_dict, profile_to_dict
    from wizard.profile import Profile

    given = Profile(
        tenant="t", client_id="11111111-2222-4333-8444-555555555555", credential=CredentialKind.FEDERATED
    ).with_(federated_token_file="/var/run/secrets/azure/tokens/azure-identity-token")
    data = profile_to_dict(given)
    assert data["credential"] == "federated"
    back = profile_from_dict(data).profile
    assert back == given


@pytest.mark.parametrize("via", ["msal", "azure-identity"])
def test_the_external_token_never_shows(
    sandbox: Sandbox, sandbox_http: httpx.Client, tmp_path: Path, capsys: pytest.CaptureFixture[str], via: str
) -> None:
    """The token is a bearer credential: not in --verbose --json output (trace, evidence), nor on stderr."""
    token = mint(sandbox, sandbox_http, "github-actions", "repo:contoso/daemon:pull_request")
    token_file = tmp_path / "token"
    token_file.write_text(token)
    code, out, err = _cli(
        capsys,
        "doctor",
        "--sandbox",
        "--sandbox-app",
        APP,
        "--via",
        via,
        "--federated-token-file",
        str(token_file),
        "--json",
        "--verbose",
    )
    assert code == 1
    signature = token.rsplit(".", 1)[1]
    assert signature not in out + err
    assert token.split(".")[1] not in out + err


def test_environment_alone_selects_the_federated_kind(
    sandbox: Sandbox, env_token: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Flags name no credential and no secret source: $AZURE_FEDERATED_TOKEN_FILE is the credential."""
    app = sandbox.app(APP)
    flags = ("--authority", app.authority, "--client-id", app.client_id, "--ca-file", sandbox.ca_file)
    code, out, err = _cli(capsys, "token", *flags, "--no-proxy", "--no-prompt", "--json")
    assert code == 0, err
    assert json.loads(out)["token"]["roles"] == ["User.Read.All"]
