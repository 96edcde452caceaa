"""Deterministic synthetic metric data: the same resource, metric and time always give the same value."""

from __future__ import annotations

import functools
import hashlib
import math

from bot.sandbox.catalog import Profile, SandboxMetric, SandboxResource

MAX_POINTS = 10_000


def _unit_noise(*parts: object) -> float:
    """A repeatable number in [-1, 1) from `parts`."""
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**63 - 1.0


@functools.lru_cache(maxsize=4096)
def _phase(seed: str) -> float:
    return (_unit_noise(seed, "phase") + 1) * 3 * 3600


@functools.lru_cache(maxsize=1 << 18)  # charts over overlapping windows ask for the same samples again and again
def sample(metric: SandboxMetric, resource: SandboxResource, timestamp: int) -> float:
    """The raw collected value of `metric` on `resource` at `timestamp` (Unix seconds)."""
    profile: Profile = metric.profile
    seed = f"{resource.name}/{metric.name}"
    phase = _phase(seed)
    day = math.sin(2 * math.pi * ((timestamp + phase) % 86400) / 86400 - math.pi / 2)
    value = profile.base + profile.swing * day + profile.noise * _unit_noise(seed, timestamp)
    if profile.spiky and _unit_noise(seed, "spike", timestamp // 3600) > 0.93:
        value += profile.swing * 1.5
    value = max(0.0, value * resource.scale)
    return min(value, profile.ceiling) if profile.ceiling is not None else value


def aggregate(values: list[float], statistic: str) -> float:
    """One statistic (AVG, MIN, MAX, SUM, CNT) of the samples in a period."""
    if statistic == "MIN":
        return min(values)
    if statistic == "MAX":
        return max(values)
    if statistic == "SUM":
        return sum(values)
    if statistic == "CNT":
        return float(len(values))
    return sum(values) / len(values)


def points_count(start: int, end: int, period: int) -> int:
    """How many periods start inside [start, end)."""
    first = -(-start // period) * period
    return max(0, (end - first + period - 1) // period)


def series(
    metric: SandboxMetric, resource: SandboxResource, *, start: int, end: int, period: int, statistic: str
) -> list[tuple[int, float]]:
    """One point per period starting inside [start, end), aligned to multiples of the period."""
    step = 60 if metric.interval == "1m" else 300
    samples_per_period = max(1, period // step)
    if samples_per_period > 48:  # long periods: 48 evenly spread samples tell the same story, much faster
        samples_per_period, step = 48, period // 48
    first = -(-start // period) * period
    return [
        (bucket, _period_value(metric, resource, bucket, samples_per_period, step, statistic))
        for bucket in range(first, end, period)
    ]


@functools.lru_cache(maxsize=1 << 16)  # windows ending now overlap: a storm of charts asks for the same periods
def _period_value(
    metric: SandboxMetric, resource: SandboxResource, bucket: int, samples: int, step: int, statistic: str
) -> float:
    values = [sample(metric, resource, bucket + k * step) for k in range(samples)]
    return round(aggregate(values, statistic), 3)
