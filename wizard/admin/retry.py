"""Which failed Graph writes are retried, and how: replication lag only for objects this run created,
throttling by Retry-After, and requests without an alternate key (addPassword) never blindly.

Waits go through the injected Clock (wizard.live.http), so tests record them instead of sleeping.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import TypeVar

from wizard.errors import GraphWriteError, NetworkError, ServiceUnavailable, TimeoutError_, WizardError
from wizard.live.http import SYSTEM_CLOCK, Clock

T = TypeVar("T")

#: Graph's words when an object created moments ago is not visible yet to a dependent call.
REPLICATION_TEXTS = (
    "does not reference a valid application object",
    "not a valid reference update",
    "must in the local tenant",
)
#: Graph's words when the thing asked for is already there (an assignment): success, read back.
ALREADY_TEXTS = ("permission being assigned already exists", "already exists on the object")


class RetryClass(str, Enum):
    """How a failure is treated."""

    REPLICATION = "replication"  # an object this run created is not visible yet: bounded backoff
    THROTTLE = "throttle"  # 429: wait as Retry-After says (the request was not processed)
    TRANSIENT = "transient"  # 503/504, a dropped connection: retry only a request that is safe to repeat
    ALREADY = "already"  # "already exists": success
    FINAL = "final"  # anything else: a finding


def classify(exc: BaseException, *, fresh: bool) -> RetryClass:
    """The class of `exc`; `fresh` is True when the request concerns an object this run created."""
    if isinstance(exc, GraphWriteError):
        text = f"{exc.code} {exc.message}".lower()
        if any(t in text for t in ALREADY_TEXTS):
            return RetryClass.ALREADY
        if fresh and (
            (exc.status == 404 and exc.code in ("Request_ResourceNotFound", "ResourceNotFound", ""))
            or any(t in text for t in REPLICATION_TEXTS)
            or (exc.status == 409 and exc.method == "PATCH")
        ):
            return RetryClass.REPLICATION
        return RetryClass.FINAL
    if isinstance(exc, ServiceUnavailable):
        return RetryClass.THROTTLE if exc.status == 429 else RetryClass.TRANSIENT
    if isinstance(exc, NetworkError) and not isinstance(exc, TimeoutError_):
        return RetryClass.TRANSIENT
    return RetryClass.FINAL


@dataclass
class RetryPolicy:
    """Bounds of the retries of one apply or undo run."""

    clock: Clock = SYSTEM_CLOCK
    #: Replication lag: exponential from `first_wait`, each wait at most `max_wait`, `budget` in all.
    first_wait: float = 1.0
    max_wait: float = 20.0
    budget: float = 180.0
    #: Throttling and transient failures: this many attempts, a Retry-After honoured up to `max_retry_after`.
    attempts: int = 6
    max_retry_after: float = 120.0
    waits: list[tuple[str, RetryClass, float]] = field(default_factory=list)

    async def run(
        self,
        what: str,
        op: Callable[[], Awaitable[T]],
        *,
        fresh: bool = False,
        repeatable: bool = True,
        on_wait: Callable[[str, RetryClass, float], None] | None = None,
    ) -> T:
        """Run `op`, retrying as its failures' class allows.

        `fresh`: the request concerns an object this run created (replication lag is retried).
        `repeatable`: a transient failure may be retried blindly (False for addPassword: the caller
        reconciles first). ALREADY is returned to the caller as the GraphWriteError it is.
        """
        spent = 0.0
        backoff = self.first_wait
        tries = 0
        while True:
            tries += 1
            try:
                return await op()
            except WizardError as exc:
                kind = classify(exc, fresh=fresh)
                wait: float | None = None
                if kind is RetryClass.REPLICATION and spent + backoff <= self.budget:
                    wait = backoff
                    backoff = min(backoff * 2, self.max_wait)
                elif tries < self.attempts and (
                    kind is RetryClass.THROTTLE or (kind is RetryClass.TRANSIENT and repeatable)
                ):
                    asked = exc.retry_after if isinstance(exc, NetworkError) else None
                    wait = min(asked if asked is not None else backoff, self.max_retry_after)
                    backoff = min(backoff * 2, self.max_wait)
                if wait is None:
                    raise
                spent += wait
                self.waits.append((what, kind, wait))
                if on_wait is not None:
                    on_wait(what, kind, wait)
                await self.clock.asleep(wait)
