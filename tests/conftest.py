from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable

import pytest
from hypothesis import settings

from bot.sandbox import SANDBOX_ACCESS_KEY, SANDBOX_SECRET_KEY, Sandbox
from bot.servicewatch import ServiceWatchAuth, ServiceWatchClient

pytest_plugins = ["tests.databases"]

# CI runs the same examples every time (a landing must not depend on luck); elsewhere each run explores anew.
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture
async def sandbox() -> AsyncIterator[Sandbox]:
    """A sandbox listening on an ephemeral loopback port."""
    server = Sandbox()
    await server.start()
    yield server
    await server.stop()


class RecordedSleep:
    """Stands in for asyncio.sleep: records each wait and returns at once."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture
def recorded_sleep() -> RecordedSleep:
    return RecordedSleep()


@pytest.fixture
async def sandbox_client(
    sandbox: Sandbox, recorded_sleep: RecordedSleep
) -> AsyncIterator[Callable[..., ServiceWatchClient]]:
    """Makes clients that talk to the sandbox over real HTTP; all are closed at the end."""
    made: list[ServiceWatchClient] = []

    def make(*, secret: str = SANDBOX_SECRET_KEY, **options: object) -> ServiceWatchClient:
        client = ServiceWatchClient(
            sandbox.url,
            ServiceWatchAuth(SANDBOX_ACCESS_KEY, secret),
            sleep=recorded_sleep,
            **options,  # type: ignore[arg-type]
        )
        made.append(client)
        return client

    yield make
    for client in made:
        await client.aclose()
