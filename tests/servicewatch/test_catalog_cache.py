"""The catalog under failure: one shared call per refresh, the last good catalog kept when a refresh fails, and
an answer at once for callers that cannot wait (Slack's type-ahead)."""

from __future__ import annotations

import asyncio

import pytest

from bot.servicewatch import ServerError
from bot.servicewatch.catalog import Catalog, CatalogCache
from bot.servicewatch.models import MetricsResponse


def catalog(name: str) -> Catalog:
    """A catalog of one metric, `name`, in ListMetricInfos's documented shape."""
    metric = {"name": name, "default_collection_interval": "5m", "dimensions": [{"key": "VolumeID", "value": "v1"}]}
    body = {
        "count": 1,
        "namespaces": [{"name": "Virtual Server", "dimensions": [{"keys": "VolumeID", "metrics": [metric]}]}],
    }
    return Catalog.from_response(MetricsResponse.model_validate(body))


class Upstream:
    """ListMetricInfos as the cache sees it: counts calls; each answer is a catalog, a failure, or a hang."""

    def __init__(self, *answers: Catalog | Exception | None) -> None:
        self.answers = list(answers)
        self.calls = 0
        self.release = asyncio.Event()

    async def __call__(self) -> Catalog:
        self.calls += 1
        answer = self.answers.pop(0)
        if answer is None:  # hangs until released
            await self.release.wait()
            return catalog("late")
        await asyncio.sleep(0)  # the waiters pile up behind the one call
        if isinstance(answer, Exception):
            raise answer
        return answer


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def failure() -> ServerError:
    return ServerError(status_code=503, detail="down")


async def test_a_failed_refresh_keeps_serving_the_last_good_catalog(caplog: pytest.LogCaptureFixture) -> None:
    clock, upstream = Clock(), Upstream(catalog("cpu"), failure(), catalog("mem"))
    cache = CatalogCache(upstream, ttl=60, retry_after=30, clock=clock)
    first = await cache.get()
    clock.now += 61  # stale: the refresh fails …
    assert await cache.get() is first  # … and the catalog of 61 s ago serves
    assert "serving the one fetched 61 s ago" in caplog.text
    clock.now += 29
    assert await cache.get() is first  # not asked again before retry_after
    assert upstream.calls == 2
    clock.now += 2
    assert [m.name for m in (await cache.get()).metrics] == ["mem"]  # tried again, and it worked
    assert upstream.calls == 3


async def test_every_waiter_of_a_failing_refresh_shares_its_one_call() -> None:
    upstream = Upstream(failure(), catalog("cpu"))
    cache = CatalogCache(upstream, ttl=60)
    results = await asyncio.gather(*[cache.get() for _ in range(5)], return_exceptions=True)
    assert all(isinstance(r, ServerError) for r in results)
    assert upstream.calls == 1  # no waiter repeated the failing call
    assert [m.name for m in (await cache.get()).metrics] == ["cpu"]  # a failure is not kept
    assert upstream.calls == 2


async def test_a_waiter_that_gives_up_does_not_cancel_the_refresh_of_the_others() -> None:
    upstream = Upstream(None)
    cache = CatalogCache(upstream, ttl=60)
    impatient, patient = asyncio.create_task(cache.get()), asyncio.create_task(cache.get())
    await asyncio.sleep(0)
    impatient.cancel()
    upstream.release.set()
    assert [m.name for m in (await patient).metrics] == ["late"]
    assert upstream.calls == 1


async def test_within_answers_from_what_is_held_and_never_waits_past_its_bound() -> None:
    clock, upstream = Clock(), Upstream(None, None)
    cache = CatalogCache(upstream, ttl=60, clock=clock)
    assert await cache.within(0.01) is None  # nothing held, the fetch hangs: no answer rather than a late one
    upstream.release.set()
    held = await cache.get()
    assert [m.name for m in held.metrics] == ["late"]  # the hung fetch, answered at last, was shared
    clock.now += 61
    upstream.release.clear()
    assert await cache.within(10) is held  # stale and the refresh hangs again: the held one, at once
