from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.servicewatch._retry import backoff_delay, is_retryable_status, parse_retry_after


@pytest.mark.parametrize(
    ("status", "retry"),
    [(400, False), (401, False), (403, False), (404, False), (429, True), (500, True), (503, True), (599, True)],
)
def test_retryable_statuses(status: int, retry: bool) -> None:
    assert is_retryable_status(status) is retry


NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("5", 5.0),
        ("0.5", 0.5),
        ("-3", 0.0),
        ("Fri, 27 Nov 2026 09:00:30 GMT", 30.0),
        ("Fri, 27 Nov 2026 08:00:00 GMT", 0.0),
        ("soon", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_retry_after(header: str | None, seconds: float | None) -> None:
    assert parse_retry_after(header, now=lambda: NOW) == seconds


@given(attempt=st.integers(min_value=0, max_value=50), jitter=st.floats(min_value=0, max_value=0.999999))
def test_backoff_is_capped_and_jittered(attempt: int, jitter: float) -> None:
    delay = backoff_delay(attempt, rng=lambda: jitter)
    ceiling = min(8.0, 0.5 * 2**attempt)
    assert ceiling / 2 <= delay <= ceiling


def test_retry_after_wins() -> None:
    assert backoff_delay(3, 12.5) == 12.5
