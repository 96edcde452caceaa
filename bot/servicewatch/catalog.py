"""The metric catalog (ListMetricInfos) as the bot uses it, and a TTL cache in front of it."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field

from bot.durations import parse_duration
from bot.servicewatch.models import AlertRef, Dimension, MetricInfo, MetricsResponse

log = logging.getLogger(__name__)


def interval_seconds(value: str | int | None) -> int | None:
    """A collection interval such as `"5m"` or `60` in seconds; None when absent or unreadable."""
    if value is None:
        return None
    if isinstance(value, int):
        return value if value > 0 else None
    text = value.strip()
    if text.isascii() and text.isdigit():
        return int(text) or None
    try:
        return parse_duration(text)
    except ValueError:
        return None


@dataclass(frozen=True)
class CatalogResource:
    """One resource a metric is collected for, identified by its dimensions."""

    dimensions: tuple[Dimension, ...]
    name: str = ""
    # The alert policies set on this metric of this resource (API 1.2). Not part of equality: the same resource
    # under another metric, or before an alert was added, is the same resource.
    alerts: tuple[AlertRef, ...] = field(default=(), compare=False)

    def label(self) -> str:
        """A short human label: the resource name, else its dimension values."""
        return self.name or ", ".join(f"{d.key}={d.value}" for d in self.dimensions) or "(all)"


@dataclass(frozen=True)
class CatalogMetric:
    """A metric of a namespace with its unit, defaults, and the resources that report it."""

    namespace: str
    name: str
    dimension_keys: tuple[str, ...]
    unit: str = ""
    primary: bool = False
    recommended_stats: tuple[str, ...] = ()
    collection_interval: int | None = None
    detailed_interval: int | None = None
    resources: tuple[CatalogResource, ...] = ()

    @property
    def reference(self) -> str:
        """`namespace:metric`, the way people write it in a chart command."""
        return f"{self.namespace}:{self.name}"


@dataclass(frozen=True)
class Catalog:
    """Namespaces → dimension keys → metrics, as ServiceWatch listed them."""

    metrics: tuple[CatalogMetric, ...] = ()
    _by_namespace: dict[str, list[CatalogMetric]] = field(default_factory=dict, init=False, compare=False, repr=False)
    _resources: list[CatalogResource] = field(default_factory=list, init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        seen: set[CatalogResource] = set()
        for metric in self.metrics:
            self._by_namespace.setdefault(metric.namespace, []).append(metric)
            for resource in metric.resources:
                if resource not in seen:
                    seen.add(resource)
                    self._resources.append(resource)

    @property
    def resources(self) -> tuple[CatalogResource, ...]:
        """Every resource any metric is collected for, once each, in the order first listed."""
        return tuple(self._resources)

    @classmethod
    def from_response(cls, response: MetricsResponse) -> Catalog:
        """Group the per-resource entries of a ListMetricInfos answer into one entry per metric."""
        grouped: dict[tuple[str, tuple[str, ...], str], list[MetricInfo]] = {}
        for namespace in response.namespaces:
            for group in namespace.dimensions:
                for info in group.metrics:
                    keys = group.keys or tuple(d.key for d in info.dimensions)
                    grouped.setdefault((namespace.name, keys, info.name), []).append(info)
        metrics = [_merge(namespace, keys, name, infos) for (namespace, keys, name), infos in grouped.items()]
        return cls(tuple(sorted(metrics, key=lambda m: (m.namespace.lower(), m.name.lower(), m.dimension_keys))))

    @property
    def namespaces(self) -> tuple[str, ...]:
        return tuple(self._by_namespace)

    def in_namespace(self, namespace: str) -> tuple[CatalogMetric, ...]:
        return tuple(self._by_namespace.get(namespace, ()))

    def named(self, metric_name: str, namespace: str | None = None) -> tuple[CatalogMetric, ...]:
        """Every metric called `metric_name` (in `namespace` when given)."""
        pool: Iterable[CatalogMetric] = self.in_namespace(namespace) if namespace is not None else self.metrics
        return tuple(metric for metric in pool if metric.name == metric_name)

    @property
    def resource_count(self) -> int:
        return sum(len(metric.resources) for metric in self.metrics)

    def alerts(self) -> tuple[CatalogAlert, ...]:
        """Every alert policy the catalog lists, once each (by id; the first metric and resource listing it win),
        sorted by name."""
        found: dict[str, CatalogAlert] = {}
        for metric in self.metrics:
            for resource in metric.resources:
                for alert in resource.alerts:
                    found.setdefault(alert.id, CatalogAlert(alert.id, alert.name, metric, resource))
        return tuple(sorted(found.values(), key=lambda a: (a.name.lower(), a.name, a.id)))


@dataclass(frozen=True)
class CatalogAlert:
    """An alert policy (API 1.2) and the metric and resource it watches, as the catalog lists it; its state is
    ShowAlert's to tell."""

    id: str
    name: str
    metric: CatalogMetric
    resource: CatalogResource


def _merge(namespace: str, keys: tuple[str, ...], name: str, infos: list[MetricInfo]) -> CatalogMetric:
    first = infos[0]
    resources: dict[tuple[Dimension, ...], CatalogResource] = {}
    for info in infos:
        dimensions = tuple(Dimension(key=d.key, value=d.value) for d in info.dimensions)
        held = resources.get(dimensions)
        if held is None:
            resources[dimensions] = CatalogResource(dimensions, _resource_name(info), _unique(info.alerts))
        elif info.alerts:  # the same resource listed twice: its alerts together, each once
            resources[dimensions] = CatalogResource(dimensions, held.name, _unique(held.alerts + info.alerts))
    return CatalogMetric(
        namespace=namespace,
        name=name,
        dimension_keys=keys,
        unit=first.unit,
        primary=any(info.primary for info in infos),
        recommended_stats=first.recommended_stat_types,
        collection_interval=interval_seconds(first.default_collection_interval),
        detailed_interval=interval_seconds(first.detailed_collection_interval),
        resources=tuple(resources.values()),
    )


def _unique(alerts: tuple[AlertRef, ...]) -> tuple[AlertRef, ...]:
    """Each alert once (by id), the first listing kept, in order."""
    first: dict[str, AlertRef] = {}
    for alert in alerts:
        first.setdefault(alert.id, alert)
    return tuple(first.values())


def _resource_name(info: MetricInfo) -> str:
    # `named_dimensions` has no documented shape; take a name from it when an entry carries one.
    for entry in info.named_dimensions:
        if isinstance(entry, dict):
            for key in ("resource_name", "name", "value_name"):
                if isinstance(entry.get(key), str) and entry[key]:
                    return str(entry[key])
    return ""


class CatalogCache:
    """Keeps the catalog for `ttl` seconds (ListMetricInfos is billed per call). Every caller waiting on a refresh
    shares that one call and its outcome. When a refresh fails and a catalog was fetched before, that one keeps
    serving (its age logged) and the refresh is tried again after `retry_after` seconds, not on every request."""

    def __init__(
        self,
        fetch: Callable[[], Awaitable[Catalog]],
        *,
        ttl: float,
        retry_after: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._fetch = fetch
        self._ttl = ttl
        self._retry_after = retry_after
        self._clock = clock
        self._value: Catalog | None = None
        self._fetched_at = 0.0
        self._stale_until = 0.0  # after a failed refresh: serve the old catalog until then
        self._refreshing: asyncio.Task[Catalog] | None = None

    def _fresh(self) -> bool:
        if self._value is None:
            return False
        now = self._clock()
        return now - self._fetched_at < self._ttl or now < self._stale_until

    async def get(self, *, refresh: bool = False) -> Catalog:
        """The cached catalog, fetched again when older than the TTL or when `refresh` is asked."""
        if not refresh and self._fresh():
            assert self._value is not None
            return self._value
        # Shielded: a caller that gives up does not cancel the refresh the others wait on.
        return await asyncio.shield(self._start_refresh())

    async def within(self, seconds: float) -> Catalog | None:
        """For answers that cannot wait: the catalog held, however old, at once (a refresh it needs goes on
        meanwhile); with none held, the refresh for up to `seconds`; else None."""
        if self._fresh():
            return self._value
        held = self._value
        try:
            return await asyncio.wait_for(asyncio.shield(self._start_refresh()), 0 if held is not None else seconds)
        except Exception:  # timed out, or the refresh failed: what is held (if anything) serves
            return held

    def _start_refresh(self) -> asyncio.Task[Catalog]:
        if self._refreshing is None or self._refreshing.done():
            self._refreshing = asyncio.create_task(self._refresh())
            self._refreshing.add_done_callback(_retrieve)
        return self._refreshing

    async def _refresh(self) -> Catalog:
        try:
            value = await self._fetch()
        except Exception as exc:
            if self._value is None:
                raise  # nothing to fall back on: every waiter gets this one failure; the next call tries again
            self._stale_until = self._clock() + self._retry_after
            log.warning(
                "refreshing the metric catalog failed (%s); serving the one fetched %.0f s ago, trying again in %.0f s",
                exc,
                self._clock() - self._fetched_at,
                self._retry_after,
            )
            return self._value
        self._value, self._fetched_at, self._stale_until = value, self._clock(), 0.0
        return value

    def clear(self) -> None:
        self._value = None
        self._stale_until = 0.0


def _retrieve(task: asyncio.Task[Catalog]) -> None:
    """A refresh whose every waiter gave up still has its failure looked at, so it is not reported as lost."""
    if not task.cancelled():
        task.exception()
