"""Secret canary: a client secret, a key passphrase and an access token pushed through every CLI command
(default, --json, --verbose where it exists) at every log level and through error paths; they appear only
in the file written for them or where the user asked for them (`token --raw`)."""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
import logging
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sandbox_cli import profile_flags

from wizard.cli.main import main
from wizard.sandbox import Sandbox
from wizard.sandbox.state import PasswordCredential

SECRET = "CANARY-secret-9f8e7d6c5b4a3210zz"
PASSPHRASE = "CANARY-passphrase-0a1b2c3d4e5f"
TOKEN_SIG = "CANARYtokenSignature0123456789abcdefABCDEF"
TENANT = "7d3c6a52-1b4e-4f0a-9a51-0c0ffee00001"
CLIENT = "c0c0a000-0001-4000-a000-00000000c11e"
LEVELS = [logging.DEBUG, logging.INFO, logging.WARNING, logging.ERROR]
LIBRARIES = ("msal", "urllib3", "httpx", "httpcore", "azure", "kiota_http", "msgraph", "asyncio", "wizard")


def _b64(data: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


CANARY_TOKEN = ".".join(
    [
        _b64({"alg": "RS256", "typ": "JWT", "kid": "k1"}),
        _b64(
            {
                "aud": "https://graph.microsoft.com",
                "tid": TENANT,
                "appid": CLIENT,
                "roles": ["User.Read.All"],
                "iat": 1700000000,
                "nbf": 1700000000,
                "exp": 1700003600,
                "idtyp": "app",
                "ver": "1.0",
            }
        ),
        TOKEN_SIG,
    ]
)
FORBIDDEN = (SECRET, PASSPHRASE, CANARY_TOKEN, TOKEN_SIG, "CANARY-secret", "CANARY-passphrase")


class Runner:
    """Runs `main(argv)` in process with given stdin, collecting everything shown or logged."""

    def __init__(self, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture) -> None:
        self.capsys, self.caplog, self.seen = capsys, caplog, []  # type: ignore[var-annotated]

    def __call__(self, *argv: str, stdin: str = "", monkeypatch: pytest.MonkeyPatch | None = None) -> int:
        if monkeypatch is not None:
            monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        code = main(list(argv))
        captured = self.capsys.readouterr()
        self.seen.append(f"{argv[0]}: {captured.out}{captured.err}")
        return code

    def assert_clean(self) -> None:
        logs = [f"{r.name}: {r.getMessage()} {r.exc_text or ''}" for r in self.caplog.records]
        for text in self.seen + logs:
            for canary in FORBIDDEN:
                assert canary not in text, f"{canary!r} leaked in: {text[:400]}"


@pytest.fixture(params=LEVELS, ids=[logging.getLevelName(level) for level in LEVELS])
def runner(
    request: pytest.FixtureRequest, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> Iterator[Runner]:
    caplog.set_level(request.param)
    saved = {name: logging.getLogger(name).level for name in LIBRARIES}
    for name in LIBRARIES:
        logging.getLogger(name).setLevel(request.param)
    run = Runner(capsys, caplog)
    try:
        yield run
        run.assert_clean()
    finally:
        for name, level in saved.items():
            logging.getLogger(name).setLevel(level)


PROFILE = [
    "--tenant",
    "contoso.onmicrosoft.com",
    "--client-id",
    CLIENT,
    "--scope",
    "https://graph.microsoft.com/.default",
    "--no-prompt",
]


def test_offline_commands(runner: Runner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DAEMON_WIZARD_CLIENT_SECRET", SECRET)
    for extra in ((), ("--json",)):
        assert runner("validate", *PROFILE, *extra) == 0
        assert runner("consent-url", *PROFILE[:-1], *extra) == 0
        assert runner("export", "--format", "dotnet-console", *PROFILE, *extra) == 0
        assert runner("export", "--format", "python-secret", "--dry-run", *PROFILE, *extra) == 0
        assert runner("decode", CANARY_TOKEN, *extra) == 0
        assert runner("decode", "-", *extra, stdin=CANARY_TOKEN, monkeypatch=monkeypatch) == 0
    # Written files hold the secret (that is what they are for); the CLI output about them does not.
    out = tmp_path / "parameters.json"
    assert runner("export", "--format", "python-secret", "--out", str(out), *PROFILE) == 0
    assert SECRET in out.read_text()
    assert (
        runner("export", "--format", "python-secret", "--out", str(out), "--force", "--json", *PROFILE) == 0
    )
    env_file = tmp_path / ".env"
    assert runner("export", "--format", "azure-identity", "--out", str(env_file), *PROFILE) == 0
    monkeypatch.delenv("DAEMON_WIZARD_CLIENT_SECRET")
    for path in (out, env_file):
        runner("import", str(path))
        runner("import", str(path), "--json")
    assert runner("import", str(out), "--save", "canary") == 0
    saved = list(Path(os.environ["DAEMON_WIZARD_HOME"]).rglob("canary.toml"))
    assert saved and all(SECRET not in p.read_text() for p in saved)
    evidence = tmp_path / "evidence.json"
    evidence.write_text(json.dumps({"access_token": CANARY_TOKEN, "config": {"client_id": CLIENT}}))
    for extra in ((), ("--json",)):
        runner("explain", str(evidence), *extra)


def test_error_paths(runner: Runner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # A secret with quotes and spaces around it, a cert format for a secret profile, a missing key file,
    # a malformed token, an existing file without --force: each an error that must not echo the secret.
    monkeypatch.setenv("DAEMON_WIZARD_CLIENT_SECRET", f'  "{SECRET}" ')
    assert runner("validate", *PROFILE) == 0  # a warning, shown with the secret masked
    assert "whitespace" in runner.seen[-1]
    assert runner("validate", *PROFILE, "--json") == 0
    monkeypatch.setenv("DAEMON_WIZARD_CLIENT_SECRET", SECRET)
    assert runner("export", "--format", "java-certificate", "--out", str(tmp_path / "a"), *PROFILE) == 2
    assert runner("validate", *PROFILE, "--key", str(tmp_path / "nope.pem"), "--json") != 0
    out = tmp_path / "p.json"
    out.write_text("{}")
    assert runner("export", "--format", "python-secret", "--out", str(out), *PROFILE) == 1
    assert out.read_text() == "{}"
    header, _payload, signature = CANARY_TOKEN.split(".")
    assert runner("decode", f"{header}.!!not-base64!!.{signature}") == 2
    assert runner("decode", TOKEN_SIG, "--json") == 2
    secret_file = tmp_path / "secret.txt"
    secret_file.write_text(SECRET + "\n")
    monkeypatch.delenv("DAEMON_WIZARD_CLIENT_SECRET")
    assert runner("validate", *PROFILE, "--secret-file", str(secret_file), "--json") == 0
    assert runner("validate", *PROFILE, "--secret-stdin", stdin=SECRET, monkeypatch=monkeypatch) == 0


def test_certificate_passphrase(runner: Runner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for extra in ((), ("--json",)):
        folder = tmp_path / f"certs{len(extra)}"
        argv = ["cert", "new", "--subject", "CN=canary", "--out", str(folder), "--passphrase-stdin", *extra]
        assert runner(*argv, stdin=PASSPHRASE + "\n", monkeypatch=monkeypatch) == 0
        key = folder / "daemon.key.pem"
        assert b"ENCRYPTED" in key.read_bytes()
        for target in ("daemon.pfx", "daemon.key.pem"):
            runner(
                "cert",
                "inspect",
                str(folder / target),
                "--passphrase-stdin",
                *extra,
                stdin=PASSPHRASE + "\n",
                monkeypatch=monkeypatch,
            )
        # A wrong passphrase is an error that names neither passphrase.
        code = runner(
            "cert",
            "inspect",
            str(folder / "daemon.pfx"),
            "--passphrase-stdin",
            *extra,
            stdin="CANARY-passphrase-wrong\n",
            monkeypatch=monkeypatch,
        )
        assert code != 0


@pytest.fixture(scope="module")
def canary_sandbox(sandbox: Sandbox) -> Sandbox:
    _tenant, app = sandbox.state.find_app(sandbox.app("graph-daemon").client_id)
    now = dt.datetime.now(dt.timezone.utc)
    with sandbox.state.lock:
        app.secrets.append(
            PasswordCredential(str(uuid.uuid4()), SECRET, "canary", now, now + dt.timedelta(days=1))
        )
    return sandbox


@pytest.mark.parametrize("command", ["token", "probe", "doctor"])
def test_live_commands_default_and_json(
    command: str, canary_sandbox: Sandbox, runner: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    sb = canary_sandbox
    flags = profile_flags(sb)
    monkeypatch.setenv("DAEMON_WIZARD_CLIENT_SECRET", SECRET)
    for extra in ((), ("--json",), ("--verbose",)):
        assert runner(command, *flags, *extra) == 0
    monkeypatch.setenv("DAEMON_WIZARD_CLIENT_SECRET", SECRET + "-wrong")
    assert runner(command, *flags, "--json") == 1
    assert runner(command, *flags) == 1
