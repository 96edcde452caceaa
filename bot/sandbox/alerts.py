"""The sandbox's alert policies (API 1.2): a few on its synthetic metrics, their state, and the breach a firing one
draws into its metric's series.

Written from the API reference (§9a: ShowAlert's `AlertDetailResponse` example; ListMetricInfos lists each metric's
`alerts: [{id, name}]`), not from the bot's models. `NORMAL`, `ALERT` and `INSUFFICIENT_DATA` are the documented
states; the control endpoint sets any string; only `ALERT` breaches the metric, and `INSUFFICIENT_DATA` leaves it
without points (a stopped server). What `RANGE` means is not
documented either: here it breaches above `upper_bound` (and below `lower_bound`).
"""

from __future__ import annotations

import math
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.sandbox import catalog as sandbox_catalog

_HISTORY = 100  # state changes (and firing spells) kept per alert


@dataclass(frozen=True)
class SandboxAlert:
    """One alert policy: the metric of one resource it watches and the rule it watches it by."""

    name: str
    namespace: str
    metric: str
    resource: str
    level: str  # HIGH / MIDDLE / LOW
    operator: str  # RANGE is documented; the others are names in the same style (a guess)
    threshold: float
    statistic: str = "AVG"
    period: int = 300
    lower_bound: float | None = None
    upper_bound: float | None = None
    evaluation_count: int = 3
    violation_count: int = 2
    missing_data_option: str = "BREACHING"
    activated: bool = True

    @property
    def id(self) -> str:
        """A UUID derived from the name: the same across restarts."""
        return str(uuid.uuid5(uuid.NAMESPACE_DNS, f"{self.name}.alert.sandbox.servicewatch"))

    def detail(self, state: str) -> dict[str, Any]:
        """ShowAlert's answer, in the 1.2 shape of the API reference's example."""
        found = sandbox_catalog.find_metric(self.namespace, self.metric)
        assert found is not None, self
        group, metric = found
        resource = next(r for r in group.resources if r.name == self.resource)
        dimensions = [{"key": key, "value": value} for key, value in resource.dimensions]
        return {
            "id": self.id,
            "activated_yn": "Y" if self.activated else "N",
            "name": self.name,
            "level": self.level,
            "state": state,
            "type": "METRIC_ALERT",
            "metric_id": sandbox_catalog.metric_info_id(group, metric, resource),
            "metric_name": metric.name,
            "metric_unit": metric.unit,
            "namespace_id": sandbox_catalog.stable_id(group.namespace),
            "namespace_name": group.namespace,
            "dimension": dimensions[0],
            "dimensions": dimensions,
            "individual_items": dimensions,
            "statistic": self.statistic,
            "period": self.period,
            "operator": self.operator,
            "threshold": self.threshold,
            "lower_bound": self.lower_bound,
            "upper_bound": self.upper_bound,
            "evaluation_count": self.evaluation_count,
            "evaluation_time_window": self.evaluation_count * self.period,
            "violation_count": self.violation_count,
            "missing_data_option": self.missing_data_option,
            "srn": f"srn:e::sandbox:kr-west1::servicewatch:alert/{self.id}",
            "created_at": "2026-01-05T09:00:00Z",
            "modified_at": "2026-01-05T09:00:00Z",
        }

    def breached(self, value: float, ceiling: float | None) -> float:
        """`value` moved past the rule, deterministically, keeping a little of its shape."""
        if self.operator.startswith("LESS"):
            bound = self.lower_bound if self.lower_bound is not None else self.threshold
            return min(value, max(0.0, bound * 0.5 + 0.05 * value))
        bound = self.upper_bound if self.operator == "RANGE" and self.upper_bound is not None else self.threshold
        target = bound * 1.1 + 1 + 0.1 * abs(value)
        return max(value, min(target, ceiling) if ceiling is not None else target)


ALERTS: tuple[SandboxAlert, ...] = (
    SandboxAlert("web-01 CPU high", "Virtual Server", "CPU Usage/Core[Basic]", "web-01", "HIGH", "GREATER_THAN", 80),
    SandboxAlert("web-02 CPU high", "Virtual Server", "CPU Usage/Core[Basic]", "web-02", "HIGH", "GREATER_THAN", 80),
    SandboxAlert(
        "VirtualServer001 CPU high",
        "Virtual Server",
        "CPU Usage/Core[Basic]",
        "VirtualServer001",
        "HIGH",
        "GREATER_THAN",
        90,
        activated=False,  # a policy switched off (activated_yn N)
    ),
    SandboxAlert(
        "web-01 memory", "Virtual Server", "Memory Usage[Basic]", "web-01", "MIDDLE", "GREATER_THAN_OR_EQUAL", 90
    ),
    SandboxAlert("orders-db memory", "PostgreSQL(DBaaS)", "Memory Usage", "orders-db", "MIDDLE", "GREATER_THAN", 85),
    SandboxAlert(
        "orders-db CPU band",
        "PostgreSQL(DBaaS)",
        "CPU Usage",
        "orders-db",
        "MIDDLE",
        "RANGE",
        10,
        lower_bound=10,
        upper_bound=85,
    ),
    SandboxAlert(
        "orders-db-replica replication lag",
        "PostgreSQL(DBaaS)",
        "Replication Lag",
        "orders-db-replica",
        "LOW",
        "GREATER_THAN",
        200,
        statistic="MAX",
        period=60,
        evaluation_count=5,
        violation_count=3,
        missing_data_option="NOT_BREACHING",
    ),
    SandboxAlert("web-lb 5xx", "Load Balancer", "HTTP 5xx Count", "web-lb", "LOW", "GREATER_THAN", 20, "SUM"),
    SandboxAlert("api-lb connections low", "Load Balancer", "Active Connections", "api-lb", "LOW", "LESS_THAN", 50),
)


SYNTHETIC_PREFIX = "synthetic-"  # the names of generated policies: `synthetic-0001 CPU Usage/Core[Basic] on web-01`
_LEVELS = ("HIGH", "MIDDLE", "LOW")


def synthetic_alerts(count: int) -> tuple[SandboxAlert, ...]:
    """`count` generated policies for benchmarks, round-robin over every metric of every reporting resource of the
    catalog (so ListMetricInfos lists each under its metric, and a firing one's chart has data); the levels in turn.
    Their ids derive from their names, so the same `count` gives the same ids across restarts."""
    targets = [
        (group.namespace, metric, resource.name)
        for group in sandbox_catalog.GROUPS
        for metric in group.metrics
        for resource in group.resources
        if resource.reporting
    ]
    alerts = []
    for n in range(count):
        namespace, metric, resource = targets[n % len(targets)]
        profile = metric.profile
        threshold = round(profile.ceiling * 0.9 if profile.ceiling else profile.base + 3 * profile.swing, 1)
        alerts.append(
            SandboxAlert(
                f"{SYNTHETIC_PREFIX}{n + 1:04d} {metric.name} on {resource}",
                namespace,
                metric.name,
                resource,
                _LEVELS[n % len(_LEVELS)],
                "GREATER_THAN",
                threshold,
                statistic=metric.stats[0],
            )
        )
    return tuple(alerts)


def is_firing(state: str) -> bool:
    """Only `ALERT` breaches the metric (`NORMAL`, `INSUFFICIENT_DATA` and any other state leave it as it is)."""
    return state.strip().upper() == "ALERT"


def _silent_spells(history: list[tuple[float, str]]) -> list[tuple[float, float]]:
    """The [from, until) spells of `INSUFFICIENT_DATA` in a state history (until: infinity while it lasts)."""
    spells: list[tuple[float, float]] = []
    for n, (when, state) in enumerate(history):
        if state.strip().upper() == "INSUFFICIENT_DATA":
            until = history[n + 1][0] if n + 1 < len(history) else math.inf
            spells.append((when, until))
    return spells


@dataclass
class AlertState:
    """What the control endpoint has made of one alert."""

    state: str = "NORMAL"
    changed_at: float = 0.0
    deleted: bool = False
    forbidden: bool = False
    history: list[tuple[float, str]] = field(default_factory=list)  # (when, state), oldest first
    spells: list[list[float | None]] = field(default_factory=list)  # firing [from, until) spells; None: still firing


class AlertBook:
    """The sandbox's alerts and their states (changed by the control endpoint or the `Sandbox` methods)."""

    def __init__(self, clock: Callable[[], float] = time.time, alerts: tuple[SandboxAlert, ...] = ALERTS) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self.alerts = {alert.id: alert for alert in alerts}
        started = clock()
        self.states = {alert_id: AlertState(changed_at=started) for alert_id in self.alerts}
        self._on: dict[tuple[str, str, str], list[SandboxAlert]] = {}
        for alert in alerts:
            self._on.setdefault((alert.namespace, alert.metric, alert.resource), []).append(alert)

    def ids(self) -> tuple[str, ...]:
        return tuple(self.alerts)

    def update(
        self,
        alert_id: str,
        *,
        state: str | None = None,
        deleted: bool | None = None,
        forbidden: bool | None = None,
        at: float | None = None,
    ) -> AlertState:
        """Change an alert; a new state is recorded with its time (`at`, default now). KeyError for an unknown id."""
        with self._lock:
            held = self.states[alert_id]
            if deleted is not None:
                held.deleted = deleted
            if forbidden is not None:
                held.forbidden = forbidden
            if state is not None and state != held.state:
                when = self._clock() if at is None else at
                was, now = is_firing(held.state), is_firing(state)
                if now and not was:
                    held.spells.append([when, None])
                elif was and not now and held.spells:
                    held.spells[-1][1] = when
                held.state, held.changed_at = state, when
                held.history.append((when, state))
                del held.history[:-_HISTORY], held.spells[:-_HISTORY]
            return held

    def view(self, alert_id: str) -> dict[str, Any]:
        """One alert as `GET /_sandbox/alerts` lists it."""
        alert, held = self.alerts[alert_id], self.states[alert_id]
        return {
            "id": alert_id,
            "name": alert.name,
            "namespace": alert.namespace,
            "metric": alert.metric,
            "resource": alert.resource,
            "level": alert.level,
            "state": held.state,
            "changed_at": held.changed_at,
            "deleted": held.deleted,
            "forbidden": held.forbidden,
            "history": [[when, state] for when, state in held.history],
        }

    def refs(self, namespace: str, metric: str, resource: str) -> list[dict[str, str]]:
        """ListMetricInfos's `alerts` of one metric of one resource: the alerts not deleted."""
        found = self._on.get((namespace, metric, resource), ())
        return [{"id": a.id, "name": a.name} for a in found if not self.states[a.id].deleted]

    def lift(
        self,
        namespace: str,
        metric: str,
        resource: str,
        points: list[tuple[int, float]],
        *,
        period: int,
        statistic: str,
        ceiling: float | None,
    ) -> list[tuple[int, float]]:
        """`points` with every period that overlaps a firing spell of an alert on them moved past its rule: a chart
        over the onset shows the breach start there, and one over the recovery shows it end. A period that starts
        while an alert on them has no data (`INSUFFICIENT_DATA`: a stopped server) has no point at all."""
        for alert in self._on.get((namespace, metric, resource), ()):
            silent = _silent_spells(self.states[alert.id].history)
            points = [(t, v) for t, v in points if not any(start <= t < end for start, end in silent)]
        if statistic == "CNT":
            return points  # a count of samples is no value to breach
        for alert in self._on.get((namespace, metric, resource), ()):
            held = self.states[alert.id]
            if held.deleted or not held.spells:
                continue
            spells = [(start or 0.0, end) for start, end in held.spells]
            points = [
                (t, round(alert.breached(v, ceiling), 3))
                if any(t + period > start and (end is None or t < end) for start, end in spells)
                else (t, v)
                for t, v in points
            ]
        return points
