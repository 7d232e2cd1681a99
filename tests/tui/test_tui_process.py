"""The real program in a real terminal (a pty): signals end it with the documented code, and the sandbox's
temporary folder, which holds private keys, is gone afterwards; a terminal that hangs up (tmux's pane or
server killed) ends it too; a bad `--sandbox` is a message, exit 2."""

from __future__ import annotations

import fcntl
import os
import pty
import select
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
#: How long a signalled wizard may take to exit: generous, as the heavy imports after the first paint
#: finish first (an import cannot be interrupted); a wedged exit never ends.
EXIT_BOUND = 30.0
#: The start screen's question, as Textual draws it.
START_TEXT = b"What do you want to do?"
#: The pty becomes the program's controlling terminal, as a terminal emulator or tmux makes it: then
#: closing its other end hangs it up, and the kernel sends the program SIGHUP and SIGCONT.
_LAUNCH = (
    "import fcntl, os, sys, termios; fcntl.ioctl(0, termios.TIOCSCTTY, 0); "
    "os.execv(sys.executable, [sys.executable, '-m', 'wizard', *sys.argv[1:]])"
)


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
            [sys.executable, "-c", _LAUNCH, *args],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            start_new_session=True,
        )
        os.close(slave)
        self.master: int | None = master
        self.output = b""
        self._hanging_up = threading.Event()
        self._reader = threading.Thread(target=self._read, args=(master,), daemon=True)
        self._reader.start()

    def _read(self, master: int) -> None:
        # select with a timeout, not a blocking read: a read in progress would keep the pty open past
        # `hang_up`, which must be the last holder of this end.
        while not self._hanging_up.is_set():
            if not select.select([master], [], [], 0.05)[0]:
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the program has exited and nothing holds its end any more
                return
            if not chunk:
                return
            self.output += chunk

    def read_to_end(self) -> bytes:
        """Everything the program wrote, once it has exited (the reader stops at the end of the output)."""
        self._reader.join(timeout=BOUND)
        return self.output

    def hang_up(self) -> None:
        """Close the terminal, as tmux does when its pane or server is killed."""
        self._close()

    def _close(self) -> None:
        self._hanging_up.set()
        self._reader.join(timeout=BOUND)
        if self.master is not None:
            os.close(self.master)
            self.master = None

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

    def wait(self, timeout: float = BOUND) -> int:
        """The exit status; a wizard still running after `timeout` fails the test (and is killed after)."""
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"the wizard did not exit within {timeout:.0f} s") from None

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self._close()


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
        assert b"Traceback" not in term.read_to_end()
    finally:
        term.kill()


def test_an_unknown_sandbox_app_is_a_message_and_exit_2(tmp_path: Path) -> None:
    term = Terminal(tmp_path, "--sandbox", "--sandbox-app", "no-such-daemon")
    try:
        assert term.wait() == 2
        output = term.read_to_end()
        assert b"no app named 'no-such-daemon'" in output
        assert b"Traceback" not in output
    finally:
        term.kill()


def test_a_terminal_that_hangs_up_ends_the_wizard(tmp_path: Path) -> None:
    """tmux's pane killed after the first paint: the kernel's SIGHUP (with its SIGCONT) ends the wizard.

    Textual took that SIGCONT for the end of a suspension and restarted its output behind the dead
    terminal; the exit's writes then filled the output queue and the process waited on its lock for good.
    """
    term = Terminal(tmp_path)
    try:
        term.until(lambda: START_TEXT in term.output, "the start screen")
        term.hang_up()
        assert term.wait(EXIT_BOUND) == 128 + signal.SIGHUP
    finally:
        term.kill()


@pytest.mark.parametrize("signum", [signal.SIGHUP, signal.SIGTERM], ids=["SIGHUP", "SIGTERM"])
def test_a_sigcont_without_a_suspension_leaves_the_terminal_alone(
    tmp_path: Path, signum: signal.Signals
) -> None:
    """A SIGCONT nobody suspended the wizard for (a hang-up sends one) does not restart its output, so the
    SIGHUP or SIGTERM that follows ends it at once, the alternate screen entered once and left once."""
    term = Terminal(tmp_path)
    try:
        term.until(lambda: START_TEXT in term.output, "the start screen")
        term.process.send_signal(signal.SIGCONT)
        term.process.send_signal(signum)
        assert term.wait(EXIT_BOUND) == 128 + signum
        output = term.read_to_end()
        assert output.count(b"\x1b[?1049h") == 1, "the SIGCONT restarted Textual's application mode"
        assert output.count(b"\x1b[?1049l") == 1
        assert b"Traceback" not in output
    finally:
        term.kill()
