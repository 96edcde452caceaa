"""The message catalogs: every message of the code inside `_()`/`ngettext()` has its Korean; the language of the
work under way decides which comes out."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir

from bot import i18n
from bot.i18n import ENGLISH, KOREAN, _, catalog, language_of, speaking

BOT = Path(i18n.__file__).resolve().parent


def messages_in_code() -> dict[str, str]:
    """Each message id of bot/ and where it is."""
    found: dict[str, str] = {}
    for filename, line, message, _comments, _context in extract_from_dir(
        str(BOT), method_map=[("**.py", "python")], keywords={"_": None, "ngettext": (1, 2)}
    ):
        key = message[0] if isinstance(message, tuple) else message
        found.setdefault(key, f"bot/{filename}:{line}")
    return found


def test_every_message_has_its_korean() -> None:
    korean = catalog(KOREAN)
    missing = {where: message for message, where in messages_in_code().items() if message not in korean}
    assert missing == {}, "messages without Korean in bot/locales/ko/LC_MESSAGES/*.po"


def test_the_catalog_holds_no_message_the_code_lost() -> None:
    """A message changed in the code leaves its old translation behind; it is removed, not kept unread."""
    assert set(catalog(KOREAN)) - set(messages_in_code()) == set()


@pytest.mark.parametrize(
    ("locale", "language"),
    [("ko-KR", KOREAN), ("ko", KOREAN), ("ko_KR", KOREAN), ("en-US", ENGLISH), ("ja-JP", ENGLISH), (None, ENGLISH)],
)
def test_the_language_of_a_locale(locale: str | None, language: str) -> None:
    assert language_of(locale) == language


async def test_each_task_speaks_its_own_language() -> None:
    async def say(lang: str) -> str:
        with speaking(lang):
            await asyncio.sleep(0)
            return i18n.accept_language()

    assert await asyncio.gather(say(KOREAN), say(ENGLISH)) == ["ko-KR", "en-US"]
    assert i18n.language() == ENGLISH


def test_dates_and_numbers_as_each_language_writes_them() -> None:
    moment = datetime(2026, 11, 27, 18, 5, tzinfo=UTC)
    assert i18n.date_time(moment) == "Nov 27 18:05"
    with speaking(KOREAN):
        assert i18n.date_time(moment) == "11월 27일 18:05"
        assert i18n.number(1234.5) == "1,234.5"
    assert _("an English message without Korean") == "an English message without Korean"
