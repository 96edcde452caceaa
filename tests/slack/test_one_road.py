"""A request travels one road: a typed `/chart` line is read once (when it is acknowledged) and what it says goes on
as typed values, never as text read again; its answer is in the asker's language, whatever the acknowledgement
spoke."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

import bot.chat
import bot.slack.listeners.commands
from bot.language.spec import Request
from tests.stacks import BotStack

CPU = '"Virtual Server:CPU Usage/Core[Basic]"'


def counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every line the reader reads, wherever the bot asks it to."""
    read: list[str] = []
    for module in (bot.chat, bot.slack.listeners.commands):
        original: Callable[..., Request] = module.parse_request

        def reading(text: str, *args: Any, _original: Callable[..., Request] = original, **kwargs: Any) -> Request:
            read.append(text)
            return _original(text, *args, **kwargs)

        monkeypatch.setattr(module, "parse_request", reading)
    return read


@pytest.mark.parametrize("line", [f"{CPU} resource=web-01 last 3h", f"{CPU} resource=web-01 lats 3h"])
async def test_a_typed_chart_is_read_once(stack: BotStack, monkeypatch: pytest.MonkeyPatch, line: str) -> None:
    read = counted(monkeypatch)
    await stack.post_command(line)
    await stack.fake.wait_for(lambda: stack.fake.posts)
    assert read == [line]


async def test_a_line_read_at_the_acknowledgement_is_answered_in_the_askers_language(
    stack: BotStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The acknowledgement cannot ask Slack for a first-time asker's locale, so it reads in English; the typo's note
    # on the chart is still in Korean, the asker's language.
    stack.fake.user("U0KIM", locale="ko-KR")
    read = counted(monkeypatch)
    await stack.post_command(f"{CPU} resource=web-01 lats 3h")
    await stack.fake.wait_for(lambda: stack.fake.posts)
    assert len(read) == 1
    (post,) = stack.fake.posts
    assert "“lats”" in post.comment
    assert "read “lats” as “last”" not in post.comment
