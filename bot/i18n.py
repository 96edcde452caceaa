"""Messages in the asker's language. Every message people read is written in English inside `_()` (or `ngettext`)
and translated through gettext catalogs, `bot/locales/<language>/LC_MESSAGES/*.po` (one file an area of the code,
merged), read with Babel when first needed. The language of the work under way is a context variable: a request
sets it once (`speaking`), and every message made while it runs, however deep, comes out in that language."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from functools import cache
from pathlib import Path

from babel import Locale
from babel.dates import format_skeleton
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

LOCALES = Path(__file__).resolve().parent / "locales"
ENGLISH, KOREAN = "en", "ko"
LANGUAGES = (ENGLISH, KOREAN)
# What each language sends as Accept-Language, and formats dates and numbers as.
LOCALE_NAMES = {ENGLISH: "en-US", KOREAN: "ko-KR"}

_current: ContextVar[str] = ContextVar("language", default=ENGLISH)


def language() -> str:
    """The language of the work under way."""
    return _current.get()


def language_of(locale: str | None) -> str:
    """The bot's language for a Slack (or HTTP) locale such as `ko-KR`, `ko`, `en-US`; English for anything else."""
    if locale and locale.replace("_", "-").split("-")[0].lower() == KOREAN:
        return KOREAN
    return ENGLISH


@contextmanager
def speaking(lang: str) -> Iterator[None]:
    """Make the messages of the work inside the block in `lang`."""
    token = _current.set(lang if lang in LANGUAGES else ENGLISH)
    try:
        yield
    finally:
        _current.reset(token)


@cache
def catalog(lang: str) -> dict[str, str | tuple[str, ...]]:
    """`lang`'s translations: msgid (or the singular of a plural) → its text (or texts); empty for English."""
    found: dict[str, str | tuple[str, ...]] = {}
    if lang == ENGLISH:
        return found
    for path in sorted((LOCALES / lang / "LC_MESSAGES").glob("*.po")):
        with path.open("rb") as file:
            po = read_po(file, locale=lang)
        for message in po:
            if not message.id or message.fuzzy:
                continue
            key = message.id[0] if isinstance(message.id, tuple | list) else message.id
            if isinstance(message.string, tuple | list):
                if all(message.string):
                    found[key] = tuple(message.string)
            elif message.string:
                found[key] = message.string
    return found


def _(message: str) -> str:
    """`message` in the current language (itself when there is no translation)."""
    translated = catalog(language()).get(message)
    return translated if isinstance(translated, str) else message


def ngettext(singular: str, plural: str, count: int) -> str:
    """The form for `count` in the current language (Korean has one form)."""
    translated = catalog(language()).get(singular)
    if isinstance(translated, tuple):
        return translated[min(len(translated) - 1, 0 if count == 1 else 1)]
    return singular if count == 1 else plural


def accept_language() -> str:
    """The Accept-Language of calls made for the work under way (`ko-KR`, `en-US`)."""
    return LOCALE_NAMES[language()]


def date_part(moment: datetime, skeleton: str) -> str:
    """The parts of `moment` a CLDR skeleton names (`MMMd`, `Hm`, `yMMMd`, `d`) as the current language writes them
    (`Nov 27`, `18:00`, `Nov 27, 2026`, `27`; `11월 27일`, `18:00`, `2026년 11월 27일`, `27일`), in its own zone."""
    locale = Locale.parse(LOCALE_NAMES[language()], sep="-")
    return format_skeleton(skeleton, moment, tzinfo=moment.tzinfo, locale=locale)


def date_time(moment: datetime, *, date: bool = True) -> str:
    """A time (after its date unless `date` is False) as the current language writes them (`Nov 27 09:00`;
    `11월 27일 18:00`), in `moment`'s own zone."""
    clock = date_part(moment, "Hm")
    return f"{date_part(moment, 'MMMd')} {clock}" if date else clock


def number(value: float, digits: int = 2) -> str:
    """A number as the current language writes it, with at most `digits` decimals."""
    return format_decimal(round(value, digits), locale=LOCALE_NAMES[language()].replace("-", "_"))
