"""Durations written the way people and ServiceWatch write them: `90s`, `5m`, `3h`, `2d`, `1w`."""

from __future__ import annotations

import re
from datetime import timedelta

UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_DURATION = re.compile(r"^\s*(\d{1,9})\s*([smhdw])\s*$", re.IGNORECASE)


def parse_duration(text: str) -> int:
    """Return the number of seconds in `text` such as `5m`; raise ValueError naming the text if it is not one."""
    match = _DURATION.match(text)
    if not match:
        raise ValueError(f"{text!r} is not a duration; write a number and a unit (s, m, h, d, w), e.g. 5m or 3h")
    seconds = int(match.group(1)) * UNIT_SECONDS[match.group(2).lower()]
    if seconds <= 0:
        raise ValueError(f"{text!r} is not a duration longer than zero")
    return seconds


def format_duration(span: int | timedelta) -> str:
    """Write `span` (seconds, or a timedelta) in the largest unit that divides it exactly: 300 → `5m`, 5400 → `90m`."""
    seconds = int(span.total_seconds()) if isinstance(span, timedelta) else span
    if seconds <= 0:
        raise ValueError(f"{seconds} is not a duration longer than zero")
    for unit, size in sorted(UNIT_SECONDS.items(), key=lambda item: -item[1]):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    raise AssertionError("unreachable: every whole number of seconds divides by 1")
