"""The sandbox's metric catalog: a few servers, a load balancer and a database, as ListMetricInfos lists them."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

AlertRefs = Callable[[str, str, str], list[dict[str, str]]]
"""The `alerts` of (namespace, metric, resource name) in ListMetricInfos: `[{"id", "name"}]`."""


@dataclass(frozen=True)
class Profile:
    """How a synthetic series behaves: level, daily swing, noise, and the ceiling it cannot pass."""

    base: float
    swing: float
    noise: float
    ceiling: float | None = None
    spiky: bool = False


@dataclass(frozen=True)
class SandboxMetric:
    name: str
    unit: str
    profile: Profile
    stats: tuple[str, ...] = ("AVG", "MAX")
    interval: str = "5m"
    primary: bool = False


@dataclass(frozen=True)
class SandboxResource:
    name: str
    dimensions: tuple[tuple[str, str], ...]
    scale: float = 1.0
    reporting: bool = True  # a stopped resource stays in the catalog but sends no data


@dataclass(frozen=True)
class SandboxGroup:
    namespace: str
    service_name: str
    keys: tuple[str, ...]
    metrics: tuple[SandboxMetric, ...]
    resources: tuple[SandboxResource, ...]


def stable_id(name: str) -> str:
    """A UUID derived from `name`: the same across restarts."""
    return str(uuid.uuid5(uuid.NAMESPACE_DNS, f"{name}.sandbox.servicewatch"))


_id = stable_id


def metric_info_id(group: SandboxGroup, metric: SandboxMetric, resource: SandboxResource) -> str:
    """The id ListMetricInfos gives one metric of one resource."""
    return stable_id(f"{group.namespace}/{metric.name}/{resource.name}")


PERCENT = Profile(base=35, swing=20, noise=6, ceiling=100, spiky=True)
MEMORY = Profile(base=55, swing=8, noise=2, ceiling=100)
BYTES = Profile(base=2.5e6, swing=1.5e6, noise=6e5, spiky=True)
CONNECTIONS = Profile(base=400, swing=250, noise=40, spiky=True)
SMALL_COUNT = Profile(base=2, swing=1.5, noise=1.5)
MILLIS = Profile(base=40, swing=15, noise=8, spiky=True)

SERVERS = SandboxGroup(
    namespace="Virtual Server",
    service_name="Virtual Server",
    keys=("VolumeID",),
    metrics=(
        SandboxMetric("CPU Usage/Core[Basic]", "PERCENT", PERCENT, primary=True),
        SandboxMetric("Memory Usage[Basic]", "PERCENT", MEMORY, primary=True),
        SandboxMetric("Disk Read Bytes[Basic]", "BYTE", BYTES, ("AVG", "SUM", "MAX")),
        SandboxMetric("Disk Write Bytes[Basic]", "BYTE", BYTES, ("AVG", "SUM", "MAX")),
        SandboxMetric("Network In Bytes[Basic]", "BYTE", BYTES, ("SUM", "AVG")),
        SandboxMetric("Network Out Bytes[Basic]", "BYTE", BYTES, ("SUM", "AVG")),
    ),
    resources=(
        # The server of the API document's example, so its request bodies chart real data.
        SandboxResource("VirtualServer001", (("VolumeID", "45fbde15-cdd2-4891-be31-4a9de75fccda"),)),
        SandboxResource("web-01", (("VolumeID", _id("web-01")),), 1.1),
        SandboxResource("web-02", (("VolumeID", _id("web-02")),), 0.95),
        SandboxResource("web-03", (("VolumeID", _id("web-03")),), 1.25),
        SandboxResource("batch-01", (("VolumeID", _id("batch-01")),), 0.6),
        SandboxResource("batch-02", (("VolumeID", _id("batch-02")),), reporting=False),
    ),
)

LOAD_BALANCERS = SandboxGroup(
    namespace="Load Balancer",
    service_name="Load Balancer",
    keys=("LoadBalancerId",),
    metrics=(
        SandboxMetric("Active Connections", "COUNT", CONNECTIONS, primary=True),
        SandboxMetric("New Connections", "COUNT", Profile(base=90, swing=60, noise=15), ("SUM", "AVG")),
        SandboxMetric("Bytes In", "BYTE", BYTES, ("SUM",)),
        SandboxMetric("Bytes Out", "BYTE", BYTES, ("SUM",)),
        SandboxMetric("HTTP 5xx Count", "COUNT", SMALL_COUNT, ("SUM", "MAX")),
    ),
    resources=(
        SandboxResource("web-lb", (("LoadBalancerId", _id("web-lb")),), 1.0),
        SandboxResource("api-lb", (("LoadBalancerId", _id("api-lb")),), 0.7),
    ),
)

DATABASES = SandboxGroup(
    namespace="PostgreSQL(DBaaS)",
    service_name="PostgreSQL(DBaaS)",
    keys=("InstanceId",),
    metrics=(
        SandboxMetric("CPU Usage", "PERCENT", PERCENT, primary=True),
        SandboxMetric("Memory Usage", "PERCENT", MEMORY),
        SandboxMetric("Active Connections", "COUNT", Profile(base=60, swing=30, noise=6)),
        SandboxMetric("Transactions Per Second", "COUNT", Profile(base=800, swing=500, noise=80, spiky=True)),
        SandboxMetric("Replication Lag", "MILLISECOND", MILLIS, ("MAX", "AVG"), interval="1m"),
    ),
    resources=(
        SandboxResource("orders-db", (("InstanceId", _id("orders-db")),), 1.0),
        SandboxResource("orders-db-replica", (("InstanceId", _id("orders-db-replica")),), 0.5),
    ),
)

GROUPS: tuple[SandboxGroup, ...] = (SERVERS, LOAD_BALANCERS, DATABASES)


def find_metric(namespace: str, name: str) -> tuple[SandboxGroup, SandboxMetric] | None:
    """The group and metric called `name` in `namespace`, if the sandbox has it."""
    for group in GROUPS:
        if group.namespace == namespace:
            for metric in group.metrics:
                if metric.name == name:
                    return group, metric
    return None


def find_resource(group: SandboxGroup, dimensions: dict[str, str]) -> SandboxResource | None:
    """The resource of `group` whose dimensions are exactly `dimensions`."""
    for resource in group.resources:
        if dict(resource.dimensions) == dimensions:
            return resource
    return None


def list_metric_infos(
    *,
    metric_name: str | None = None,
    namespaces: list[str] | None = None,
    resource_id: str | None = None,
    resource_name: str | None = None,
    alerts: AlertRefs | None = None,
) -> dict[str, Any]:
    """A ListMetricInfos answer in the documented shape, quirks included (arrays inside strings); each metric's
    `alerts` from `alerts` (none without it)."""
    out: list[dict[str, Any]] = []
    count = 0
    for group in GROUPS:
        if namespaces and group.namespace not in namespaces:
            continue
        metrics: list[dict[str, Any]] = []
        for metric in group.metrics:
            if metric_name and metric.name != metric_name:
                continue
            for resource in group.resources:
                ids = {value for _, value in resource.dimensions}
                if (resource_id and resource_id not in ids) or (resource_name and resource_name != resource.name):
                    continue
                refs = alerts(group.namespace, metric.name, resource.name) if alerts else []
                metrics.append(_metric_info(group, metric, resource, refs))
        if metrics:
            count += len(metrics)
            out.append(
                {
                    "id": _id(group.namespace),
                    "name": group.namespace,
                    "service_name": group.service_name,
                    "dimensions": [
                        {
                            "keys": ",".join(group.keys),
                            "columns": [{"key": "name", "name_en": "Resource name", "name_ko": "자원 이름"}],
                            "metrics": metrics,
                        }
                    ],
                }
            )
    return {"count": count, "namespaces": out}


def _metric_info(
    group: SandboxGroup, metric: SandboxMetric, resource: SandboxResource, alerts: list[dict[str, str]]
) -> dict[str, Any]:
    stats = ", ".join(f'"{stat}"' for stat in metric.stats)
    return {
        "id": metric_info_id(group, metric, resource),
        "name": metric.name,
        "namespace_name": group.namespace,
        "unit": metric.unit,
        "primary": metric.primary,
        "default_collection_interval": metric.interval,
        "detailed_collection_interval": "1m",
        "recommended_stat_types": f"[{stats}]",
        "dimensions": [{"key": key, "value": value} for key, value in resource.dimensions],
        "named_dimensions": [{"key": key, "value": value, "name": resource.name} for key, value in resource.dimensions],
        "alerts": alerts,
        "tags": [{"key": "env", "value": "sandbox"}],
    }
