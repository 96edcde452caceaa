"""Identical chart and data requests share one upstream call: while in flight, and for a while after."""

from __future__ import annotations

import asyncio
import json
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any, Generic, TypeVar

from bot.servicewatch.client import ServiceWatchClient
from bot.servicewatch.images import ChartImage
from bot.servicewatch.models import ImageRequest, MetricDataRequest, MetricDataSeries

T = TypeVar("T")


def canonical_key(kind: str, body: dict[str, Any]) -> str:
    """The same request always gives the same key, whatever the order of its fields."""
    return kind + ":" + json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


class SingleFlight(Generic[T]):
    """Runs one call per key at a time; callers of a key in flight wait for its answer, and an answer
    is kept for its own TTL (bounded to `max_entries`, oldest out first). Failures are not kept."""

    def __init__(self, *, max_entries: int = 256, clock: Callable[[], float] = time.monotonic) -> None:
        self._max_entries = max_entries
        self._clock = clock
        self._flying: dict[str, asyncio.Future[T]] = {}
        self._done: OrderedDict[str, tuple[float, T]] = OrderedDict()
        self.hits = 0
        self.misses = 0

    async def run(self, key: str, ttl: float, call: Callable[[], Awaitable[T]]) -> T:
        kept = self._done.get(key)
        if kept is not None:
            if kept[0] > self._clock():
                self.hits += 1
                self._done.move_to_end(key)
                return kept[1]
            del self._done[key]
        flying = self._flying.get(key)
        if flying is not None:
            self.hits += 1
            try:
                return await asyncio.shield(flying)
            except asyncio.CancelledError:
                task = asyncio.current_task()
                if flying.cancelled() and task is not None and not task.cancelling():
                    return await self.run(key, ttl, call)  # the caller we waited on gave up; ask ourselves
                raise
        self.misses += 1
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._flying[key] = future
        try:
            value = await call()
        except asyncio.CancelledError:
            future.cancel()
            raise
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved here, so an unawaited failure is not reported as lost
            raise
        finally:
            self._flying.pop(key, None)
        future.set_result(value)
        if ttl > 0:
            self._done[key] = (self._clock() + ttl, value)
            while len(self._done) > self._max_entries:
                self._done.popitem(last=False)
        return value


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
        self._limit = asyncio.Semaphore(max_concurrency)
        self._images: SingleFlight[ChartImage] = SingleFlight(max_entries=max_entries, clock=clock)
        self._data: SingleFlight[tuple[MetricDataSeries, ...]] = SingleFlight(max_entries=max_entries, clock=clock)

    async def image(self, request: ImageRequest, *, ttl: float) -> ChartImage:
        """DownloadMetricDataImage, shared with identical requests in flight or answered within `ttl` seconds."""

        async def call() -> ChartImage:
            async with self._limit:
                return await self.client.download_metric_data_image(request)

        return await self._images.run(canonical_key("image", request.wire_json()), ttl, call)

    async def data(self, request: MetricDataRequest, *, ttl: float) -> tuple[MetricDataSeries, ...]:
        """ListMetricData, shared the same way."""

        async def call() -> tuple[MetricDataSeries, ...]:
            async with self._limit:
                return await self.client.list_metric_data(request)

        return await self._data.run(canonical_key("data", request.wire_json()), ttl, call)
