"""The values of chart options: statistics, periods, sizes, timezones, colours, thread links."""

from __future__ import annotations

import difflib
import re
from functools import cache
from urllib.parse import parse_qs, urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.charts.spec import ThreadRef
from bot.charts.timerange import parse_span

STATISTICS = {
    "avg": "AVG", "average": "AVG", "mean": "AVG",
    "min": "MIN", "minimum": "MIN",
    "max": "MAX", "maximum": "MAX",
    "sum": "SUM", "total": "SUM",
    "count": "CNT", "cnt": "CNT", "samples": "CNT",
}  # fmt: skip
COLOURS = {
    "red": "#d62728", "blue": "#1f77b4", "green": "#2ca02c", "orange": "#ff7f0e", "purple": "#9467bd",
    "brown": "#8c564b", "pink": "#e377c2", "gray": "#7f7f7f", "grey": "#7f7f7f", "olive": "#bcbd22",
    "cyan": "#17becf", "black": "#000000", "yellow": "#e6c300", "navy": "#1428a0",
}  # fmt: skip
ZONE_ALIASES = {
    "utc": "UTC", "gmt": "UTC", "z": "UTC", "kst": "Asia/Seoul", "seoul": "Asia/Seoul", "jst": "Asia/Tokyo",
    "est": "America/New_York", "edt": "America/New_York", "et": "America/New_York",
    "pst": "America/Los_Angeles", "pdt": "America/Los_Angeles", "pt": "America/Los_Angeles",
    "cst": "America/Chicago", "cdt": "America/Chicago", "cet": "Europe/Berlin", "cest": "Europe/Berlin",
    "bst": "Europe/London", "ist": "Asia/Kolkata", "sgt": "Asia/Singapore",
}  # fmt: skip
_HEX = re.compile(r"^#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})$")
_SIZE = re.compile(r"^(\d{2,5})\s*[x×*X]\s*(\d{2,5})$")
_PERMALINK = re.compile(r"/archives/([A-Z0-9]+)/p(\d{10})(\d{6})")


class OptionError(ValueError):
    """An option value that is not right; the text says what to write instead."""


def did_you_mean(word: str, choices: list[str] | tuple[str, ...], *, limit: int = 3, cutoff: float = 0.6) -> str:
    """` Did you mean X?` (or `X or Y?`) with the closest choices, case-insensitively; empty when none is close."""
    lowered = {choice.lower(): choice for choice in choices}
    close = difflib.get_close_matches(word.lower(), list(lowered), n=limit, cutoff=cutoff)
    if not close:
        return ""
    names = [f"`{lowered[c]}`" for c in close]
    return f" Did you mean {' or '.join(names)}?"


def parse_stat(word: str) -> str:
    stat = STATISTICS.get(word.lower())
    if stat is None:
        hint = did_you_mean(word, sorted(set(STATISTICS) - {"cnt"}))
        raise OptionError(f"`stat {word}` is not a statistic; use avg, min, max, sum or count.{hint}")
    return stat


def parse_period(word: str) -> int:
    seconds = parse_span(word)
    if seconds is None:
        raise OptionError(f"`period {word}` is not a duration; write it like 5m or 1h.")
    if seconds < 60 or seconds % 60:
        raise OptionError(f"`period {word}`: ServiceWatch periods are whole minutes; use 1m or more, e.g. 5m.")
    if seconds > 604800:
        raise OptionError(f"`period {word}` is longer than a week; use 1w or less.")
    return seconds


def parse_size(word: str) -> tuple[int, int]:
    match = _SIZE.match(word.strip())
    if not match:
        raise OptionError(f"`size {word}` is not a size; write width x height in pixels, e.g. size 1400x500.")
    return int(match.group(1)), int(match.group(2))


@cache
def _zone_names() -> dict[str, str]:
    return {name.lower(): name for name in available_timezones()}


def parse_zone(word: str) -> str:
    """An IANA timezone name from `Asia/Seoul`, `asia/seoul`, `KST` or `UTC`."""
    text = word.strip()
    name = ZONE_ALIASES.get(text.lower()) or _zone_names().get(text.lower())
    if name is None:
        hint = did_you_mean(text, list(_zone_names().values()) + list(ZONE_ALIASES), cutoff=0.7)
        raise OptionError(f"`tz {text}` is not a timezone; use an IANA name such as Asia/Seoul or UTC.{hint}")
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise OptionError(f"`tz {text}` is not a timezone this machine knows; use one such as Asia/Seoul.") from None
    return name


def parse_colour(word: str) -> str:
    if word.lower() in COLOURS:
        return COLOURS[word.lower()]
    match = _HEX.match(word.strip())
    if not match:
        hint = did_you_mean(word, list(COLOURS))
        raise OptionError(f"`color {word}` is not a colour; use #rrggbb (e.g. #ff0000) or a name like red.{hint}")
    digits = match.group(1)
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return f"#{digits.lower()}"


def parse_thread(link: str) -> ThreadRef:
    """A Slack message permalink → the thread to post in (the parent's thread when the link is to a reply)."""
    problem = "`thread` needs a message link: in Slack, ⋮ on the message → Copy link, then paste it after `thread`."
    try:
        url = urlparse(link)
    except ValueError:
        raise OptionError(problem) from None
    match = _PERMALINK.search(link)
    if not match or not url.scheme.startswith("http"):
        raise OptionError(problem)
    channel, seconds, micros = match.groups()
    query = parse_qs(url.query)
    thread_ts = query.get("thread_ts", [f"{seconds}.{micros}"])[0]
    return ThreadRef(channel_id=query.get("cid", [channel])[0], thread_ts=thread_ts, permalink=link)
