"""`/chart help` (`/chart 도움말`) shows what the reader understands in examples, and every example in it is true:
each line of its first paragraph draws a chart at any hour, every other phrase draws as part of a line (or is the
command it names), each part of the day reads as the hours the help gives it, and the typo it shows is read as it
says. In English and in Korean, read as bench/corpus.py reads a corpus line: the parser, then the plan against the
sandbox's catalog."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bench.corpus import Outcome, Phrase, outcome_of
from bot.charts.help import help_text
from bot.i18n import ENGLISH, KOREAN, LANGUAGES, speaking
from bot.language.parse import parse_request
from bot.language.spec import ChartRequest, read_as

ZONE = "Asia/Seoul"
COMMAND = "/chart"
MONDAY = datetime(2026, 12, 7, tzinfo=ZoneInfo(ZONE))
# Hours a person asks at: just after midnight, before dawn ends, mid-afternoon, late evening; on a Monday (when
# `since monday` is today) and on a Wednesday.
NOWS = [
    MONDAY + timedelta(days=d, hours=h, minutes=m) for d in (0, 2) for h, m in ((0, 20), (5, 50), (14, 30), (23, 50))
]
LATE = MONDAY + timedelta(hours=23, minutes=50)  # every part of today has begun
# What the help's placeholders stand for, so its command forms can be read too.
PLACEHOLDERS = {
    "CHART…": "cpu web-01",
    "CHART": "cpu web-01",
    "NAME": "web-cpu",
    "TEXT": "cpu",
    "ID": "1",
    "#channel": "<#C0OPS|ops>",
    "<message link>": "<https://acme.slack.com/archives/C0OPS/p1700000000000100>",
    "<메시지 링크>": "<https://acme.slack.com/archives/C0OPS/p1700000000000100>",
}
PARTS_OF_THE_DAY = {"dawn", "새벽", "morning", "아침", "오전", "lunch", "점심", "afternoon", "오후", "evening", "저녁"}
PARTS_OF_THE_DAY |= {"night", "tonight", "밤"}
ASKED = {ENGLISH: "memory", KOREAN: "메모리"}  # the help's word that fits several metrics


def help_in(language: str, command: str = COMMAND, window: str = "3h") -> str:
    with speaking(language):
        return help_text(command, window)


def spans(text: str) -> list[str]:
    return re.findall(r"`([^`]+)`", text)


def examples(language: str) -> list[str]:
    """The whole lines the help opens with (its first paragraph's `• ` lines)."""
    first = help_in(language).split("\n\n")[0]
    return [line for row in first.splitlines() if row.startswith("• ") for line in spans(row)]


def phrases(language: str) -> list[str]:
    """Every other `…` of the help, its placeholders filled in and each `a|b` choice on its own."""
    found = [p for p in spans(help_in(language)) if p not in examples(language)]
    return sorted({form for phrase in found for form in _forms(_filled(phrase))})


def _filled(phrase: str) -> str:
    phrase = re.sub(r"(?:(?<=\s)|^)\[([^\]]+)\]", r"\1", phrase)  # `[in #channel]` → `in #channel`; not `[Basic]`
    for placeholder, value in PLACEHOLDERS.items():
        phrase = phrase.replace(placeholder, value)
    return phrase


def _forms(phrase: str) -> list[str]:
    words = phrase.split(" ")
    for i, word in enumerate(words):
        if "|" in word and not word.startswith("<"):
            return [f for choice in word.split("|") for f in _forms(" ".join([*words[:i], choice, *words[i + 1 :]]))]
    return [phrase]


def draw(line: str, language: str, now: datetime) -> Outcome:
    return outcome_of(Phrase("help", 0, line, language, "help", now, ZONE))


@pytest.mark.parametrize(("language", "line"), [(lang, line) for lang in LANGUAGES for line in examples(lang)])
def test_every_example_draws_a_chart_at_any_hour(language: str, line: str) -> None:
    for now in NOWS:
        got = draw(line, language, now)
        assert got.kind == "chart", f"at {now:%a %H:%M}: {got.kind}: {got.message}"


@pytest.mark.parametrize(("language", "phrase"), [(lang, phrase) for lang in LANGUAGES for phrase in phrases(lang)])
def test_every_phrase_of_the_help_is_read_as_shown(language: str, phrase: str) -> None:
    """A command form is that command; any other phrase draws, alone or after a metric and a resource (in the
    evening, when every part of today has begun); the word shown as ambiguous is asked about."""
    if phrase.startswith((COMMAND, "@bot")):
        with speaking(language):
            request = parse_request(phrase.removeprefix(COMMAND).removeprefix("@bot").strip())
        assert not isinstance(request, ChartRequest)
        return
    if phrase == ASKED[language]:
        return  # test_an_ambiguous_word_is_asked_about
    outcomes = [draw(line, language, LATE) for line in (phrase, f"cpu {phrase}", f"cpu web-01 {phrase}")]
    assert any(o.kind == "chart" for o in outcomes), [f"{o.kind}: {o.message}" for o in outcomes]


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_part_of_the_day_is_the_hours_the_help_gives(language: str) -> None:
    """`afternoon` 12–18 in the help is 12:00–18:00 of today; a part not over yet ends now."""
    parts = re.findall(r"((?:`[^`]+`/)*`[^`]+`) (\d\d)–(\d\d)", help_in(language))
    assert {word for words, _start, _end in parts for word in spans(words)} == PARTS_OF_THE_DAY
    for words, start, end in parts:
        begins = LATE.replace(hour=0, minute=0) + timedelta(hours=int(start))
        ends = LATE.replace(hour=0, minute=0) + timedelta(hours=int(end) + (24 if int(end) <= int(start) else 0))
        for word in spans(words):
            got = draw(f"cpu web-01 {word}", language, LATE)
            assert (got.kind, got.start, got.end) == (
                "chart",
                f"{begins:%Y-%m-%dT%H:%M}",
                f"{min(ends, LATE):%Y-%m-%dT%H:%M}",
            ), word


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_typo_shown_is_read_as_the_help_says(language: str) -> None:
    shown = re.findall(r"`([^`]+)` → _(.+?)_", help_in(language))
    assert len(shown) == 1
    line, note = shown[0]
    with speaking(language):
        request = parse_request(line)
        assert isinstance(request, ChartRequest)
        assert tuple(read_as(*typo) for typo in request.spec.notes) == (note,)


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_ambiguous_word_is_asked_about(language: str) -> None:
    word = ASKED[language]
    assert f"`{word}`" in help_in(language)
    got = draw(word, language, LATE)
    assert got.kind == "ask"
    assert word in got.message
    assert len(got.choices) >= 2


def test_each_language_shows_its_own_examples_first() -> None:
    def korean(line: str) -> bool:
        return any("\uac00" <= c <= "\ud7a3" for c in line)

    english, korean_lines = examples(ENGLISH), examples(KOREAN)
    assert not korean(english[0])
    assert any(korean(line) for line in english)  # Korean is shown too, after English
    assert korean(korean_lines[0])
    assert not all(korean(line) for line in korean_lines)  # and English after Korean
    assert 6 <= len([line for line in english if not korean(line)]) <= 8
    assert 6 <= len([line for line in korean_lines if korean(line)]) <= 8


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_help_names_the_default_window_and_the_command(language: str) -> None:
    text = help_in(language, command="/graph", window="6h")
    assert "6h" in text
    assert "`/graph metrics" in text or "`/graph 메트릭" in text
    assert "/chart" not in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_help_fits_a_slack_section(language: str) -> None:
    """Sent as a message's text; short enough to be one section block (3000 characters) too."""
    assert len(help_in(language)) <= 3000
