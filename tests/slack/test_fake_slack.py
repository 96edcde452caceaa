"""The fake Slack itself, over real HTTP with slack_sdk's client: each of the workspace's rules as Slack documents it
(tests/fakes/slack.py lists them), so the bot's tests are judged by a fake as strict as the real service."""

from __future__ import annotations

from collections.abc import Awaitable
from pathlib import Path
from typing import Any

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from tests.fakes.slack import BOT_TOKEN, BOT_USER, FakeSlack, manifest_scopes
from tests.slack_payloads import event_deliveries

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def fake(fake_slack: FakeSlack) -> FakeSlack:
    """The default workspace, and beside it: a public channel without the bot, a private one with it and one
    without it, an archived one, and a person in no channel."""
    fake_slack.user("U0OUTSIDER")
    fake_slack.channel("C0OUT", members=["U0KIM"], bot_member=False)
    fake_slack.channel("G0PRIV", members=["U0KIM"], private=True)
    fake_slack.channel("G0HIDDEN", members=["U0KIM"], bot_member=False, private=True)
    fake_slack.channel("C0OLD", members=["U0KIM"], archived=True)
    return fake_slack


@pytest.fixture
def client(fake: FakeSlack) -> AsyncWebClient:
    return AsyncWebClient(token=BOT_TOKEN, base_url=fake.api_url)


async def outcome(call: Awaitable[Any]) -> str:
    """ "ok", or the error Slack answered."""
    try:
        await call
    except SlackApiError as exc:
        return str(exc.response["error"])
    return "ok"


@pytest.mark.parametrize(
    ("channel", "expected"),
    [
        ("C0OPS", "ok"),
        ("G0PRIV", "ok"),  # private, the bot invited
        ("C0NOPE", "channel_not_found"),  # no such channel
        ("G0HIDDEN", "channel_not_found"),  # private without the bot: hidden from it
        ("C0OUT", "not_in_channel"),  # public, the bot not in it
        ("C0OLD", "is_archived"),
        ("U0KIM", "ok"),  # a person's ID: a direct message from the bot
        ("U0NOBODY", "channel_not_found"),
        ("#ops", "channel_not_found"),  # IDs only
    ],
)
async def test_chat_post_message(client: AsyncWebClient, channel: str, expected: str) -> None:
    assert await outcome(client.chat_postMessage(channel=channel, text="hi")) == expected


@pytest.mark.parametrize(
    ("channel", "user", "expected"),
    [
        ("C0OPS", "U0KIM", "ok"),
        ("C0OPS", "U0OUTSIDER", "user_not_in_channel"),
        ("C0OPS", "U0NOBODY", "user_not_in_channel"),
        ("G0PRIV", "U0KIM", "ok"),
        ("G0PRIV", "U0LEE", "user_not_in_channel"),
        ("C0OUT", "U0KIM", "not_in_channel"),
        ("G0HIDDEN", "U0KIM", "channel_not_found"),
        ("C0OLD", "U0KIM", "is_archived"),
        ("C0NOPE", "U0KIM", "channel_not_found"),
    ],
)
async def test_chat_post_ephemeral(client: AsyncWebClient, channel: str, user: str, expected: str) -> None:
    assert await outcome(client.chat_postEphemeral(channel=channel, user=user, text="psst")) == expected


@pytest.mark.parametrize(
    ("channel", "expected"),
    [
        ("C0OPS", "ok"),
        ("G0PRIV", "ok"),
        ("C0NOPE", "channel_not_found"),
        ("G0HIDDEN", "channel_not_found"),
        ("C0OUT", "not_in_channel"),
        ("C0OLD", "is_archived"),
    ],
)
async def test_file_shares(fake: FakeSlack, client: AsyncWebClient, channel: str, expected: str) -> None:
    upload = client.files_upload_v2(channel=channel, content=PNG, filename="c.png", title="c", initial_comment="x")
    assert await outcome(upload) == expected
    assert [post.channel for post in fake.posts] == ([channel] if expected == "ok" else [])


async def test_a_file_completed_without_a_channel_is_posted_nowhere(fake: FakeSlack, client: AsyncWebClient) -> None:
    assert await outcome(client.files_upload_v2(content=PNG, filename="c.png")) == "ok"
    assert fake.count("files.completeUploadExternal") == 1
    assert fake.posts == []


async def test_chat_write_public_reaches_public_channels_but_not_for_files(
    fake: FakeSlack, client: AsyncWebClient
) -> None:
    fake.scopes |= {"chat:write.public"}
    assert await outcome(client.chat_postMessage(channel="C0OUT", text="hi")) == "ok"
    assert await outcome(client.chat_postMessage(channel="G0HIDDEN", text="hi")) == "channel_not_found"
    assert await outcome(client.files_upload_v2(channel="C0OUT", content=PNG, filename="c.png")) == "not_in_channel"


async def test_join_a_public_channel_then_post(fake: FakeSlack, client: AsyncWebClient) -> None:
    joined = await client.conversations_join(channel="C0OUT")
    assert (joined["channel"]["id"], joined["channel"]["is_member"], joined.get("warning")) == ("C0OUT", True, None)
    assert BOT_USER in fake.channels["C0OUT"].members
    assert await outcome(client.files_upload_v2(channel="C0OUT", content=PNG, filename="c.png")) == "ok"
    again = await client.conversations_join(channel="C0OUT")
    assert again["warning"] == "already_in_channel"
    assert again["response_metadata"]["warnings"] == ["already_in_channel"]


@pytest.mark.parametrize(
    ("channel", "expected"),
    [
        ("G0HIDDEN", "channel_not_found"),  # a private channel is joined only by invitation
        ("G0PRIV", "method_not_supported_for_channel_type"),
        ("C0NOPE", "channel_not_found"),
        ("C0OLD", "is_archived"),
    ],
)
async def test_join_refusals(client: AsyncWebClient, fake: FakeSlack, channel: str, expected: str) -> None:
    if channel == "C0OLD":
        fake.channels["C0OLD"].members.remove(BOT_USER)
    assert await outcome(client.conversations_join(channel=channel)) == expected


async def test_each_method_needs_its_scope(fake: FakeSlack, client: AsyncWebClient) -> None:
    fake.scopes -= {"channels:join"}
    with pytest.raises(SlackApiError) as refused:
        await client.conversations_join(channel="C0OUT")
    assert (refused.value.response["error"], refused.value.response["needed"]) == ("missing_scope", "channels:join")
    assert "channels:join" not in refused.value.response["provided"].split(",")
    assert BOT_USER not in fake.channels["C0OUT"].members


async def test_reading_a_channel_needs_channels_read(fake: FakeSlack, client: AsyncWebClient) -> None:
    """conversations.info and conversations.members need channels:read for a public channel (groups:read for a
    private one: below)."""
    fake.scopes = frozenset({"commands", "chat:write", "files:write", "users:read", "channels:join"})
    for call in (client.conversations_members(channel="C0OPS"), client.conversations_info(channel="C0OPS")):
        with pytest.raises(SlackApiError) as refused:
            await call
        assert (refused.value.response["error"], refused.value.response["needed"]) == ("missing_scope", "channels:read")


@pytest.fixture
def reader(fake: FakeSlack, client: AsyncWebClient) -> AsyncWebClient:
    fake.scopes |= {"channels:read", "groups:read"}
    return client


async def test_members_page_by_page(fake: FakeSlack, reader: AsyncWebClient) -> None:
    people = [f"U0P{n:02d}" for n in range(7)]
    for person in people:
        fake.user(person)
    fake.channel("C0BIG", members=people)
    pages, cursor = [], ""
    while True:
        page = await reader.conversations_members(channel="C0BIG", limit=3, cursor=cursor or None)
        pages.append(page["members"])
        cursor = page["response_metadata"]["next_cursor"]
        if not cursor:
            break
    assert pages == [people[:3], people[3:6], [people[6], BOT_USER]]
    assert fake.count("conversations.members") == 3
    everyone = await reader.conversations_members(channel="C0BIG")  # Slack's default limit is 100
    assert everyone["members"] == [*people, BOT_USER]
    assert everyone["response_metadata"]["next_cursor"] == ""


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        ({"channel": "C0OPS"}, "ok"),
        ({"channel": "C0OUT"}, "ok"),  # public: readable without the bot in it
        ({"channel": "G0PRIV"}, "ok"),
        ({"channel": "G0HIDDEN"}, "channel_not_found"),
        ({"channel": "C0NOPE"}, "channel_not_found"),
        ({"channel": "C0OPS", "cursor": "not-a-cursor"}, "invalid_cursor"),
        ({"channel": "C0OPS", "cursor": "dXNlcjpVMDAwMDA="}, "invalid_cursor"),  # user:U00000, not a member
        ({"channel": "C0OPS", "limit": 0}, "invalid_limit"),
        ({"channel": "C0OPS", "limit": 1000}, "invalid_limit"),
    ],
)
async def test_members_refusals(reader: AsyncWebClient, arguments: dict[str, Any], expected: str) -> None:
    assert await outcome(reader.conversations_members(**arguments)) == expected


async def test_members_of_a_private_channel_need_groups_read(fake: FakeSlack, reader: AsyncWebClient) -> None:
    fake.scopes -= {"groups:read"}
    assert await outcome(reader.conversations_members(channel="G0PRIV")) == "missing_scope"
    assert await outcome(reader.conversations_members(channel="C0OPS")) == "ok"


async def test_conversations_info(reader: AsyncWebClient) -> None:
    info = (await reader.conversations_info(channel="G0PRIV", include_num_members=True))["channel"]
    assert (info["id"], info["is_private"], info["is_member"], info["is_archived"], info["num_members"]) == (
        "G0PRIV",
        True,
        True,
        False,
        2,
    )
    assert (await reader.conversations_info(channel="C0OUT"))["channel"]["is_member"] is False
    assert await outcome(reader.conversations_info(channel="G0HIDDEN")) == "channel_not_found"


async def test_users_info(fake: FakeSlack, client: AsyncWebClient) -> None:
    fake.user("U0KIM", tz="Asia/Seoul")
    assert (await client.users_info(user="U0KIM"))["user"]["tz"] == "Asia/Seoul"
    assert await outcome(client.users_info(user="U0NOBODY")) == "user_not_found"


async def test_a_method_the_fake_does_not_model_is_refused(client: AsyncWebClient) -> None:
    assert await outcome(client.chat_update(channel="C0OPS", ts="1.2", text="x")) == "unknown_method"


def test_members_are_people_of_the_workspace(fake: FakeSlack) -> None:
    with pytest.raises(AssertionError, match="U0GHOST"):
        fake.channel("C0NEW", members=["U0GHOST"])


def test_the_bots_scopes_are_the_manifests(tmp_path: Path) -> None:
    manifest = tmp_path / "manifest.yaml"
    manifest.write_text(
        "oauth_config:\n  scopes:\n    bot:\n      - commands          # /chart\n      - files:write\n"
        "settings:\n  interactivity:\n    is_enabled: true\n"
    )
    assert manifest_scopes(manifest) == {"commands", "files:write"}


def test_retries_are_signed_anew() -> None:
    first, *retries = event_deliveries(retries=3, now=1_700_000_000)
    assert first.retry_headers == {}
    assert [r.retry_headers["X-Slack-Retry-Num"] for r in retries] == ["1", "2", "3"]
    assert {r.retry_headers["X-Slack-Retry-Reason"] for r in retries} == {"http_timeout"}
    stamps = [first.timestamp, *(r.timestamp for r in retries)]
    assert stamps == [1_699_999_991, 1_699_999_994, 1_699_999_997, 1_700_000_000]
    signatures = {d.headers("{}", "secret")["X-Slack-Signature"] for d in (first, *retries)}
    assert len(signatures) == 4
