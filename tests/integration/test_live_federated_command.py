"""The external token from a command (`--federated-token-command`): run for every assertion, without a
shell, with a scrubbed environment and a timeout, through msal and azure-identity to the sandbox."""

from __future__ import annotations

import json
import shlex
import sys
from pathlib import Path

import pytest
from federated_tokens import GITHUB_SUBJECT, issuer

from wizard.cli.main import main
from wizard.errors import SecretSourceError, TokenError
from wizard.live.azid_token import acquire_token_azure_identity
from wizard.live.federated_command import run_token_command
from wizard.live.http import HttpSettings
from wizard.live.msal_token import MsalTokenClient, acquire_token
from wizard.live.sandbox_profile import sandbox_app_profile
from wizard.live.trace import Trace
from wizard.profile import Profile
from wizard.sandbox import Sandbox

APP = "federated-daemon"
CANARY = "canary-Q~" + "x" * 32

MINTER = """
import json, os, sys
import httpx
mint_url, ca_file, log, subject = sys.argv[1:5]
token = httpx.post(mint_url, json={"sub": subject}, verify=ca_file).json()["token"]
with open(log, "a") as f:
    f.write(json.dumps({"token": token, "env": sorted(os.environ)}) + "\\n")
print(json.dumps({"value": token}) if subject.endswith("production") else token)
"""


def _command(sb: Sandbox, tmp_path: Path, subject: str = GITHUB_SUBJECT) -> tuple[str, Path]:
    script = tmp_path / "minter.py"
    script.write_text(MINTER)
    log = tmp_path / "calls.jsonl"
    argv = [
        sys.executable,
        str(script),
        issuer(sb, "github-actions")["mint_url"],
        sb.ca_file,
        str(log),
        subject,
    ]
    return shlex.join(argv), log


def _calls(log: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def _profile(sb: Sandbox, command: str) -> Profile:
    profile, _ = sandbox_app_profile(sb, APP)
    return profile.with_(federated_token_file=None, federated_token_command=command)


def _settings(sb: Sandbox) -> HttpSettings:
    return HttpSettings.bounded(20, ca_file=sb.ca_file, use_env_proxies=False)


def test_msal_runs_the_command_for_every_token_request(
    sandbox: Sandbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DAEMON_WIZARD_CLIENT_SECRET", CANARY)
    monkeypatch.setenv("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "runner-request-token")
    command, log = _command(sandbox, tmp_path)
    trace = Trace()
    client = MsalTokenClient(
        _profile(sandbox, command), secret=None, settings=_settings(sandbox), trace=trace
    )
    try:
        result = client.acquire()
        assert result.source == "identity_provider"
        assert len(_calls(log)) == 1
        # msal needs another token (another resource): the callable runs the command again.
        client.app.acquire_token_for_client(scopes=["https://management.azure.com/.default"])
    finally:
        client.close()
    calls = _calls(log)
    assert len(calls) == 2 and calls[0]["token"] != calls[1]["token"]
    env = calls[0]["env"]
    assert isinstance(env, list)
    assert "DAEMON_WIZARD_CLIENT_SECRET" not in env  # scrubbed
    assert "ACTIONS_ID_TOKEN_REQUEST_TOKEN" in env  # GitHub's OIDC request variables pass through
    rendered = "\n".join(trace.lines()) + json.dumps(trace.to_list())
    for call in calls:
        assert str(call["token"]) not in rendered
    assert result.credential.startswith("federated token (command python")


def test_azure_identity_client_assertion_credential_with_the_command(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    command, log = _command(sandbox, tmp_path, "repo:contoso/daemon:environment:production")
    result = acquire_token_azure_identity(
        _profile(sandbox, command), secret=None, settings=_settings(sandbox)
    )
    assert result.access_token.reveal().count(".") == 2
    assert "ClientAssertionCredential" in result.credential
    assert len(_calls(log)) >= 1


def test_a_wrong_subject_from_the_command_is_entras_700213(sandbox: Sandbox, tmp_path: Path) -> None:
    command, _ = _command(sandbox, tmp_path, "repo:contoso/daemon:ref:refs/heads/main")
    with pytest.raises(TokenError) as info:
        acquire_token(_profile(sandbox, command), secret=None, settings=_settings(sandbox))
    assert info.value.aadsts == "700213"


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("import sys; sys.stderr.write('boom: no id-token permission\\n'); sys.exit(3)", "exit status 3"),
        ("print('')", "printed no token"),
        ("print('Bearer abc.def.ghi')", "did not print a JWT"),
        ("import time; time.sleep(60)", "did not finish within 1 s"),
    ],
)
def test_failing_commands_are_clear(code: str, message: str) -> None:
    with pytest.raises(SecretSourceError) as info:
        run_token_command(shlex.join([sys.executable, "-c", code]), timeout=1)
    assert message in info.value.title
    if "exit status" in message:
        assert info.value.hint == "boom: no id-token permission"


def test_no_shell_and_missing_program() -> None:
    with pytest.raises(SecretSourceError, match="was not found"):
        run_token_command("no-such-program-here --flag")
    # `;` is no command separator: without a shell, it is an argument of `echo`.
    assert run_token_command("echo a.b.c;") == "a.b.c;"


def test_cli_token_with_the_command_and_both_sources_refused(
    sandbox: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    command, _ = _command(sandbox, tmp_path)
    app = sandbox.app(APP)
    flags = [
        "--authority",
        app.authority,
        "--client-id",
        app.client_id,
        "--ca-file",
        sandbox.ca_file,
        "--scope",
        "https://graph.microsoft.com/.default",
    ]
    code = main(["token", *flags, "--federated-token-command", command, "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    doc = json.loads(out)
    assert "command" in json.dumps(doc)
    code = main(["token", *flags, "--federated-token-command", command, "--federated-token-file", "x"])
    _, err = capsys.readouterr()
    assert code == 2 and "not both" in err


def test_a_token_on_stderr_is_masked_in_the_hint() -> None:
    jwt_like = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXBvOm8vciJ9.c2lnbmF0dXJlLXBhcnQ"
    code = f"import sys; sys.stderr.write('debug: {jwt_like}\\n'); sys.exit(1)"
    with pytest.raises(SecretSourceError) as info:
        run_token_command(shlex.join([sys.executable, "-c", code]), timeout=20)
    assert jwt_like not in str(info.value.hint) and "debug:" in str(info.value.hint)
