"""The real program in a real terminal (a pty): signals end it with the documented code, and the sandbox's
temporary folder, which holds private keys, is gone afterwards; a bad `--sandbox` is a message, exit 2."""

from __future__ import annotations

import fcntl
import os
import pty
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

import pytest

#: Only a bound for a failure report; a loaded machine just takes longer to reach each condition.
BOUND = 180.0


class Terminal:
    """The wizard run as a user runs it, on a pty of 100x32; everything it draws is kept in `output`."""

    def __init__(self, tmp_path: Path, *args: str) -> None:
        self.tmp = tmp_path / "tmp"
        self.tmp.mkdir()
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("DAEMON_WIZARD_CLIENT_SECRET", "PYTEST", "TEXTUAL"))
        }
        env.update(TMPDIR=str(self.tmp), TERM="xterm-256color", DAEMON_WIZARD_HOME=str(tmp_path / "home"))
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 32, 100, 0, 0))
        self.process = subprocess.Popen(
            [sys.executable, "-m", "wizard", *args],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            start_new_session=True,
        )
        os.close(slave)
        self.master = master
        self.output = b""
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            if not chunk:
                return
            self.output += chunk

    def until(self, condition: object, what: str) -> None:
        deadline = time.monotonic() + BOUND
        while not (callable(condition) and condition()):
            if self.process.poll() is not None:
                raise AssertionError(f"the wizard exited ({self.process.returncode}) before {what}")
            if time.monotonic() > deadline:
                raise AssertionError(f"never saw {what}")
            time.sleep(0.05)

    def sandbox_dirs(self) -> list[Path]:
        return sorted(self.tmp.glob("daemon-wizard-sandbox-*"))

    def wait(self) -> int:
        try:
            return self.process.wait(timeout=BOUND)
        finally:
            os.close(self.master)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@pytest.mark.parametrize(
    ("signum", "code"),
    [(signal.SIGINT, 130), (signal.SIGTERM, 128 + signal.SIGTERM), (signal.SIGHUP, 128 + signal.SIGHUP)],
    ids=["SIGINT", "SIGTERM", "SIGHUP"],
)
def test_a_signal_ends_the_wizard_and_removes_the_sandbox_folder(
    tmp_path: Path, signum: signal.Signals, code: int
) -> None:
    term = Terminal(tmp_path, "--sandbox")
    try:
        # The sandbox is up (its folder with the apps' keys exists) and the registration step is drawn.
        term.until(lambda: bool(term.sandbox_dirs()), "the sandbox's temporary folder")
        keys = term.sandbox_dirs()[0]
        term.until(lambda: b"graph-daemon" in term.output, "the registration step on the sandbox")
        assert any(keys.rglob("*.pem")) or any(keys.rglob("*")), "the sandbox folder is empty"
        term.process.send_signal(signum)
        assert term.wait() == code
        assert not keys.exists(), "the sandbox's private keys were left behind"
        assert b"Traceback" not in term.output
    finally:
        term.kill()


def test_an_unknown_sandbox_app_is_a_message_and_exit_2(tmp_path: Path) -> None:
    term = Terminal(tmp_path, "--sandbox", "--sandbox-app", "no-such-daemon")
    try:
        assert term.wait() == 2
        assert b"no app named 'no-such-daemon'" in term.output
        assert b"Traceback" not in term.output
    finally:
        term.kill()
