"""Hostile and hurried input through the real CLI (a child process): a clear message on stderr and the
documented exit code (2 bad input, 3 network), never a traceback, never a hang (issue 11, section 4)."""

from __future__ import annotations

import base64
import json
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from reliability_helpers import Done, run_cli

from wizard.live.http import HttpSettings

TENANT = "11111111-1111-4111-8111-111111111111"
CLIENT = "22222222-2222-4222-8222-222222222222"
SECRET = "Abc8Q~CANARYsecretvalue0123456789abcdefgh"


def _jwt(payload: str, header: str = '{"alg":"RS256","typ":"JWT"}') -> str:
    def part(text: str) -> str:
        return base64.urlsafe_b64encode(text.encode()).rstrip(b"=").decode()

    return f"{part(header)}.{part(payload)}.c2ln"


def _clean(done: Done) -> None:
    assert "Traceback" not in done.err + done.out, done.err[-2000:]


def _live(authority: str, *more: str) -> list[str]:
    return ["--authority", authority, "--client-id", CLIENT, "--no-prompt", "--no-proxy", *more]


# -- decode --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "payload",
    ['{"exp": NaN, "iss": "https://sts.windows.net/x/"}', '{"exp": %s}' % ("9" * 400), '{"nbf": Infinity}'],
    ids=["exp-nan", "exp-400-digits", "nbf-infinity"],
)
def test_decode_of_impossible_times_says_so(payload: str) -> None:
    done = run_cli("decode", _jwt(payload))
    _clean(done)
    assert done.code == 0
    assert "not a valid time" in done.out
    as_json = run_cli("decode", "--json", _jwt(payload))
    _clean(as_json)
    assert as_json.code == 0
    json.loads(as_json.out)  # valid JSON: no bare NaN or Infinity


def test_decode_verify_of_an_issuer_that_is_not_a_url_is_bad_input() -> None:
    done = run_cli("decode", "--verify", _jwt('{"iss": "https://[::1", "exp": 1}'))
    _clean(done)
    assert done.code == 2
    assert "issuer is not a valid https URL" in done.err


def test_decode_json_exit_code_is_the_process_exit_code() -> None:
    done = run_cli("decode", "--json", "not-a-token")
    _clean(done)
    assert done.code == 2
    assert json.loads(done.out)["exit_code"] == 2


def test_output_degrades_on_a_terminal_that_cannot_show_the_ellipsis() -> None:
    token = _jwt('{"aud": "https://graph.microsoft.com", "exp": 4102444800, "roles": ["User.Read.All"]}')
    done = run_cli("decode", token, env={"PYTHONIOENCODING": "ascii"})
    _clean(done)
    assert done.code == 0
    assert "->" in done.out  # the table's arrow, spelled in ASCII


# -- secrets from files, stdin and the environment --------------------------------------------------------
def test_secret_file_dev_zero_is_refused_at_once() -> None:
    done = run_cli("token", *_live(f"https://127.0.0.1:9/{TENANT}", "--secret-file", "/dev/zero"), timeout=30)
    _clean(done)
    assert done.code == 2
    assert "/dev/zero is not a regular file" in done.err


@pytest.mark.parametrize("command", ["token", "cert"])
def test_fifo_is_refused_without_waiting(tmp_path: Path, command: str) -> None:
    fifo = tmp_path / "input.fifo"
    os.mkfifo(fifo)
    argv = (
        ["cert", "inspect", str(fifo)]
        if command == "cert"
        else ["token", *_live(f"https://127.0.0.1:9/{TENANT}", "--secret-file", str(fifo))]
    )
    done = run_cli(*argv, timeout=30)
    _clean(done)
    assert done.code == 2
    assert "is not a regular file" in done.err


def test_secret_with_a_lone_surrogate_is_bad_input() -> None:
    # Bytes that are not UTF-8 arrive as lone surrogates (surrogateescape); they must not reach the wire.
    entry = "import sys\nfrom wizard.cli.main import main\nsys.exit(main(sys.argv[1:]))\n"
    env = {**os.environ, "PYTHONIOENCODING": "utf-8:surrogateescape", "NO_COLOR": "1"}
    env.pop("DAEMON_WIZARD_CLIENT_SECRET", None)
    argv = _live(f"https://127.0.0.1:9/{TENANT}", "--secret-stdin")
    proc = subprocess.run(
        [sys.executable, "-c", entry, "token", *argv],
        input=b"abc\xff\xfedef0123456789",
        capture_output=True,
        env=env,
        timeout=60,
        check=False,
    )
    err = proc.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err
    assert proc.returncode == 2
    assert "not valid UTF-8" in err


# -- arguments ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("value", ["nan", "inf", "-1", "0"])
def test_timeout_must_be_a_positive_finite_number(value: str) -> None:
    done = run_cli("doctor", *_live(f"https://127.0.0.1:9/{TENANT}"), f"--timeout={value}")
    _clean(done)
    assert done.code == 2
    assert "--timeout" in done.err and "seconds" in done.err


def test_missing_ca_file_is_bad_input(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-ca.pem"
    for command in ("doctor", "token"):
        done = run_cli(command, *_live(f"https://127.0.0.1:9/{TENANT}", "--ca-file", str(missing)))
        _clean(done)
        assert done.code == 2, command
        assert f"{missing} does not exist" in done.err


def test_connect_timeout_follows_the_run_timeout() -> None:
    slow_link = HttpSettings.bounded(60)
    assert slow_link.timeouts()[0] > 5.0  # no fixed 5 s cap: --timeout 60 gives the connection more time
    assert HttpSettings.bounded(3).timeouts()[0] <= 3.0


# -- network failures through azure-identity are network failures -------------------------------------------
@pytest.fixture
def dropping_server() -> Iterator[int]:
    """A TCP server that accepts each connection and closes it at once (a dropped connection)."""
    server = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    server.close()


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A TCP listener that never answers: connections complete in the backlog, no byte ever comes back."""
    server = socket.create_server(("127.0.0.1", 0), backlog=64)
    yield server.getsockname()[1]
    server.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize("command", ["token", "doctor"])
def test_azure_identity_refused_connection_is_exit_3(command: str) -> None:
    authority = f"https://127.0.0.1:{_free_port()}/{TENANT}"
    done = run_cli(
        command,
        *_live(authority, "--via", "azure-identity", "--timeout", "10"),
        env={"DAEMON_WIZARD_CLIENT_SECRET": SECRET},
    )
    _clean(done)
    assert done.code == 3, done.err
    assert SECRET not in done.out + done.err


def test_azure_identity_dropped_connection_is_exit_3(dropping_server: int) -> None:
    authority = f"https://127.0.0.1:{dropping_server}/{TENANT}"
    done = run_cli(
        "token",
        *_live(authority, "--via", "azure-identity", "--timeout", "10"),
        env={"DAEMON_WIZARD_CLIENT_SECRET": SECRET},
    )
    _clean(done)
    assert done.code == 3, done.err
    assert "closed the connection" in done.err  # a drop, not an untrusted certificate


def test_proxy_that_never_answers_is_named_without_its_credentials(silent_server: int) -> None:
    proxy = f"http://proxyuser:Pr0xyPassw0rd@127.0.0.1:{silent_server}"
    done = run_cli(
        "doctor",
        "--authority",
        f"https://login.microsoftonline.com/{TENANT}",
        "--client-id",
        CLIENT,
        "--no-prompt",
        "--timeout",
        "3",
        "--json",
        "--verbose",
        env={"DAEMON_WIZARD_CLIENT_SECRET": SECRET, "HTTPS_PROXY": proxy, "NO_PROXY": ""},
    )
    _clean(done)
    assert done.code == 3, done.err
    report = json.loads(done.out)
    first = report["findings"][0]
    assert first["code"] == "network-proxy", report["findings"]
    assert f"127.0.0.1:{silent_server}" in first["explanation"]
    shown = done.out + done.err
    assert "Pr0xyPassw0rd" not in shown and "proxyuser" not in shown
    assert "TimeoutError_" not in shown


def test_timeouts_are_named_in_words_not_class_names(silent_server: int) -> None:
    done = run_cli(
        "doctor",
        *_live(f"https://127.0.0.1:{silent_server}/{TENANT}", "--timeout", "2", "--verbose"),
        env={"DAEMON_WIZARD_CLIENT_SECRET": SECRET},
    )
    _clean(done)
    assert done.code == 3
    assert "network-timeout" in done.out
    assert "TimeoutError_" not in done.out + done.err
