"""Misspelt words with one clear reading are read as that word, and the answer says so (`read “lats” as “last”`).
A word is compared only with the words the reader knows by meaning (times, statistics, everyday metric words,
filler); Korean is compared letter by letter (jamo), so `윌요일` is one letter from `월요일`. Names of resources
are never corrected: `web-09` is a host that may not exist, not a typo of `web-01`."""

from __future__ import annotations

import unicodedata
from dataclasses import replace
from functools import cache

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.language.korean_words import KOREAN_WORDS
from bot.language.lexicon import (
    CLOCK_WORDS,
    COMPARE_WORDS,
    DAY_COUNTS,
    DAY_PARTS,
    EARLIER_WORDS,
    EARLY,
    FILLER,
    HALF,
    METRIC_WORDS,
    MONTHS,
    NUMBER_WORDS,
    OTHER_STATISTICS,
    PARTICLES,
    PARTS_OF_DAY,
    PERIOD_AFTER,
    PERIOD_BEFORE,
    STAT_WORDS,
)
from bot.language.timerange import UNIT_WORDS
from bot.language.tokens import Kind, Token
from bot.language.words import (
    CALENDAR_WORDS,
    COMMAND_SYNONYMS,
    DAYS_BACK,
    JOINERS,
    LAST,
    SINCE,
    UNTIL,
    WEEKDAYS,
    language_words,
)

MAX_CORRECTED = 8  # words a line may have corrected; past that the rest are read as typed (bounded work)
_UNITS = ("hour", "hours", "minute", "minutes", "days", "weeks", "month", "months", "시간")


@cache
def _vocabulary() -> tuple[dict[str, str], frozenset[str]]:
    """The words a typo may stand for (by their jamo) and every word the reader knows (never corrected)."""
    meant = {
        *LAST, *SINCE, *UNTIL, *DAYS_BACK, *WEEKDAYS, *MONTHS, *PARTS_OF_DAY, *DAY_PARTS, *STAT_WORDS, *DAY_COUNTS,
        *METRIC_WORDS, *(word for words in METRIC_WORDS.values() for word in words), *_UNITS,
        *(word for word in FILLER if len(word) >= 5),
        *CALENDAR_WORDS, *COMPARE_WORDS,
        "tonight", "between", "today", "yesterday", "replication", "transactions", "connections", "active",
    }  # fmt: skip
    letters = {_letters(word): word for word in meant if len(word) >= (3 if word.isascii() else 2)}
    known = frozenset(
        {
            *meant, *FILLER, *language_words(), *NUMBER_WORDS, *UNIT_WORDS, *COMPARE_WORDS, *EARLIER_WORDS,
            *PERIOD_AFTER, *PERIOD_BEFORE, *CLOCK_WORDS, *OTHER_STATISTICS, *HALF, *EARLY, *JOINERS,
            "week", "month", "year", "ago", "now", "this", "next", "with", "to", "bytes", "usage",
            *PARTICLES, *KOREAN_WORDS, *COMMAND_SYNONYMS,
        }
    )  # fmt: skip
    return letters, known


def _letters(word: str) -> str:
    return unicodedata.normalize("NFD", word.lower())


def corrected(tokens: list[Token]) -> list[Token]:
    """The tokens with clear typos replaced; each replaced token keeps what was typed in `typed`."""
    letters, known = _vocabulary()
    out: list[Token] = []
    budget = MAX_CORRECTED
    for token in tokens:
        word = token.text.lower()
        if budget and _correctable(token, word, known):
            budget -= 1
            meant = _meant(word, letters)
            if len(meant) == 1:
                out.append(replace(token, text=meant[0], typed=token.text))
                continue
            if meant:  # as near to two words: read as typed; a chart that cannot be drawn asks which (plan.py)
                out.append(replace(token, unsure=meant))
                continue
        out.append(token)
    return out


def _correctable(token: Token, word: str, known: frozenset[str]) -> bool:
    if token.quoted or token.kind is not Kind.WORD or word in known or not word.isalpha():
        return False
    if word.isascii():
        return len(word) >= 4
    return len(word) >= 2 and all("가" <= c <= "힣" for c in word)  # two syllables are five or six letters


def _meant(word: str, letters: dict[str, str]) -> tuple[str, ...]:
    """The known words nearest `word`, within an edit or two (two for longer words): one when it is clear."""
    typed = _letters(word)
    limit = 1 if (len(word) < 7 and word.isascii()) or len(word) == 2 else 2
    close = process.extract(typed, list(letters), scorer=OSA.distance, score_cutoff=limit, limit=3)
    if word.isascii() and len(word) < 5:  # short words: a typo keeps its first letter (`soon` is no `noon`)
        close = [found for found in close if found[0][:1] == typed[:1]]
    if not close:
        return ()
    best = min(distance for _choice, distance, _index in close)
    return tuple(sorted({letters[choice] for choice, distance, _index in close if distance == best}))


_KOREAN_UNITS = ("시간", "개월", "주일")


def corrected_unit(text: str) -> tuple[str, str] | None:
    """A Korean unit mistyped by one letter right after its number (`1시칸`, `1시긴` → 시간): (what was typed, the
    unit), else None."""
    for unit in _KOREAN_UNITS:
        head = text[: len(unit)]
        if head != unit and len(head) == len(unit) and OSA.distance(_letters(head), _letters(unit)) == 1:
            return head, unit
    return None
