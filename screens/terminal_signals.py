"""Signals in a real terminal: SIGINT, SIGTERM and SIGHUP end the wizard; SIGCONT resumes only a suspension.

Textual's Linux driver re-enters its application mode on every SIGCONT, as if each one ended its own
Ctrl+Z suspension. The kernel sends SIGCONT with SIGHUP when the terminal hangs up (tmux's pane or server
killed, an SSH connection dropped). Re-entering then starts a second output thread beside the first; its
first write to the hung-up terminal fails (EIO) and ends it, and what the app writes afterwards queues up
behind it. The queue holds 30 writes: the restart's own 16, a repaint and the shutdown's 14 fill it, and the
event loop then waits on a lock for good, so every later SIGHUP or SIGTERM is ignored too.

So here a SIGCONT reaches Textual only after a SIGTSTP that Textual handled (a real suspension, which
stopped its output thread first); any other SIGCONT is dropped, as there is nothing to resume.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Callable
from types import FrameType

#: The signals that end the program, each with the exit code 128 + N (130 for SIGINT).
ENDING = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def handle_signals(on_end: Callable[[int], None]) -> None:
    """From the running event loop: `on_end(signum)` for each ending signal, and the SIGCONT guard."""
    loop = asyncio.get_running_loop()
    for signum in ENDING:
        loop.add_signal_handler(signum, on_end, signum)
    guard_resume()


def guard_resume() -> None:
    """Pass SIGCONT on to the driver's own handler only after a SIGTSTP went through the driver's handler."""
    stop_signal = getattr(signal, "SIGTSTP", None)
    resume_signal = getattr(signal, "SIGCONT", None)
    if stop_signal is None or resume_signal is None:  # Windows: no job control, nothing to guard
        return
    on_stop = signal.getsignal(stop_signal)
    on_resume = signal.getsignal(resume_signal)
    if not callable(on_stop) or not callable(on_resume):  # not a terminal driver (headless, a test)
        return
    suspended = False

    def stopped(signum: int, frame: FrameType | None) -> None:
        nonlocal suspended
        suspended = True  # before the driver's handler, which stops the process until the SIGCONT
        on_stop(signum, frame)

    def resumed(signum: int, frame: FrameType | None) -> None:
        nonlocal suspended
        if suspended:
            suspended = False
            on_resume(signum, frame)

    signal.signal(stop_signal, stopped)
    signal.signal(resume_signal, resumed)
