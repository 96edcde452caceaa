"""Fixtures and hooks only (helpers live in modules of their own): `--slow`, the run's Hypothesis seed, the xdist
workers, the sandbox, fake Slack and whole-bot fixtures, and a loop that outlives the database's threads."""

from __future__ import annotations

import asyncio
import functools
import inspect
import os
import secrets
import sys
import threading
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from aiosqlite.core import _connection_worker_thread
from hypothesis import HealthCheck, settings

from bot import wiring
from bot.drawing.render import PlotSeries, draw_line_chart, to_png
from bot.sandbox import SANDBOX_ACCESS_KEY, SANDBOX_SECRET_KEY, Sandbox
from bot.servicewatch import ServiceWatchAuth, ServiceWatchClient
from tests.clocks import RecordedSleep
from tests.fakes.slack import FakeSlack
from tests.stacks import BotStack, settings_for, start_stack

pytest_plugins = ["tests.databases"]

# Hypothesis's deadline and its too-slow health check measure how fast this machine is today: off everywhere.
settings.register_profile("suite", deadline=None, suppress_health_check=[HealthCheck.too_slow])
# CI explores anew on every run (a fresh seed, printed at the end) and keeps no example database between runs;
# a failure is replayed with the printed `--hypothesis-seed`.
settings.register_profile("ci", parent=settings.get_profile("suite"), database=None, print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else "suite")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--slow",
        action="store_true",
        help="also run the tests marked slow: real processes, the large fuzz run, waits on a real clock (CI does)",
    )


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    """Every run has one Hypothesis seed, chosen here unless given, so any failure can be replayed. Runs before
    Hypothesis's own plugin reads the option; a pytest-xdist worker takes the seed its main process chose."""
    worker = getattr(config, "workerinput", None)
    if worker is not None:
        config.option.hypothesis_seed = worker["hypothesis_seed"]
    elif config.getoption("hypothesis_seed", None) is None:
        config.option.hypothesis_seed = str(secrets.randbelow(2**32))


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto`: a worker a core and one more. Many tests wait on sockets, timeouts and schedules, which the extra
    worker fills; more workers than that cost more than they fill (each imports and collects everything: ~4 s of
    CPU). On 2 cores (2026-12-06, four runs each, wall clock): 3 workers 51–63 s, 4 workers 55–75 s, 2 workers 66 s."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return cores + 1


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """pytest-xdist: hand the main process's seed to each worker."""
    node.workerinput["hypothesis_seed"] = node.config.getoption("hypothesis_seed")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--slow"):
        return
    slow = [item for item in items if item.get_closest_marker("slow")]
    if slow:
        config.hook.pytest_deselected(items=slow)
        items[:] = [item for item in items if not item.get_closest_marker("slow")]


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    seed = config.getoption("hypothesis_seed")
    terminalreporter.write_line(f"Hypothesis seed {seed}: `--hypothesis-seed={seed}` replays this run's examples.")
    if not config.getoption("--slow"):
        terminalreporter.write_line("Tests marked slow were left out; `--slow` runs them too (CI does).")


@pytest.fixture(autouse=True)
def stock_images_in_the_bots_sandbox(monkeypatch: pytest.MonkeyPatch) -> None:
    """The bot's built-in sandbox (the whole-bot stacks, the in-process console) serves one drawing per chart size
    and worker: drawing each chart with matplotlib was most of the suite's CPU, and no test of the bot reads an
    image beyond its size. The sandbox's own tests (the `sandbox` fixture) still draw every chart."""
    monkeypatch.setattr(wiring, "Sandbox", functools.partial(Sandbox, stock_images=True))


@pytest.fixture(scope="session")
def warm_matplotlib() -> None:
    """matplotlib's first chart in a process (imports, and on a new machine its font cache) takes seconds: draw it
    here, outside any test's timeouts, once per worker."""
    to_png(draw_line_chart([PlotSeries("warm", [(0, 1.0), (60, 2.0)])], title="warm", start=0, end=60))


@pytest.fixture
async def sandbox(warm_matplotlib: None) -> AsyncIterator[Sandbox]:
    """A sandbox listening on an ephemeral loopback port."""
    server = Sandbox()
    await server.start()
    yield server
    await server.stop()


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


@pytest.fixture
async def fake_slack(warm_matplotlib: None) -> AsyncIterator[FakeSlack]:
    """The fake Slack with its default workspace (tests/fakes/slack.py: PEOPLE, CHANNELS); a test declares more."""
    fake = FakeSlack().default_workspace()
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture
async def stack(fake_slack: FakeSlack, tmp_path: Path) -> AsyncIterator[BotStack]:
    """The whole bot in HTTP mode, in this process, on the fake Slack and the built-in sandbox."""
    async for running in start_stack(fake_slack, settings_for(fake_slack, tmp_path)):
        yield running


@pytest.fixture(autouse=True)
async def the_loop_outlives_the_database_threads() -> AsyncIterator[None]:
    """aiosqlite runs each connection on a thread of its own that answers into the loop that asked. A connection
    closed as the test's loop ends (a task cancelled at the end, a connection finalised by the pool) would answer into
    a closed loop, and pytest would blame the next test for that thread's error: the busier the machine, the likelier.
    So before the loop closes, work left running is cancelled and awaited, then the threads get to answer."""
    yield
    loop = asyncio.get_running_loop()
    current = asyncio.current_task()
    left = [task for task in asyncio.all_tasks() if task is not current and not task.done()]
    for task in left:
        task.cancel()
    if left:
        await asyncio.wait(left, timeout=10)
    deadline = loop.time() + 10
    # Polled: the threads are the library's and signal nothing; the loop keeps answering them meanwhile.
    while _busy_database_threads() and loop.time() < deadline:  # noqa: ASYNC110
        await asyncio.sleep(0.005)


def _busy_database_threads() -> list[str]:
    """aiosqlite's connection threads with work queued or under way (idle ones wait in their queue's `get`)."""
    frames = sys._current_frames()
    busy = []
    for thread in threading.enumerate():
        if getattr(thread, "_target", None) is not _connection_worker_thread:
            continue
        queue = getattr(thread, "_args", (None,))[0]
        frame = frames.get(thread.ident or 0)
        while frame is not None and frame.f_code is not _connection_worker_thread.__code__:
            frame = frame.f_back
        if (queue is not None and not queue.empty()) or (frame is not None and frame.f_lineno != _WAITING_LINE):
            busy.append(thread.name)
    return busy


def _waiting_line() -> int:
    """The line of aiosqlite's connection thread where it waits for work."""
    lines, first = inspect.getsourcelines(_connection_worker_thread)
    return first + next(n for n, line in enumerate(lines) if "tx.get()" in line)


_WAITING_LINE = _waiting_line()
