"""Sandboxes whose answers cost no drawing, for tests whose client timeout must not race matplotlib; waiting on a
sandbox's requests."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from bot.sandbox import SANDBOX_ACCESS_KEY, SANDBOX_SECRET_KEY, Sandbox
from bot.servicewatch import ServiceWatchAuth, ServiceWatchClient
from bot.servicewatch.models import MetricDataImageRequestV1Dot1
from tests.seed import seed_bodies


async def use_stock_images(sandbox: Sandbox, *sizes: tuple[int, int]) -> None:
    """Serve one drawing per size, drawn now under no timeout worth the name; the calls it took are forgotten."""
    sandbox.stock_images = True
    body = seed_bodies()["1.1"][1]
    async with ServiceWatchClient(
        sandbox.url, ServiceWatchAuth(SANDBOX_ACCESS_KEY, SANDBOX_SECRET_KEY), timeout=120, max_retries=0
    ) as client:
        for width, height in sizes:
            request = MetricDataImageRequestV1Dot1.model_validate(dict(body, width=width, height=height))
            await client.download_metric_data_image(request)
    sandbox.calls.clear()


async def wait_for_sandbox(sandbox: Sandbox, predicate: Callable[[], bool], within: float = 10.0) -> None:
    """Wait until `predicate()` holds: requests reach the sandbox, and leave it, over real sockets."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError(
                f"timed out; the sandbox has {sandbox.in_flight} in flight, calls {dict(sandbox.calls)}"
            )
        await asyncio.sleep(0.02)
