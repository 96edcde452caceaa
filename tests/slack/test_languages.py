"""Replies in the asker's language, through Slack (HTTP mode, fake Slack, sandbox, SQLite): Korean for a `ko-KR`
Slack locale, English otherwise, or one language for everyone with BOT_LANGUAGE; ServiceWatch asked in it too."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.charts.help import help_text
from bot.i18n import ENGLISH, KOREAN, speaking
from bot.markup import for_slack
from bot.sandbox import Fault as SandboxFault
from bot.servicewatch.client import IMAGE_PATH
from tests.fakes.slack import FakeSlack
from tests.stacks import BotStack, settings_for, start_stack

CPU = '"Virtual Server:CPU Usage/Core[Basic]"'
ELSEWHERE = "https://globex.slack.com/archives/C0OPS/p1700000000123456"  # a message link of another workspace

# For each language: what each kind of reply says (a fragment no other language's reply has).
SAYS = {
    ENGLISH: {
        "link refused": "That message link is from globex.slack.com, not this workspace",
        "invite me": "Invite me with `/invite @servicewatch`",
        "comment": ("period 5m (auto)", "asked by <@U0KIM>"),
        "alt text": ("Chart of Virtual Server:CPU Usage/Core[Basic], last 3h, AVG per 5m.", "web-01: min "),
        "nothing saved": "No saved charts in this channel yet.",
        "refused by ServiceWatch": "ServiceWatch answered 403",
    },
    KOREAN: {
        "link refused": "이 메시지 링크는 이 워크스페이스(acme.slack.com)가 아니라 globex.slack.com의 것이에요.",
        "invite me": "`/invite @servicewatch`으로 저를 초대한 뒤 다시 요청하세요.",
        "comment": ("주기 5m (자동)", "요청: <@U0KIM>"),
        "alt text": ("Virtual Server:CPU Usage/Core[Basic] 차트, last 3h, 5m마다 AVG.", "web-01: 최소 "),
        "nothing saved": "이 채널에는 아직 저장된 차트가 없어요.",
        "refused by ServiceWatch": "ServiceWatch 응답 403",
    },
}
LOCALES = [("en-US", ENGLISH), ("ko-KR", KOREAN)]


async def ask(stack: BotStack, text: str, **where: str) -> str:
    """A slash command and its private answer (after the acknowledgement)."""
    before = len(stack.fake.responses)
    await stack.post_command(text, **where)
    await stack.fake.wait_for(lambda: len(stack.fake.responses) > before)
    return str(stack.fake.responses[before]["text"])


@pytest.fixture
async def korean_stack(fake_slack: FakeSlack, tmp_path: Path) -> AsyncIterator[BotStack]:
    """The bot with BOT_LANGUAGE=ko: Korean for everyone, whatever their Slack locale."""
    async for running in start_stack(fake_slack, settings_for(fake_slack, tmp_path, bot_language="ko")):
        yield running


@pytest.mark.parametrize(("locale", "language"), LOCALES)
async def test_replies_and_refusals_in_the_askers_language(stack: BotStack, locale: str, language: str) -> None:
    stack.fake.user("U0KIM", locale=locale)
    says = SAYS[language]
    assert (await ask(stack, "saved")).startswith(says["nothing saved"])
    with speaking(language):  # help's own words are the chat language's (bot/charts/help.py)
        assert await ask(stack, "help") == for_slack(help_text("/chart", "3h"))
    # A refusal in the acknowledgement: no time to ask Slack, so the language known from the requests before.
    acknowledged = await stack.post_command(f"{CPU} thread {ELSEWHERE}")
    assert acknowledged.json()["text"].startswith(says["link refused"])
    stack.fake.channel("G0SECRET", members=["U0KIM"], bot_member=False, private=True)
    assert says["invite me"] in await ask(stack, f"{CPU} resource=web-01", channel="G0SECRET")  # told privately


@pytest.mark.parametrize(("locale", "language"), LOCALES)
async def test_a_chart_speaks_the_askers_language(stack: BotStack, locale: str, language: str) -> None:
    stack.fake.user("U0KIM", locale=locale)
    await stack.post_command(f"{CPU} resource=web-01 last 3h")
    await stack.fake.wait_for(lambda: stack.fake.posts)
    (post,) = stack.fake.posts
    comment, alt = SAYS[language]["comment"], SAYS[language]["alt text"]
    assert all(part in post.comment for part in comment), post.comment
    assert all(part in post.alt_txt for part in alt), post.alt_txt
    assert stack.sandbox.languages == {
        f"{language}-{'KR' if language == KOREAN else 'US'}": sum(stack.sandbox.calls.values())
    }


async def test_the_first_acknowledgement_of_someone_unknown_is_english(stack: BotStack) -> None:
    """Before any request of theirs the bot has not asked Slack their locale (nor may it, in three seconds)."""
    stack.fake.user("U0KIM", locale="ko-KR")
    acknowledged = await stack.post_command(f"{CPU} thread {ELSEWHERE}")
    assert acknowledged.json()["text"].startswith(SAYS[ENGLISH]["link refused"])
    assert stack.fake.count("users.info") == 0


async def test_bot_language_forces_korean_on_everyone(korean_stack: BotStack) -> None:
    stack = korean_stack
    stack.fake.user("U0KIM", locale="en-US")
    acknowledged = await stack.post_command(f"{CPU} thread {ELSEWHERE}")  # at once: no locale needed
    assert acknowledged.json()["text"].startswith(SAYS[KOREAN]["link refused"])
    assert (await ask(stack, "saved")).startswith(SAYS[KOREAN]["nothing saved"])


async def test_servicewatch_is_asked_in_each_askers_language(stack: BotStack) -> None:
    stack.fake.user("U0KIM", locale="ko-KR")
    stack.fake.user("U0LEE", locale="en-US")
    await stack.post_command(f"{CPU} resource=web-01 last 3h", user="U0KIM")
    await stack.fake.wait_for(lambda: len(stack.fake.posts) == 1)
    korean = stack.sandbox.languages["ko-KR"]
    await stack.post_command(f"{CPU} resource=web-02 last 3h", user="U0LEE")  # another chart: not shared
    await stack.fake.wait_for(lambda: len(stack.fake.posts) == 2)
    assert korean >= 2  # Kim's image and numbers (and the catalog, fetched for the first chart)
    assert stack.sandbox.languages["en-US"] == 2  # Lee's image and numbers
    assert set(stack.sandbox.languages) == {"ko-KR", "en-US"}


async def test_saving_under_a_metrics_name_is_refused(stack: BotStack) -> None:
    """`lag` names Replication Lag: saved under it, `/chart lag` would run the saved chart instead of the metric."""
    refusal = await ask(stack, "save lag lag last 6h")
    assert refusal.startswith("`lag` is the name of the metric `PostgreSQL(DBaaS):Replication Lag`")
    assert "`lag-chart`" in refusal
    assert (await ask(stack, "saved")).startswith("No saved charts")
    assert (await ask(stack, "save db-lag lag last 6h")).startswith("Saved `db-lag`")


@pytest.fixture
async def fragile_stack(fake_slack: FakeSlack, tmp_path: Path) -> AsyncIterator[BotStack]:
    async for running in start_stack(fake_slack, settings_for(fake_slack, tmp_path, schedule_max_failures=2)):
        yield running


@pytest.mark.parametrize(("locale", "language"), LOCALES)
async def test_a_failed_scheduled_run_is_told_in_its_owners_language(
    fragile_stack: BotStack, locale: str, language: str
) -> None:
    stack, fake = fragile_stack, fragile_stack.fake
    fake.user("U0KIM", locale=locale)
    stack.sandbox.plan.add(SandboxFault(kind="status", status=403, detail="no permission", path=IMAGE_PATH, times=0))
    await ask(stack, "schedule lag every 1s")

    def dms() -> list[str]:
        return [c.params["text"] for c in fake.calls_to("chat.postMessage") if c.params.get("channel") == "U0KIM"]

    await fake.wait_for(dms)
    assert SAYS[language]["refused by ServiceWatch"] in dms()[0]
