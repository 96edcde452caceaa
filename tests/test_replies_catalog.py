"""The Korean of bot/locales/ko/LC_MESSAGES/replies.po fills the same blanks as its English: a `{name}` lost or
misspelled in a translation would fail only when someone Korean met that message."""

from __future__ import annotations

from pathlib import Path
from string import Formatter

import pytest
from babel.messages.pofile import read_po

from bot.i18n import LOCALES

REPLIES = LOCALES / "ko" / "LC_MESSAGES" / "replies.po"


def blanks(text: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(text) if name is not None}


def entries(path: Path) -> list[tuple[str, str]]:
    with path.open("rb") as file:
        catalog = read_po(file, locale="ko")
    found = []
    for message in catalog:
        if not message.id:
            continue
        english = message.id if isinstance(message.id, str) else message.id[0]
        for korean in message.string if isinstance(message.string, tuple | list) else [message.string]:
            found.append((english, korean))
    return found


@pytest.mark.parametrize(("english", "korean"), entries(REPLIES), ids=lambda text: text[:40])
def test_the_korean_fills_the_same_blanks(english: str, korean: str) -> None:
    assert blanks(korean) == blanks(english)
