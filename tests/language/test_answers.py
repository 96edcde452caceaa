"""A question's readings as lines (`bot.language.answers`): the line asked, with the word of several readings
replaced by one reading's words. Every question of both corpora is answered this way: each reading's line draws
that reading."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.corpus import CATALOG, HOLDOUT, Phrase, load, outcome_of
from bot.charts.plan import ChartDefaults, plan_chart
from bot.errors import ChartQuestion
from bot.i18n import speaking
from bot.language.answers import picks
from bot.language.parse import parse_request
from bot.language.spec import ChartRequest

CHOICES = (("A: one", '"A:one"'), ("B: two", '"B:two"'))


@pytest.mark.parametrize(
    ("line", "word", "answered"),
    [
        ("cpu last 3h", "cpu", '"A:one" last 3h'),
        ("show me the CPU please", "cpu", 'show me the "A:one" please'),  # any case; the rest as typed
        ("cpuu last 3h", "cpu", '"A:one" last 3h'),  # a typo is the word it was read as
        ("CPU를 보여줘", "CPU", '"A:one" 를 보여줘'),  # a particle written onto it stays a word of its own
        ("씨퓨좀 보여줘", "씨퓨", '"A:one" 좀 보여줘'),
        ("web-01메모리최근1시간", "메모리", 'web-01 "A:one" 최근1시간'),  # Korean without spaces
        ("save web-cpu cpu 3h", "cpu", 'save web-cpu "A:one" 3h'),  # not the saved name that holds the word
        ("schedule cpu every day at 09:00", "cpu", 'schedule "A:one" every day at 09:00'),
        ("active connections 1h", "active connections", '"A:one" 1h'),  # a name of several words
        ("cpu + cpu", "cpu", '"A:one" + cpu'),  # the first only
    ],
)
def test_the_word_is_replaced_by_each_readings_words(line: str, word: str, answered: str) -> None:
    found = picks(ChartQuestion("which?", word, CHOICES), line)
    assert [pick.label for pick in found] == ["A: one", "B: two"]
    assert found[0].line == answered
    assert found[1].line == answered.replace('"A:one"', '"B:two"', 1)


@pytest.mark.parametrize("line", ["web-cpu 3h", "lag 3h", ""])
def test_a_word_not_in_the_line_gives_no_readings(line: str) -> None:
    """The word came from elsewhere (a saved chart's text): the question's words say what to type."""
    assert picks(ChartQuestion("which?", "cpu", CHOICES), line) == ()


ASKING = [phrase for phrase in [*load(), *load(HOLDOUT)] if phrase.ask]  # the corpora say which lines ask


def _question_of(phrase: Phrase) -> ChartQuestion:
    """The question a corpus line asks (read and planned here, when the test runs, not at collection)."""
    with speaking(phrase.language):
        try:
            request = parse_request(phrase.say)
            assert isinstance(request, ChartRequest), f"{phrase.say!r} is not a chart request"
            plan_chart(request.spec, CATALOG, now=phrase.now, timezone=phrase.timezone, defaults=ChartDefaults())
        except ChartQuestion as question:
            return question
    raise AssertionError(f"{phrase.say!r} asks nothing")


def test_the_corpora_ask_many_questions() -> None:
    assert len(ASKING) >= 80


@pytest.mark.parametrize("phrase", [pytest.param(p, id=p.id) for p in ASKING])
def test_each_reading_of_a_corpus_question_draws_that_reading(phrase: Phrase) -> None:
    question = _question_of(phrase)
    found = picks(question, phrase.say)
    assert len(found) == len(question.choices), "every reading is offered"
    for (_label, words), pick in zip(question.choices, found, strict=True):
        drawn = outcome_of(replace(phrase, say=pick.line))
        assert drawn.kind == "chart", f"{pick.line!r}: {drawn.message}"
        if ":" in words:  # a metric's reading (a typo's are words: `윌요일` → 월요일, 일요일)
            assert words.strip('"') in drawn.metrics, f"{pick.line!r} drew {sorted(drawn.metrics)}"


WORDS = sorted({word for phrase in ASKING for word in phrase.say.split()})


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=10), st.sampled_from(WORDS)
)  # the asked word: in the line, or not
def test_readings_of_any_line_hold_the_readings_words_once(words: list[str], word: str) -> None:
    line = " ".join(words)
    found = picks(ChartQuestion("which?", word, CHOICES), line)
    assert len(found) in (0, len(CHOICES))  # every reading, or none when the word is not there
    for pick, (_label, meant) in zip(found, CHOICES, strict=False):
        assert pick.line.count(meant) == 1
        assert len(pick.line) <= len(line) + len(meant) + 2


def test_a_typo_as_near_to_two_words_asks_which_when_no_chart_is_drawn_as_typed() -> None:
    """`윌요일` is one letter from 월요일 and from 일요일: read as typed it names nothing, so the question offers both."""
    (phrase,) = [p for p in load() if p.say.startswith("윌요일부터")]
    drawn = outcome_of(phrase)
    assert drawn.kind == "ask"
    assert drawn.choices == ("월요일", "일요일")
    assert "“윌요일”" in drawn.message
