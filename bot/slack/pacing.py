"""Uploads paced under Slack's per-workspace limit (files.* methods are Tier 4: 100+ per minute), so a storm of
scheduled charts waits its turn here instead of collecting 429s; someone waiting on `/chart` goes first."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import Callable


class UploadPacer:
    """A token bucket with two queues. `wait()` returns when this upload may go; a 429 that comes anyway
    (another process, a lower limit than thought) holds everyone for its Retry-After with `hold()`."""

    def __init__(self, per_minute: float, *, burst: int = 1, clock: Callable[[], float] = time.monotonic) -> None:
        self._rate = per_minute / 60.0
        self._burst = burst
        self._clock = clock
        self._tokens = float(burst)
        self._filled_at = clock()
        self._held_until = 0.0
        self._interactive: deque[asyncio.Future[None]] = deque()
        self._scheduled: deque[asyncio.Future[None]] = deque()
        self._pump: asyncio.Task[None] | None = None
        self._changed = asyncio.Event()

    @property
    def held(self) -> bool:
        """Whether a 429 from Slack has held the uploads at some point."""
        return self._held_until > 0

    @property
    def waiting(self) -> int:
        return sum(not f.done() for f in (*self._interactive, *self._scheduled))

    async def wait(self, *, scheduled: bool = False) -> None:
        """Wait for this upload's turn; scheduled posts let interactive ones pass them."""
        if not self._interactive and not self._scheduled and self._take():
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        (self._scheduled if scheduled else self._interactive).append(future)
        if self._pump is None or self._pump.done():
            self._pump = asyncio.create_task(self._serve())
        self._changed.set()
        await future

    def hold(self, seconds: float) -> None:
        """Slack said 429: nobody uploads for `seconds`."""
        self._held_until = max(self._held_until, self._clock() + seconds)
        self._tokens = 0.0
        self._changed.set()

    def _take(self) -> bool:
        now = self._clock()
        self._tokens = min(self._burst, self._tokens + (now - self._filled_at) * self._rate)
        self._filled_at = now
        if now < self._held_until or self._tokens < 1:
            return False
        self._tokens -= 1
        return True

    def _next(self) -> deque[asyncio.Future[None]] | None:
        for queue in (self._interactive, self._scheduled):
            while queue and queue[0].done():  # its caller gave up
                queue.popleft()
            if queue:
                return queue
        return None

    async def _serve(self) -> None:
        while (queue := self._next()) is not None:
            if self._take():
                queue.popleft().set_result(None)
                continue
            now = self._clock()
            delay = max(self._held_until - now, (1 - self._tokens) / self._rate, 0.001)
            self._changed.clear()
            with contextlib.suppress(TimeoutError):  # a hold (or a new arrival) changes what to do next
                await asyncio.wait_for(self._changed.wait(), delay)
