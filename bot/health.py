"""Readiness: whether this process can do its work, check by check (Slack access, the database, the scheduler,
ServiceWatch's keys), for `/readyz` and the `servicewatch_bot_ready` gauges. Liveness (`/healthz`) is not here: it
only needs the event loop to answer."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from prometheus_client import CollectorRegistry, Gauge

from bot.store.db import Database

log = logging.getLogger(__name__)

Check = Callable[[], Awaitable[str | None]]
"""Asked on every probe: None when all is well, else what is wrong (shown on /readyz: no secrets, no hosts)."""


def from_state(problem: Callable[[], str | None]) -> Check:
    """A check that only reads what a part of the bot already knows (no I/O)."""

    async def check() -> str | None:
        return problem()

    return check


class CachedCheck:
    """A check that costs a round trip: bounded by `timeout`, its answer kept for `ttl` seconds, and one run shared
    by every probe that arrives meanwhile, so a storm of probes costs one round trip every `ttl` seconds."""

    def __init__(
        self, check: Check, *, ttl: float = 5.0, timeout: float = 2.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._check, self._ttl, self._timeout, self._clock = check, ttl, timeout, clock
        self._answer: tuple[float, str | None] | None = None  # (until, answer)
        self._running: asyncio.Task[str | None] | None = None

    async def __call__(self) -> str | None:
        if self._answer is not None and self._clock() < self._answer[0]:
            return self._answer[1]
        if self._running is None or self._running.done():
            self._running = asyncio.create_task(self._run())
        return await asyncio.shield(self._running)

    async def _run(self) -> str | None:
        try:
            async with asyncio.timeout(self._timeout):
                answer = await self._check()
        except TimeoutError:
            answer = f"no answer within {self._timeout:g} s"
        self._answer = (self._clock() + self._ttl, answer)
        return answer


def database_check(database: Database, *, ttl: float = 5.0, timeout: float = 2.0) -> CachedCheck:
    """Whether the database takes writes (its file there and writable, its disk not full, `SELECT 1` answered, not
    read-only), with a short timeout, its answer kept a few seconds."""

    async def writable() -> str | None:
        problem = await database.problem()
        if problem is not None:
            log.warning("the database is not ready: %s", problem)
        return problem

    return CachedCheck(writable, ttl=ttl, timeout=timeout)


@dataclass(frozen=True)
class ReadinessReport:
    problems: dict[str, str | None]  # every check by name: None when it passes

    @property
    def ready(self) -> bool:
        return all(problem is None for problem in self.problems.values())

    @property
    def failing(self) -> dict[str, str]:
        return {name: problem for name, problem in self.problems.items() if problem is not None}

    def as_json(self) -> dict[str, Any]:
        """`/readyz`'s body: ready or not, which checks fail and why, and every check's verdict."""
        return {
            "ready": self.ready,
            "failing": self.failing,
            "checks": {name: problem is None for name, problem in self.problems.items()},
        }


class Readiness:
    """The named checks of one process, asked together on each probe; each result also sets the gauge
    `servicewatch_bot_ready{check=NAME}` (1 passing, 0 failing) in `registry`."""

    def __init__(self, checks: Mapping[str, Check], *, registry: CollectorRegistry | None = None) -> None:
        self._checks = dict(checks)
        self._last: dict[str, str | None] = {}
        self._gauge = (
            Gauge(
                "servicewatch_bot_ready",
                "1 when the readiness check passes, 0 when it fails",
                ["check"],
                registry=registry,
            )
            if registry is not None
            else None
        )

    async def check(self) -> ReadinessReport:
        """Ask every check (concurrently); a check that raises counts as failing."""
        names = list(self._checks)
        answers = await asyncio.gather(*(self._ask(name) for name in names))
        report = ReadinessReport(dict(zip(names, answers, strict=True)))
        for name, problem in report.problems.items():
            if self._gauge is not None:
                self._gauge.labels(name).set(0 if problem else 1)
            if (problem is None) != (self._last.get(name) is None):  # logged when it changes
                if problem is None:
                    log.info("readiness: %s passes again", name)
                else:
                    log.warning("readiness: %s fails: %s", name, problem)
            self._last[name] = problem
        return report

    async def _ask(self, name: str) -> str | None:
        try:
            return await self._checks[name]()
        except Exception as exc:
            log.exception("the readiness check %s raised", name)
            return f"the check itself failed ({type(exc).__name__})"
