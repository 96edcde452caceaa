"""The values of chart options: statistics, periods, sizes, timezones, colours, thread links."""

from __future__ import annotations

import re
from functools import cache
from urllib.parse import parse_qs, urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from rapidfuzz import fuzz, process

from bot.i18n import _
from bot.language.spec import ThreadRef
from bot.language.timerange import parse_span
from bot.language.words import STATISTICS

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
_OFFSET = re.compile(r"^(?:utc|gmt)?\s*([+-])(\d{1,2})(?::?(\d{2}))?$", re.IGNORECASE)
# Offsets that are not whole hours have no Etc/ zone: the zone most people at that offset use.
_PART_HOUR_ZONES = {
    "+03:30": "Asia/Tehran", "+04:30": "Asia/Kabul", "+05:30": "Asia/Kolkata", "+05:45": "Asia/Kathmandu",
    "+06:30": "Asia/Yangon", "+09:30": "Australia/Darwin", "-03:30": "America/St_Johns",
}  # fmt: skip
_STAT_WORDS = "avg, min, max, sum, count (평균, 최소, 최대, 합계, 개수)"
_PERMALINK = re.compile(r"/archives/([A-Z0-9]+)/p(\d{10})(\d{6})")


class OptionError(ValueError):
    """An option value that is not right; the text says what to write instead."""


def did_you_mean(word: str, choices: list[str] | tuple[str, ...], *, limit: int = 3, cutoff: float = 0.6) -> str:
    """` Did you mean X?` (or `X or Y?`) with the closest choices, case-insensitively; empty when none is close."""
    close = closest(word, choices, limit=limit, cutoff=cutoff)
    if not close:
        return ""
    names = _(" or ").join(f"`{c}`" for c in close)
    return " " + _("Did you mean {names}?").format(names=names)


def closest(word: str, choices: list[str] | tuple[str, ...], *, limit: int = 3, cutoff: float = 0.6) -> list[str]:
    """The choices most like `word` (case-insensitively, best first, at least `cutoff` alike), by rapidfuzz's
    normalised Indel similarity: difflib's ratio in C, so a did-you-mean costs microseconds however many words
    are unknown. Ties go to the later name in sort order, as difflib's did."""
    lowered = {choice.lower(): choice for choice in choices}
    found = process.extract(word.lower(), list(lowered), scorer=fuzz.ratio, score_cutoff=cutoff * 100, limit=None)
    ranked = sorted(found, key=lambda hit: (hit[1], hit[0]), reverse=True)[:limit]
    return [lowered[text] for text, _score, _index in ranked]


def parse_stat(word: str) -> str:
    """`max`, `average`, `최대` → the statistic ServiceWatch names (MAX, AVG, …)."""
    stat = STATISTICS.get(word.lower())
    if stat is None:
        hint = did_you_mean(word, sorted(set(STATISTICS) - {"cnt"}))
        raise OptionError(
            _("`stat {word}` is not a statistic ServiceWatch draws; every metric allows {stats}.{hint}").format(
                word=word, stats=_STAT_WORDS, hint=hint
            )
        )
    return stat


def parse_period(word: str) -> int:
    """`5m`, `300` (seconds, as the API counts), `300s`, `PT5M`, `5분` → seconds, whole minutes up to a week."""
    text = word.strip()
    seconds = int(text) if text.isascii() and text.isdigit() and len(text) < 9 else parse_span(text)
    if seconds is None:
        raise OptionError(
            _("`period {word}` is not a duration; write it like 5m, 300 (seconds) or 5분.").format(word=word)
        )
    if seconds < 60 or seconds % 60:
        raise OptionError(
            _("`period {word}`: ServiceWatch periods are whole minutes; use 1m (60) or more, e.g. 5m.").format(
                word=word
            )
        )
    if seconds > 604800:
        raise OptionError(_("`period {word}` is longer than a week; use 1w or less.").format(word=word))
    return seconds


def parse_size(word: str) -> tuple[int, int]:
    """`1400x500` → (width, height) in pixels."""
    match = _SIZE.match(word.strip())
    if not match:
        raise OptionError(
            _("`size {word}` is not a size; write width x height in pixels, e.g. size 1400x500.").format(word=word)
        )
    return int(match.group(1)), int(match.group(2))


@cache
def _zone_names() -> dict[str, str]:
    return {name.lower(): name for name in available_timezones()}


def parse_zone(word: str) -> str:
    """An IANA timezone name from `Asia/Seoul`, `asia/seoul`, `KST`, `UTC`, `UTC+9` or `+09:00`."""
    text = word.strip()
    name = ZONE_ALIASES.get(text.lower()) or _zone_names().get(text.lower()) or _offset_zone(text)
    if name is None:
        hint = did_you_mean(text, list(_zone_names().values()) + list(ZONE_ALIASES), cutoff=0.7)
        raise OptionError(
            _("`tz {word}` is not a timezone; use an IANA name such as Asia/Seoul, KST, UTC or UTC+9.{hint}").format(
                word=text, hint=hint
            )
        )
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise OptionError(
            _("`tz {word}` is not a timezone this machine knows; use one such as Asia/Seoul.").format(word=text)
        ) from None
    return name


def _offset_zone(text: str) -> str | None:
    """`UTC+9`, `+09:00`, `GMT-5` → `Etc/GMT-9` (POSIX signs run backwards), or the zone of a part-hour offset."""
    match = _OFFSET.match(text.strip())
    if not match or not (match.group(2).isascii() and (match.group(3) or "00").isascii()):
        return None
    sign, hours, minutes = match.group(1), int(match.group(2)), int(match.group(3) or 0)
    if minutes:
        return _PART_HOUR_ZONES.get(f"{sign}{hours:02d}:{minutes:02d}")
    if hours == 0:
        return "UTC"
    if hours > (14 if sign == "+" else 12):
        return None
    return f"Etc/GMT{'-' if sign == '+' else '+'}{hours}"


def parse_colour(word: str) -> str:
    if word.lower() in COLOURS:
        return COLOURS[word.lower()]
    match = _HEX.match(word.strip())
    if not match:
        hint = did_you_mean(word, list(COLOURS))
        raise OptionError(
            _("`color {word}` is not a colour; use #rrggbb (e.g. #ff0000) or a name like red.{hint}").format(
                word=word, hint=hint
            )
        )
    digits = match.group(1)
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return f"#{digits.lower()}"


def parse_thread(link: str) -> ThreadRef:
    """A Slack message permalink → the thread to post in (the parent's thread when the link is to a reply)."""
    problem = _("`thread` needs a message link: in Slack, ⋮ on the message → Copy link, then paste it after `thread`.")
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
