"""Metric references meet the catalog: bare names find their namespace, dimensions find their resources,
and anything that does not exist is named (with a did-you-mean) before any billed call."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.charts.options import did_you_mean
from bot.charts.parse import OPTION_ALIASES, WINDOW_WORDS
from bot.charts.spec import MetricRef
from bot.errors import UserError
from bot.servicewatch.catalog import Catalog, CatalogMetric, CatalogResource
from bot.servicewatch.models import Dimension

MAX_LINES = 10
RESOURCE_KEYS = ("resource", "name", "host")


@dataclass(frozen=True)
class ChartLine:
    """One line on a chart: a metric of one resource, with its legend label and colour."""

    metric: CatalogMetric
    dimensions: tuple[Dimension, ...]
    display_name: str
    resource: str
    color: str | None = None


def resolve_lines(metrics: tuple[MetricRef, ...], catalog: Catalog) -> tuple[ChartLine, ...]:
    """Every line the chart will draw, or UserError naming what does not exist."""
    lines: list[ChartLine] = []
    for ref in metrics:
        metric = find_metric(ref, catalog)
        resources = find_resources(ref, metric)
        for index, resource in enumerate(resources):
            label = resource.label()
            if ref.label:
                display = ref.label if len(resources) == 1 else f"{ref.label} {label}"
            else:
                display = f"{metric.namespace} | {label} | {metric.name}"
            colour = ref.color if index == 0 else None
            lines.append(ChartLine(metric, resource.dimensions, display, label, colour))
    if len(lines) > MAX_LINES:
        raise UserError(
            f"That chart would draw {len(lines)} lines; at most {MAX_LINES} fit. Name resources with KEY=VALUE "
            f"(e.g. {_example_dimension(lines[0].metric)}) to draw fewer."
        )
    return tuple(lines)


def find_metric(ref: MetricRef, catalog: Catalog) -> CatalogMetric:
    """The catalog metric `ref` names: exact, then case-insensitive, then a unique part of a name."""
    if ref.namespace is not None:
        namespace = _namespace(ref.namespace, catalog)
        pool = catalog.in_namespace(namespace)
        where = f"in {namespace}"
    else:
        pool = catalog.metrics
        where = "in ServiceWatch"
    wanted = ref.name.strip()
    for matches in (
        [m for m in pool if m.name == wanted],
        [m for m in pool if m.name.lower() == wanted.lower()],
        [m for m in pool if wanted.lower() in m.name.lower()],
        [m for m in pool if _words(wanted) <= _words(m.name)],  # `cpu usage core` → CPU Usage/Core[Basic]
    ):
        if ref.dimensions and len({(m.namespace, m.name) for m in matches}) > 1:
            matches = [m for m in matches if _has_resources(ref, m)] or matches  # `memory resource=web-01`
        distinct = sorted({(m.namespace, m.name) for m in matches})
        if len(distinct) == 1:
            return _best_group(matches, ref)
        if len(distinct) > 1:
            choices = ", ".join(f"`{ns}:{name}`" for ns, name in distinct[:6])
            raise UserError(
                f"“{ref.text}” matches {len(distinct)} metrics: {choices}. Write the one you mean in quotes, "
                f'e.g. "{distinct[0][0]}:{distinct[0][1]}".'
            )
    _stray_words(wanted, ref, catalog)
    names = sorted({m.name for m in pool})
    hint = did_you_mean(wanted, names) or did_you_mean(wanted, [*OPTION_ALIASES, *WINDOW_WORDS])
    browse = f"`metrics {ref.namespace}`" if ref.namespace else "`metrics`"
    raise UserError(f"There is no metric “{wanted}” {where}.{hint} See {browse} for the list.")


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", text.lower()))


def _stray_words(wanted: str, ref: MetricRef, catalog: Catalog) -> None:
    """`lag lst 3h`: the leading words name a metric and the next looks like a mistyped option or window word;
    name that word instead of the whole phrase."""
    words = wanted.split()
    for cut in range(len(words) - 1, 0, -1):
        head, rest = " ".join(words[:cut]), words[cut:]
        try:
            metric = find_metric(MetricRef(head, ref.namespace), catalog)
        except UserError:
            continue
        hint = did_you_mean(rest[0], [*OPTION_ALIASES, *WINDOW_WORDS])
        if hint:
            raise UserError(f"“{' '.join(rest)}” after {metric.name} is not understood.{hint}")
        return


def _has_resources(ref: MetricRef, metric: CatalogMetric) -> bool:
    try:
        find_resources(ref, metric)
    except UserError:
        return False
    return True


def _namespace(name: str, catalog: Catalog) -> str:
    for namespace in catalog.namespaces:
        if namespace == name or namespace.lower() == name.lower():
            return namespace
    hint = did_you_mean(name, list(catalog.namespaces))
    known = ", ".join(catalog.namespaces)
    raise UserError(f"There is no namespace “{name}”.{hint} Namespaces: {known}.")


def _best_group(matches: list[CatalogMetric], ref: MetricRef) -> CatalogMetric:
    """A metric listed under several dimension key sets: the one whose keys the request uses."""
    keys = {key.lower() for key, _ in ref.dimensions}
    for metric in matches:
        if keys and keys <= {k.lower() for k in metric.dimension_keys}:
            return metric
    return matches[0]


def find_resources(ref: MetricRef, metric: CatalogMetric) -> tuple[CatalogResource, ...]:
    """The resources the dimensions pick (all of them when none are given)."""
    if not metric.resources:
        raise UserError(f"No resource reports {metric.reference} yet; pick another metric (see `metrics`).")
    chosen = metric.resources
    for key, value in ref.dimensions:
        chosen = _filter(chosen, key, value, metric)
    return chosen


def _filter(
    resources: tuple[CatalogResource, ...], key: str, value: str, metric: CatalogMetric
) -> tuple[CatalogResource, ...]:
    if key.lower() in RESOURCE_KEYS:
        found = tuple(r for r in resources if r.name.lower() == value.lower())
    else:
        real_key = next((k for k in metric.dimension_keys if k.lower() == key.lower()), None)
        if real_key is None:
            keys = ", ".join(metric.dimension_keys) or "none"
            hint = did_you_mean(key, list(metric.dimension_keys))
            raise UserError(f"`{key}` is not a dimension of {metric.reference}.{hint} Its dimensions: {keys}.")
        found = tuple(
            r
            for r in resources
            if any(d.key == real_key and (d.value == value or r.name.lower() == value.lower()) for d in r.dimensions)
        )
    if not found:
        labels = [r.label() for r in resources]
        values = [d.value for r in resources for d in r.dimensions]
        hint = did_you_mean(value, labels + values)
        some = ", ".join(labels[:8]) + (" …" if len(labels) > 8 else "")
        raise UserError(f"No resource with {key}={value} reports {metric.reference}.{hint} Resources: {some}.")
    return found


def _example_dimension(metric: CatalogMetric) -> str:
    if metric.resources and metric.resources[0].dimensions:
        first = metric.resources[0]
        return f"{first.dimensions[0].key}={first.name or first.dimensions[0].value}"
    return "KEY=VALUE"
