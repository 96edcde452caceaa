"""Identical chart and data requests share one upstream call: while in flight, and for a while after."""

from __future__ import annotations

import asyncio
import functools
import json
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any, Generic, TypeVar

from bot.servicewatch.client import ServiceWatchClient
from bot.servicewatch.images import ChartImage
from bot.servicewatch.limit import IMAGES, NUMBERS, PriorityLimit
from bot.servicewatch.models import ImageRequest, MetricDataRequest, MetricDataSeries

T = TypeVar("T")


def canonical_key(kind: str, body: dict[str, Any]) -> str:
    """The same request always gives the same key, whatever the order of its fields."""
    return kind + ":" + json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


class _Flight(Generic[T]):
    """One call in flight, in a task of its own, and how many callers wait on it."""

    def __init__(self, task: asyncio.Future[T]) -> None:
        self.task = task
        self.waiters = 0


class SingleFlight(Generic[T]):
    """Runs one call per key at a time; callers of a key in flight wait for its answer, and an answer
    is kept for its own TTL (bounded to `max_entries`, oldest out first). Failures are not kept.

    The call runs in a task of its own: a caller that is cancelled leaves it to the others still waiting, and the
    last one to leave cancels it (an upstream request nobody waits for is stopped, not left running)."""

    def __init__(self, *, max_entries: int = 256, clock: Callable[[], float] = time.monotonic) -> None:
        self._max_entries = max_entries
        self._clock = clock
        self._flying: dict[str, _Flight[T]] = {}
        self._done: OrderedDict[str, tuple[float, T]] = OrderedDict()
        self.hits = 0
        self.misses = 0

    async def run(self, key: str, ttl: float, call: Callable[[], Awaitable[T]]) -> T:
        """The answer of `call` for `key`: kept, in flight, or asked now."""
        kept = self._done.get(key)
        if kept is not None:
            if kept[0] > self._clock():
                self.hits += 1
                self._done.move_to_end(key)
                return kept[1]
            del self._done[key]
        flight = self._flying.get(key)
        if flight is None:
            self.misses += 1
            flight = self._flying[key] = _Flight(asyncio.ensure_future(call()))
            flight.task.add_done_callback(functools.partial(self._landed, key, flight, ttl))
        else:
            self.hits += 1
        flight.waiters += 1
        try:
            return await asyncio.shield(flight.task)
        finally:
            flight.waiters -= 1
            if flight.waiters == 0 and not flight.task.done():  # the last one waiting was cancelled
                if self._flying.get(key) is flight:
                    del self._flying[key]  # a later caller starts afresh instead of joining a cancelled call
                flight.task.cancel()
                await asyncio.wait([flight.task])  # ended before its caller's cancellation is: nothing left running

    def _landed(self, key: str, flight: _Flight[T], ttl: float, task: asyncio.Future[T]) -> None:
        """The call ended: no longer in flight; its answer, if it is one, kept for `ttl` seconds."""
        if self._flying.get(key) is flight:
            del self._flying[key]
        if task.cancelled() or task.exception() is not None or ttl <= 0:
            return
        self._done[key] = (self._clock() + ttl, task.result())
        while len(self._done) > self._max_entries:
            self._done.popitem(last=False)


class CoalescingServiceWatch:
    """The chart and data calls of a ServiceWatch client, coalesced and under one concurrency limit."""

    def __init__(
        self,
        client: ServiceWatchClient,
        *,
        max_concurrency: int = 8,
        max_entries: int = 256,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client = client
        self._limit = PriorityLimit(max_concurrency)  # the numbers before the images (bot/servicewatch/limit.py)
        self._images: SingleFlight[ChartImage] = SingleFlight(max_entries=max_entries, clock=clock)
        self._data: SingleFlight[tuple[MetricDataSeries, ...]] = SingleFlight(max_entries=max_entries, clock=clock)

    async def image(self, request: ImageRequest, *, ttl: float) -> ChartImage:
        """DownloadMetricDataImage, shared with identical requests in flight or answered within `ttl` seconds."""

        async def call() -> ChartImage:
            async with self._limit.slot(IMAGES):
                return await self.client.download_metric_data_image(request)

        return await self._images.run(canonical_key("image", request.wire_json()), ttl, call)

    async def data(self, request: MetricDataRequest, *, ttl: float) -> tuple[MetricDataSeries, ...]:
        """ListMetricData, shared the same way."""

        async def call() -> tuple[MetricDataSeries, ...]:
            async with self._limit.slot(NUMBERS):
                return await self.client.list_metric_data(request)

        return await self._data.run(canonical_key("data", request.wire_json()), ttl, call)
