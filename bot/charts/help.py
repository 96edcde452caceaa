"""The words the bot says about its own language: help and the catalog listing."""

from __future__ import annotations

from bot.charts.options import did_you_mean
from bot.servicewatch.catalog import Catalog, CatalogMetric

HELP = """\
*ServiceWatch charts* — `{cmd} CHART [WINDOW] [OPTIONS]` posts a chart here, now.

*CHART*  a saved chart's name, or metrics: `"Virtual Server:CPU Usage/Core[Basic]"` (namespace:metric),
  `"CPU Usage/Core[Basic]"` or a unique part of a name (`lag`). Several metrics: quote each, or join with `+`.
  `KEY=VALUE` picks resources (`VolumeID=45fb…`, `resource=web-01`), for the metric before it, or all when first.
*WINDOW*  `last 3h` · `3h` · `-3h` · `-PT3H` · `now-6h` · `since 09:00` · `from 09:00 to 12:00` · `today` ·
  `yesterday` · `today 09:00-12:00` · `2026-11-27` · `2026-11-27T09:00/PT3H`. Units s, m, h, d, w. Default {window}.
*OPTIONS*  `period 5m` (chosen from the window when absent) · `stat avg|min|max|sum|count` · `size 1400x500` ·
  `tz Asia/Seoul` · `title "Web CPU"` · `color #ff0000` and `label "web"` (per metric, in order) ·
  `thread <message link>` · `dry-run` (show the request, send nothing). `name=value` works too.
*More*  `{cmd} metrics [NAMESPACE] [TEXT]` browse the catalog · `{cmd} save NAME CHART …` save for this channel ·
  `{cmd} saved` · `{cmd} forget NAME` · run a saved chart with overrides: `{cmd} web-cpu 24h stat max`.
*Schedules*  `{cmd} schedule CHART… WHEN [in #channel] [WINDOW]` — WHEN: `every 15m` · `every day at 09:00` ·
  `every weekday at 9am` · `every mon,wed at 18:00` · `cron "0 9 * * 1-5"` · then `{cmd} schedules [all]`,
  `pause|resume|delete|run|next ID`. In an incident thread: `@bot follow CHART every 15m for 4h`, `@bot stop`.
Times are read in your Slack timezone unless you say `tz`."""


def help_text(command: str, default_window: str) -> str:
    return HELP.format(cmd=command, window=default_window)


def metrics_text(catalog: Catalog, words: tuple[str, ...], command: str = "/chart") -> str:
    """The catalog, or one namespace of it, or the metrics whose names hold TEXT."""
    namespace, text = _namespace_and_text(catalog, words)
    if namespace is None and not text:
        lines = ["*ServiceWatch namespaces* (then `" + command + " metrics NAMESPACE`):"]
        for name in catalog.namespaces:
            metrics = catalog.in_namespace(name)
            lines.append(
                f"• *{name}*: {len(metrics)} metrics, {len({r for m in metrics for r in m.resources})} resources"
            )
        return "\n".join(lines)
    pool = catalog.in_namespace(namespace) if namespace else catalog.metrics
    found = [m for m in pool if text.lower() in m.name.lower()]
    where = f" in {namespace}" if namespace else ""
    if not found:
        hint = did_you_mean(text, sorted({m.name for m in pool}))
        return f"No metric{where} has “{text}” in its name.{hint} `{command} metrics` lists the namespaces."
    lines = [f"*Metrics{where}*" + (f" matching “{text}”" if text else "") + ":"]
    for metric in found[:40]:
        lines.append(_metric_line(metric))
    if len(found) > 40:
        lines.append(f"… and {len(found) - 40} more; add words to narrow it down.")
    return "\n".join(lines)


def _metric_line(metric: CatalogMetric) -> str:
    resources = ", ".join(r.label() for r in metric.resources[:6]) + (" …" if len(metric.resources) > 6 else "")
    stats = "/".join(metric.recommended_stats) or "AVG"
    keys = ",".join(metric.dimension_keys) or "-"
    unit = metric.unit.lower() or "-"
    return f"• `{metric.reference}` ({unit}; {stats}; by {keys}): {resources}"


def _namespace_and_text(catalog: Catalog, words: tuple[str, ...]) -> tuple[str | None, str]:
    """The longest leading words that name a namespace, and the rest as search text."""
    for cut in range(len(words), 0, -1):
        candidate = " ".join(words[:cut]).lower()
        for namespace in catalog.namespaces:
            if namespace.lower() == candidate:
                return namespace, " ".join(words[cut:])
    return None, " ".join(words)
