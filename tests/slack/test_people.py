"""Who people are: their timezone and language from one users.info call (with `include_locale`), cached."""

from __future__ import annotations

import pytest

from bot.i18n import ENGLISH, KOREAN
from bot.slack.client import slack_client
from bot.slack.people import People
from tests.fakes.slack import FakeSlack
from tests.stacks import TOKEN


@pytest.mark.parametrize(
    ("locale", "forced", "language"),
    [
        ("ko-KR", None, KOREAN),
        ("en-US", None, ENGLISH),
        ("ja-JP", None, ENGLISH),
        ("en-US", KOREAN, KOREAN),  # BOT_LANGUAGE=ko
        ("ko-KR", ENGLISH, ENGLISH),  # BOT_LANGUAGE=en
    ],
)
async def test_the_language_of_each_person(
    fake_slack: FakeSlack, locale: str, forced: str | None, language: str
) -> None:
    fake_slack.user("U0KIM", tz="Asia/Seoul", locale=locale)
    people = People(slack_client(TOKEN, fake_slack.api_url), language=forced)
    assert await people.language("U0KIM") == language
    assert await people.timezone("U0KIM") == "Asia/Seoul"
    assert people.known_language("U0KIM") == language


async def test_one_users_info_call_gives_timezone_and_locale(fake_slack: FakeSlack) -> None:
    fake_slack.user("U0KIM", tz="Asia/Seoul", locale="ko-KR")
    people = People(slack_client(TOKEN, fake_slack.api_url))
    assert people.known_language("U0KIM") == ENGLISH  # nothing asked yet: an acknowledgement cannot wait for Slack
    assert (await people.timezone("U0KIM"), await people.language("U0KIM")) == ("Asia/Seoul", KOREAN)
    assert people.known_language("U0KIM") == KOREAN
    (call,) = fake_slack.calls_to("users.info")
    assert str(call.params["include_locale"]).lower() in ("true", "1")
    assert await people.language("U0NOBODY") == ENGLISH  # not in the workspace: Slack's user_not_found


async def test_the_fake_gives_the_locale_only_when_asked(fake_slack: FakeSlack) -> None:
    """As Slack does: users.info leaves `locale` out unless `include_locale` is true."""
    fake_slack.user("U0KIM", locale="ko-KR")
    client = slack_client(TOKEN, fake_slack.api_url)
    assert "locale" not in (await client.users_info(user="U0KIM"))["user"]
    assert (await client.users_info(user="U0KIM", include_locale=True))["user"]["locale"] == "ko-KR"
