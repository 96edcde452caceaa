"""Whatever people type, the reader answers with a chart, a question or a refusal: lines drawn from the words of
both languages' corpora (shuffled, cut, glued) never raise anything but a UserError, in either language."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from bench.corpus import CATALOG, load
from bot.charts.plan import ChartDefaults, plan_chart
from bot.errors import UserError
from bot.i18n import ENGLISH, KOREAN, speaking
from bot.language.parse import parse_request
from bot.language.spec import ChartRequest

WORDS = sorted({word for phrase in load() for word in phrase.say.split()})
NOW = datetime(2026, 12, 9, 10, 20, tzinfo=ZoneInfo("Asia/Seoul"))


def read(line: str) -> None:
    try:
        request = parse_request(line)
        if isinstance(request, ChartRequest):
            plan_chart(request.spec, CATALOG, now=NOW, timezone="Asia/Seoul", defaults=ChartDefaults())
    except UserError:
        pass


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=12),
    st.sampled_from(["", " ", ", "]),
    st.sampled_from([ENGLISH, KOREAN]),
)
def test_corpus_words_in_any_order_never_raise(words: list[str], joiner: str, language: str) -> None:
    with speaking(language):
        read(joiner.join(words))
