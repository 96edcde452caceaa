"""Uploads paced under Slack's per-workspace limit (files.* methods are Tier 4: 100+ per minute), so a storm of
scheduled charts waits its turn here instead of collecting 429s; someone waiting on `/chart` goes first.

The pacer keeps its two queues in the process; the tokens come from a bucket: this process's own (`LocalBucket`, one
process on SQLite) or the workspace's bucket that every replica shares (bot/slack/pacers.py, on PostgreSQL)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Callable
from typing import Protocol

from bot.store.pace import Turn

log = logging.getLogger(__name__)

RETRY_AFTER_FAILURE = 1.0  # seconds before asking a bucket again after it failed (the database did not answer)


class Bucket(Protocol):
    """Where upload tokens come from."""

    async def take(self, *, scheduled: bool) -> Turn:
        """A token if there is one for this upload (a scheduled one may have to leave room for people)."""
        ...

    async def hold(self, seconds: float) -> None:
        """Slack said 429: no token for `seconds`."""
        ...


class LocalBucket:
    """A token bucket in this process: `per_minute` tokens, up to `burst` at once. The pacer's queues already put
    people first, so scheduled uploads take tokens like any other."""

    def __init__(self, per_minute: float, *, burst: int = 1, clock: Callable[[], float] = time.monotonic) -> None:
        self._rate = per_minute / 60.0
        self._burst = burst
        self._clock = clock
        self._tokens = float(burst)
        self._filled_at = clock()
        self._held_until = 0.0

    async def take(self, *, scheduled: bool) -> Turn:
        now = self._clock()
        self._tokens = min(self._burst, self._tokens + (now - self._filled_at) * self._rate)
        self._filled_at = now
        if now < self._held_until or self._tokens < 1:
            return Turn(False, max(self._held_until - now, (1 - self._tokens) / self._rate, 0.001))
        self._tokens -= 1
        return Turn(True)

    async def hold(self, seconds: float) -> None:
        self._held_until = max(self._held_until, self._clock() + seconds)
        self._tokens = 0.0


class UploadPacer:
    """Two queues in front of a bucket. `wait()` returns when this upload may go; a 429 that comes anyway (another
    process, a lower limit than thought) holds everyone for its Retry-After with `hold()`."""

    def __init__(
        self,
        per_minute: float = 100.0,
        *,
        burst: int = 1,
        clock: Callable[[], float] = time.monotonic,
        bucket: Bucket | None = None,
    ) -> None:
        self._bucket: Bucket = bucket if bucket is not None else LocalBucket(per_minute, burst=burst, clock=clock)
        self._held = False
        self._interactive: deque[asyncio.Future[None]] = deque()
        self._scheduled: deque[asyncio.Future[None]] = deque()
        self._pump: asyncio.Task[None] | None = None
        self._changed = asyncio.Event()

    @property
    def held(self) -> bool:
        """Whether a 429 from Slack has held the uploads at some point."""
        return self._held

    @property
    def waiting(self) -> int:
        return sum(not f.done() for f in (*self._interactive, *self._scheduled))

    async def wait(self, *, scheduled: bool = False) -> None:
        """Wait for this upload's turn; scheduled posts let interactive ones pass them."""
        if not self._interactive and not self._scheduled and (await self._take(scheduled=scheduled)).taken:
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        (self._scheduled if scheduled else self._interactive).append(future)
        if self._pump is None or self._pump.done():
            self._pump = asyncio.create_task(self._serve())
        self._changed.set()
        await future

    async def hold(self, seconds: float) -> None:
        """Slack said 429: nobody uploads for `seconds`."""
        self._held = True
        try:
            await self._bucket.hold(seconds)
        except Exception as exc:  # the 429's own Retry-After is still waited out by the call that got it
            log.warning("a hold of %g s could not be shared (%r)", seconds, exc)
        self._changed.set()

    async def _take(self, *, scheduled: bool) -> Turn:
        try:
            return await self._bucket.take(scheduled=scheduled)
        except Exception as exc:  # the shared bucket's database did not answer: ask again shortly
            log.warning("the upload pace could not be read (%r); asking again in %g s", exc, RETRY_AFTER_FAILURE)
            return Turn(False, RETRY_AFTER_FAILURE)

    def _next(self) -> deque[asyncio.Future[None]] | None:
        for queue in (self._interactive, self._scheduled):
            while queue and queue[0].done():  # its caller gave up
                queue.popleft()
            if queue:
                return queue
        return None

    async def _serve(self) -> None:
        while (queue := self._next()) is not None:
            turn = await self._take(scheduled=queue is self._scheduled)
            if turn.taken:
                if (queue := self._next()) is not None:  # who is first now (someone may have come or gone meanwhile)
                    queue.popleft().set_result(None)
                continue
            self._changed.clear()
            with contextlib.suppress(TimeoutError):  # a hold (or a new arrival) changes what to do next
                await asyncio.wait_for(self._changed.wait(), turn.wait)
