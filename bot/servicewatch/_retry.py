"""When to try a ServiceWatch call again, and how long to wait first."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime


def is_retryable_status(status_code: int) -> bool:
    """429 and server errors are worth another try; every other status will answer the same again."""
    return status_code == 429 or status_code >= 500


def parse_retry_after(value: str | None, *, now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> float | None:
    """Seconds to wait from a `Retry-After` header: a number of seconds or an HTTP date; None if absent or bad."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now()).total_seconds())


def backoff_delay(
    attempt: int,
    retry_after: float | None = None,
    *,
    base: float = 0.5,
    cap: float = 8.0,
    rng: Callable[[], float] = random.random,
) -> float:
    """The wait before try number `attempt + 1`: the server's `Retry-After` when given, else capped
    exponential backoff (0.5 s, 1 s, 2 s, … up to 8 s) with jitter between half and all of it."""
    if retry_after is not None:
        return retry_after
    ceiling = min(cap, base * 2.0**attempt)
    return ceiling / 2 + rng() * ceiling / 2
