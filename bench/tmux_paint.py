"""First paint in a real terminal: `daemon-wizard` and a bare Textual app, each started in tmux.

The clock runs from asking tmux to start the program until `tmux capture-pane` shows the start screen's
text (the wizard's first question; the bare app's one `Static`). Both run in the same private tmux server
(its own socket, started once before the rounds), 100x30, TERM=xterm-256color, polled every 5 ms; rounds
alternate. This counts what the headless bench cannot: the terminal driver, the escape codes, tmux's own
parsing. `python -m bench.tmux_paint` runs it alone.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.harness import Row, alternate_runs, paired
from bench.startup import PAINT_ROUNDS

ROOT = Path(__file__).resolve().parent.parent
WIZARD_TEXT = "What do you want to do?"
BARE_TEXT = "hello, bare Textual"
BARE_APP = (
    "from textual.app import App\nfrom textual.widgets import Static\n"
    "class Bare(App[None]):\n    def compose(self):\n        yield Static('hello, bare Textual')\n"
    "Bare().run()\n"
)
POLL = 0.005
TIMEOUT = 60.0


class _Tmux:
    """A private tmux server: one socket for the whole run, killed at the end."""

    def __init__(self, binary: str, env: dict[str, str]) -> None:
        self.binary = binary
        self.socket = f"bench-paint-{os.getpid()}"
        self.env = env
        self._n = 0
        self._call("new-session", "-d", "-s", "keep", "-x", "100", "-y", "30", "sleep 3600")

    def _call(self, *args: str) -> str:
        done = subprocess.run(
            [self.binary, "-L", self.socket, *args], capture_output=True, text=True, env=self.env, check=False
        )
        return done.stdout

    def time_to_text(self, command: list[str], text: str) -> float:
        """Seconds from starting `command` in a new 100x30 session until its pane shows `text`."""
        self._n += 1
        name = f"run{self._n}"
        shell = " ".join(_quote(a) for a in command)
        start = time.perf_counter()
        self._call("new-session", "-d", "-s", name, "-x", "100", "-y", "30", shell)
        try:
            while text not in self._call("capture-pane", "-p", "-t", name):
                if time.perf_counter() - start > TIMEOUT:
                    raise RuntimeError(f"{command[-1]!r} did not show {text!r} in {TIMEOUT:.0f} s")
                time.sleep(POLL)
            return time.perf_counter() - start
        finally:
            self._end(name)

    def _end(self, name: str) -> None:
        """Kill the program, then its session. A hang-up alone now ends `daemon-wizard` too (it used to
        wedge its exit: screens/terminal_signals.py); the kill keeps each round from waiting on that exit."""
        pid = self._call("display-message", "-p", "-t", name, "#{pane_pid}").strip()
        if pid.isdigit():
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(pid), signal.SIGKILL)
        self._call("kill-session", "-t", name)

    def close(self) -> None:
        self._call("kill-server")


def _quote(arg: str) -> str:
    return "'" + arg.replace("'", "'\\''") + "'"


def run(rounds: int = 7) -> tuple[list[Row], list[str]]:
    binary = shutil.which("tmux")
    if binary is None:
        return [], ["tmux paint: tmux is not installed, not measured"]
    with tempfile.TemporaryDirectory(prefix="bench-tmux-") as tmp:
        bare = Path(tmp) / "bare_app.py"
        bare.write_text(BARE_APP)
        env = {
            **os.environ,
            "TERM": "xterm-256color",
            "DAEMON_WIZARD_HOME": str(Path(tmp) / "home"),  # no saved profiles: the first-run start screen
            "TEXTUAL": "",
        }
        env.pop("TMUX", None)
        tmux = _Tmux(binary, env)
        try:
            wizard = [sys.executable, "-m", "wizard"]
            s_runs, b_runs = alternate_runs(
                lambda: tmux.time_to_text(wizard, WIZARD_TEXT),
                lambda: tmux.time_to_text([sys.executable, str(bare)], BARE_TEXT),
                rounds=rounds * PAINT_ROUNDS,
            )
        finally:
            tmux.close()
    s, b = statistics.median(s_runs), statistics.median(b_runs)
    rows = [
        Row("start-up", "wizard first paint, in tmux", s, "bare Textual app, in tmux", b, "s", "<= 1.20x")
    ]
    notes = [
        f"tmux paint: until capture-pane shows the start screen's text, polled every {POLL * 1000:.0f} ms; "
        f"{len(s_runs)} rounds; round by round {paired(s_runs, b_runs)}"
    ]
    return rows, notes


if __name__ == "__main__":
    from bench.harness import print_table

    table, lines = run(rounds=5)
    print_table(table)
    print("\n".join(lines))
