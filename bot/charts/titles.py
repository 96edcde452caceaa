"""The image's own title: what, which resources, when and which statistic, so a downloaded PNG keeps its meaning.

`CPU Usage/Core[Basic] · web-01 · last 3h (Nov 27 09:00–12:00 KST) · AVG`, in the asker's language (`… · 지난 3시간
(11월 27일 09:00–12:00 KST) · 평균`). ServiceWatch documents no length limit
for `title`, so the limit is what fits one line of the chart: about 11 px a character at a 13 pt title, 90
characters on the narrowest chart ServiceWatch draws (1000 px), 127 on the default 1400 px, never over TITLE_LIMIT.
Too long, it loses the least important part first: the window's words (the range stays), then resources beyond
the first, then the label's end; never the statistic.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.i18n import _, date_time

TITLE_LIMIT = 200
PIXELS_PER_CHARACTER = 11


def title_limit(width: int) -> int:
    """How many characters of title fit one line of a `width`-pixel chart (at least 40, at most TITLE_LIMIT)."""
    return max(40, min(TITLE_LIMIT, width // PIXELS_PER_CHARACTER))


SEPARATOR = " · "
ELLIPSIS = "…"


def time_span(start: datetime, end: datetime) -> str:
    """`Nov 27 09:00–12:00 KST` (`11월 27일 09:00–12:00 KST`); `Nov 26 00:00 – Nov 27 00:00 KST` across days; ISO
    dates across years."""
    zone = end.strftime("%Z") or end.strftime("%z")
    if start.year != end.year:
        return f"{start:%Y-%m-%d %H:%M} – {end:%Y-%m-%d %H:%M} {zone}"
    if start.date() == end.date():
        return f"{date_time(start)}–{date_time(end, date=False)} {zone}"
    return f"{date_time(start)} – {date_time(end)} {zone}"


def statistic_name(statistic: str) -> str:
    """A statistic as the chart's title names it: `AVG`, `MAX` … (`평균`, `최대` …); one it does not know as it is."""
    names = {"AVG": _("AVG"), "MAX": _("MAX"), "MIN": _("MIN"), "SUM": _("SUM"), "CNT": _("CNT")}
    return names.get(statistic, statistic)


def resource_list(resources: Sequence[str], shown: int) -> str:
    """`web-01, web-02 +3`: the first `shown` resources and how many more; `5 resources` when none is shown."""
    if not resources:
        return ""
    if shown <= 0 and len(resources) > 1:
        return _("{count} resources").format(count=len(resources))
    shown = max(shown, 1)
    head = ", ".join(resources[:shown])
    rest = len(resources) - shown
    return f"{head} +{rest}" if rest > 0 else head


def image_title(
    label: str,
    resources: Sequence[str],
    window: str,
    start: datetime,
    end: datetime,
    stat: str,
    *,
    mark: str = "",
    limit: int = TITLE_LIMIT,
) -> str:
    """`[mark] label · resources · window (range) · stat` within `limit` characters (see the module's note)."""
    span = time_span(start, end)
    window_parts = [f"{window} ({span})", span] if window and window != span else [span]
    unique = list(dict.fromkeys(r for r in resources if r and r not in label))
    resource_parts = [resource_list(unique, n) for n in range(min(len(unique), 3), -1, -1)] or [""]
    prefix = f"{mark} " if mark else ""

    def join(name: str, who: str, when: str) -> str:
        return prefix + SEPARATOR.join(part for part in (name, who, when, stat) if part)

    # Whole; without the window's words; then with fewer and fewer resources (the words stay out).
    candidates = [(resource_parts[0], window_parts[0])] + [(who, window_parts[-1]) for who in resource_parts]
    for who, when in candidates:
        title = join(label, who, when)
        if len(title) <= limit:
            return title
    # Still too long: the label gives way, then the resources and the range; the statistic stays whole.
    who, when = resource_parts[-1], window_parts[-1]
    room = limit - len(join("", who, when)) - len(SEPARATOR)
    if room >= 8:
        return join(_cut(label, room), who, when)
    tail = SEPARATOR + stat
    return _cut(prefix + label, max(limit - len(tail), 2)) + tail


def _cut(text: str, room: int) -> str:
    return text if len(text) <= room else text[: max(room - 1, 1)].rstrip() + ELLIPSIS
