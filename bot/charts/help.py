"""The words the bot says about its own language: help and the catalog listing."""

from __future__ import annotations

from bot.i18n import _
from bot.language.options import did_you_mean
from bot.servicewatch.catalog import Catalog, CatalogMetric


def help_text(command: str, default_window: str) -> str:
    """What the reader understands, shown in examples, in the asker's language (the Korean help shows Korean lines
    first). Each line and phrase of it is a test's input (tests/charts/test_help.py), so the help never shows one that
    does not draw. The first paragraph's lines are whole requests; the rest are parts of one."""
    return "\n\n".join(
        (
            _(
                """\
*ServiceWatch charts* — say what you want to see, in any order:
• `cpu web-01 last 3h`
• `memory web-01 yesterday afternoon max` — a part of the day, a statistic
• `disk web-01 since monday` — read and write together
• `cpu web-01 vs web-02 today` — several resources
• `5xx web-lb today vs yesterday` — beside the day before
• `connections orders-db 1pm-3pm yesterday per 5 min` — a range, a period
• `web-01 메모리 어제 오후 최대` · `orders-db 복제 지연 지난 사흘` · `12월 1일 10시~12시 web-lb 트래픽` — Korean too
Type a line after `{cmd}` or mention the bot. Name no time and it draws the last {window}. Times are \
in your Slack timezone unless you name another (`tz UTC`)."""
            ).format(cmd=command, window=default_window),
            _(
                """\
*When*
Parts of the day: `dawn`/`새벽` 00–06 · `morning`/`아침` 06–12 · `오전` 00–12 · `lunch`/`점심` 12–14 · \
`afternoon`/`오후` 12–18 · `evening`/`저녁` 18–24 · `night`/`tonight`/`밤` 18–06; today's unless you name a day: \
`yesterday evening`, `last night`.
A time with no day is the latest one that has passed: at 3am, `since 22:00` is last night's.
Ranges take any joiner, and pm carries over: `9am to 11am`, `between 2pm and 4pm`, `10:00~12:00`, `1-3pm`, \
`오후 2시~4시` (14–16).
Days: `Dec 1`, `12/1`, `12월 1일`, `friday` (the latest one), `today`, `yesterday`, `this week`, `last week` (the \
calendar week, Monday to Monday), `this month`, `last 7 days`, `2h ago`."""
            ),
            _(
                """\
*How*
A statistic anywhere: `max`/`peak`, `min`, `avg`, `sum`/`total`, `count` (`최대`, `평균`…) · a period: \
`per 5 min`, `5m resolution`, `5분 단위` · compare: `vs yesterday`, `vs last week`, `지난주 대비`.
Several resources: `web-01 and web-02`. Typos are read, and said: `cpu web-01 lats 3h` → _read “lats” as “last”_. \
A word that fits several metrics (`memory`) is asked about, with the choices."""
            ),
            _(
                """\
*Options*  `title "Web CPU"` · `size 1400x500` · `tz Asia/Seoul` · `color #ff0000` · `label "web"` · \
`thread <message link>` · `account NAME` · `dry-run` (show the request, send nothing)."""
            ),
            _(
                """\
*More*  `{cmd} metrics [TEXT]` the catalog (a metric's exact name works in quotes: \
`"Virtual Server:CPU Usage/Core[Basic]"`) · `{cmd} save NAME CHART…` · `{cmd} saved` · `{cmd} forget NAME` · \
`{cmd} schedule CHART… every day at 09:00 [in #channel]` · `{cmd} schedules` · \
`{cmd} pause|resume|delete|run|next ID` · in a thread `@bot follow CHART every 15m for 4h`, `@bot stop` · \
`{cmd} alerts` · `{cmd} watch alerts [level high] [TEXT] [in #channel]` · `{cmd} watches` · `{cmd} unwatch ID` · \
`{cmd} accounts` · `{cmd} use NAME`."""
            ).format(cmd=command),
        )
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
