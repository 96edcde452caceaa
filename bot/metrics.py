"""Prometheus metrics of one bot process, served at `/metrics` in HTTP mode."""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily
from prometheus_client.registry import Collector

from bot.servicewatch.client import ServiceWatchClient


class _UpstreamCalls(Collector):
    def __init__(self, client: ServiceWatchClient) -> None:
        self._client = client

    def collect(self) -> Iterator[CounterMetricFamily]:
        family = CounterMetricFamily(
            "servicewatch_bot_upstream_calls", "ServiceWatch calls sent, retries included", labels=["path"]
        )
        for path, count in sorted(self._client.calls.items()):
            family.add_metric([path], count)
        yield family


class Metrics:
    """The counters and timings the bot keeps; each process (and each test) has its own registry."""

    def __init__(self, servicewatch: ServiceWatchClient | None = None) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "servicewatch_bot_requests", "Requests taken, by surface", ["surface"], registry=self.registry
        )
        self.charts = Counter(
            "servicewatch_bot_charts_posted",
            "Charts posted, by how they were drawn",
            ["drawn_by"],
            registry=self.registry,
        )
        self.failures = Counter(
            "servicewatch_bot_request_failures",
            "Requests that ended in a message instead of a result, by kind",
            ["kind"],
            registry=self.registry,
        )
        self.chart_seconds = Histogram(
            "servicewatch_bot_chart_seconds",
            "From the request to the chart posted",
            buckets=(0.25, 0.5, 1, 2, 3, 5, 8, 13, 21, 34),
            registry=self.registry,
        )
        if servicewatch is not None:
            self.registry.register(_UpstreamCalls(servicewatch))

    def exposition(self) -> bytes:
        return generate_latest(self.registry)
