"""The Korean words the reader knows as whole words: the segmenter splits text written without spaces into them
(longest first), and the typo corrector never corrects them."""

from __future__ import annotations

import re

from bot.language.lexicon import (
    COMPARE_WORDS,
    DAY_COUNTS,
    DAY_PARTS,
    FILLER,
    GROUP_WORDS,
    LOANWORDS,
    METRIC_WORDS,
    PARTS_OF_DAY,
    PERIOD_AFTER,
    STAT_WORDS,
)
from bot.language.words import (
    CALENDAR_WORDS,
    COMMANDS,
    DAYS_BACK,
    FILLERS,
    LAST,
    MERIDIEMS,
    OPTIONS,
    SCHEDULE_COMMANDS,
    WEEKDAYS,
)

_HANGUL = re.compile(r"[가-힣]")
KOREAN_WORDS = frozenset(
    word
    for table in (
        FILLER, METRIC_WORDS, STAT_WORDS, PARTS_OF_DAY, DAY_PARTS, DAY_COUNTS, DAYS_BACK, WEEKDAYS, CALENDAR_WORDS,
        COMMANDS, SCHEDULE_COMMANDS, OPTIONS, PERIOD_AFTER, MERIDIEMS, FILLERS, LAST, GROUP_WORDS, LOANWORDS,
        COMPARE_WORDS,
        ("비교", "대비", "이번", "지난", "전", "부터", "까지", "동안", "최근", "주", "달", "간", "사용", "읽기", "쓰기",
         "수신", "송신", "복제", "지연", "연결", "수", "번"),
    )
    for word in table
    if _HANGUL.search(word)
)  # fmt: skip
