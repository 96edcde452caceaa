"""The words the bot says about its own language: help and the catalog listing."""

from __future__ import annotations

from bot.i18n import _
from bot.language.options import did_you_mean
from bot.servicewatch.catalog import Catalog, CatalogMetric


def help_text(command: str, default_window: str) -> str:
    """The whole chat language, in the asker's language (the Korean help shows the Korean words)."""
    return (
        _(
            """\
*ServiceWatch charts* — `{cmd} CHART [WINDOW] [OPTIONS]` posts a chart here, now.

*CHART*  a saved chart's name, or metrics: `"Virtual Server:CPU Usage/Core[Basic]"` (namespace:metric),
  `"CPU Usage/Core[Basic]"` or a unique part of a name (`lag`). Several metrics: quote each, or join with `+`
  (`lag+"Active Connections"`), `,` or `and`. Resources as plain words, for every metric that has them:
  `cpu web-01` · `cpu of web-01 and web-02` · `web-01 cpu`; or `KEY=VALUE` (`VolumeID=45fb…`, `resource=web-01`).
*WINDOW*  `last 3h` · `3h` · `3 hours` · `90 minutes` · `-3h` · `now-6h` · `2h ago` · `since 09:00` ·
  `from 3h ago to 1h ago` · `until 1h ago` (the 3 hours before it) · `today` · `yesterday` · `yesterday 18:00` ·
  `yesterday 9am-5pm` · `monday 09:00-12:00` · `this week` · `last week` · `this month` · `2026-11-27` ·
  `2026-11-27T09:00/PT3H`. Units s, m, h, d, w. Default {window}. An end given as a bare time ends on the start's
  day, or the next one when earlier (`from 22:00 to 02:00` spans midnight); an end before its start is refused.
*OPTIONS*  `period 5m` or `period 300` (seconds; chosen from the window when absent) · `stat avg|min|max|sum|count` ·
  `size 1400x500` · `tz Asia/Seoul|KST|UTC+9|+09:00` · `title "Web CPU"` · `color #ff0000` and `label "web"` (per
  metric in order; per line when one metric draws several) · `thread <message link>` · `dry-run` (show the request,
  send nothing). `name=value` works too.
*More*  `{cmd} metrics [NAMESPACE] [TEXT]` browse the catalog · `{cmd} save NAME CHART …` save for this channel ·
  `{cmd} saved` · `{cmd} forget NAME` · run a saved chart with overrides: `{cmd} web-cpu 24h stat max`.
*Schedules*  `{cmd} schedule CHART… WHEN [in #channel] [WINDOW]` — WHEN: `every 15m` · `every day at 09:00` ·
  `every weekday at 9am` · `every mon,wed at 18:00` · `cron "0 9 * * 1-5"` · then `{cmd} schedules [all]`,
  `pause|resume|delete|run|next ID`. In an incident thread: `@bot follow CHART every 15m for 4h`, `@bot stop`.
*Alerts*  `{cmd} alerts [TEXT]` lists the ServiceWatch alerts, firing ones first ·
  `{cmd} watch alerts [level high|middle|low] [TEXT] [in #channel]` posts a chart when a matching alert fires
  (`level middle`: middle and high; TEXT: words of a namespace, metric, alert name or resource) · then
  `{cmd} watches`, `{cmd} unwatch ID`.
*한국어*  `cpu web-01 지난 3시간 최대` — Korean words work everywhere too (`{cmd} 도움말`).
Times are read in your Slack timezone unless you say `tz`."""
        ).format(cmd=command, window=default_window)
        + "\n"
        + _(
            "*SCP accounts*  `{cmd} accounts` lists them · `{cmd} use NAME` sets this channel's · `account NAME` in a "
            "line draws that chart with it (`{cmd} lag 3h account staging`). Admins add them in the bot's App Home."
        ).format(cmd=command)
    )


def metrics_text(catalog: Catalog, words: tuple[str, ...], command: str = "/chart") -> str:
    """The catalog, or one namespace of it, or the metrics whose names hold TEXT."""
    namespace, text = _namespace_and_text(catalog, words)
    if namespace is None and not text:
        lines = [_("*ServiceWatch namespaces* (then `{command} metrics NAMESPACE`):").format(command=command)]
        for name in catalog.namespaces:
            metrics = catalog.in_namespace(name)
            resources = len({r for m in metrics for r in m.resources})
            lines.append(
                _("• *{name}*: {metrics} metrics, {resources} resources").format(
                    name=name, metrics=len(metrics), resources=resources
                )
            )
        return "\n".join(lines)
    pool = catalog.in_namespace(namespace) if namespace else catalog.metrics
    found = [m for m in pool if text.lower() in m.name.lower()]
    if not found:
        hint = did_you_mean(text, sorted({m.name for m in pool}))
        if namespace:
            message = _(
                "No metric in {namespace} has “{text}” in its name.{hint} `{command} metrics` lists the namespaces."
            )
        else:
            message = _("No metric has “{text}” in its name.{hint} `{command} metrics` lists the namespaces.")
        return message.format(namespace=namespace, text=text, hint=hint, command=command)
    if namespace and text:
        heading = _("*Metrics in {namespace}* matching “{text}”:")
    elif namespace:
        heading = _("*Metrics in {namespace}*:")
    else:
        heading = _("*Metrics* matching “{text}”:")
    lines = [heading.format(namespace=namespace, text=text)]
    for metric in found[:40]:
        lines.append(_metric_line(metric))
    if len(found) > 40:
        lines.append(_("… and {count} more; add words to narrow it down.").format(count=len(found) - 40))
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
