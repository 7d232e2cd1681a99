"""A clock for the retry seam (`clock=` of HttpSettings.bounded, Deadline, run_doctor): waits are recorded,
not slept, and the deadline sees them as time gone by."""

from __future__ import annotations

import threading
import time


class FakeClock:
    """Real monotonic time plus every wait asked for; `sleeps` lists those waits in order."""

    def __init__(self) -> None:
        self.sleeps: list[float] = []
        self._skipped = 0.0
        self._lock = threading.Lock()

    def monotonic(self) -> float:
        return time.monotonic() + self._skipped

    def sleep(self, seconds: float, cancelled: threading.Event) -> None:
        self._skip(seconds)

    async def asleep(self, seconds: float) -> None:
        self._skip(seconds)

    def _skip(self, seconds: float) -> None:
        with self._lock:
            self.sleeps.append(round(seconds, 3))
            self._skipped += seconds
