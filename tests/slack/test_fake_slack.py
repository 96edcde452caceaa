"""The fake Slack itself, over real HTTP with slack_sdk's client: each of the workspace's rules as Slack documents it
(tests/fakes/slack.py lists them), so the bot's tests are judged by a fake as strict as the real service."""

from __future__ import annotations

import json
import struct
from collections.abc import Awaitable
from pathlib import Path
from typing import Any

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from tests.fakes.slack import BOT_TOKEN, BOT_USER, FakeSlack, manifest_scopes
from tests.slack_payloads import block_action, event_deliveries

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
    assert await outcome(client.chat_delete(channel="C0OPS", ts="1.2")) == "unknown_method"


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


# Messages with blocks, chat.update, files and their processing, block_actions ------------------------------------


def png(width: int, height: int) -> bytes:
    """The start of a PNG: its signature and header chunk (what Slack reads the size from)."""
    header = struct.pack(">II", width, height) + b"\x08\x06\x00\x00\x00"
    return b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + header + b"\x00" * 4


CHART = png(640, 320)


def plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text}


def option(text: str, value: str) -> dict[str, Any]:
    return {"text": plain(text), "value": value}


def section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def button(**fields: Any) -> dict[str, Any]:
    return {"type": "button", "action_id": "go", "text": plain("Go"), "value": "v", **fields}


def actions(*elements: dict[str, Any]) -> dict[str, Any]:
    return {"type": "actions", "elements": list(elements)}


def image(slack_file: dict[str, Any]) -> dict[str, Any]:
    return {"type": "image", "slack_file": slack_file, "alt_text": "CPU usage, last 3 hours"}


def chart_message(file_id: str) -> list[dict[str, Any]]:
    """A chart as the bot will post it: a context line, the image, the buttons and menus that redraw it."""
    return [
        {"type": "context", "elements": [{"type": "mrkdwn", "text": "*CPU Usage* · last 3h · asked by <@U0KIM>"}]},
        image({"id": file_id}),
        {
            "type": "actions",
            "block_id": "chart-nav",
            "elements": [
                {"type": "button", "action_id": "window", "text": plain("Last 24h"), "value": "24h"},
                {
                    "type": "static_select",
                    "action_id": "metric",
                    "placeholder": plain("Metric"),
                    "options": [option("CPU", "cpu"), option("Memory", "memory")],
                },
                {
                    "type": "overflow",
                    "action_id": "more",
                    "options": [option("Save", "save"), option("Every day", "daily")],
                },
            ],
        },
        {"type": "divider"},
    ]


async def upload(client: AsyncWebClient, data: bytes = CHART, **where: Any) -> str:
    """A file uploaded as the bot uploads a chart; without `channel`, a private one. Its ID."""
    done = await client.files_upload_v2(content=data, filename="chart.png", title="CPU", **where)
    return str(done["file"]["id"])


async def test_a_message_with_blocks_is_kept_as_slack_keeps_it(fake: FakeSlack, client: AsyncWebClient) -> None:
    file_id = await upload(client)
    posted = await client.chat_postMessage(channel="C0OPS", text="CPU Usage", blocks=chart_message(file_id))
    kept = fake.message("C0OPS", posted["ts"])
    assert (posted["channel"], posted["message"]) == ("C0OPS", kept.shown())
    assert (kept.user, kept.text, kept.thread_ts, kept.edits) == (BOT_USER, "CPU Usage", None, [])
    assert [b["type"] for b in kept.blocks] == ["context", "image", "actions", "divider"]
    assert kept.blocks[2]["block_id"] == "chart-nav"
    assert all(b["block_id"] for b in kept.blocks)  # Slack makes the ones left out
    reply = await client.chat_postMessage(channel="C0OPS", text="more", thread_ts=posted["ts"])
    assert fake.message("C0OPS", reply["ts"]).thread_ts == posted["ts"]
    assert reply["ts"] > posted["ts"]
    direct = await client.chat_postMessage(channel="U0KIM", text="your schedule failed")
    assert fake.message("D0KIM", direct["ts"]).text == "your schedule failed"


async def test_blocks_as_a_json_string(fake: FakeSlack, client: AsyncWebClient) -> None:
    posted = await client.chat_postMessage(channel="C0OPS", text="x", blocks=json.dumps([section("hi")]))
    assert fake.message("C0OPS", posted["ts"]).blocks[0]["text"]["text"] == "hi"
    for broken in ("[{", json.dumps(section("hi"))):  # not JSON; not an array
        assert (
            await outcome(client.chat_postMessage(channel="C0OPS", text="x", blocks=broken)) == "invalid_blocks_format"
        )


async def test_a_message_needs_text_or_blocks(client: AsyncWebClient) -> None:
    with pytest.warns(UserWarning, match="top-level `text`"):
        assert await outcome(client.chat_postMessage(channel="C0OPS")) == "no_text"
    with pytest.warns(UserWarning, match="top-level `text`"):
        assert await outcome(client.chat_postMessage(channel="C0OPS", blocks=[section("hi")])) == "ok"


@pytest.mark.parametrize(
    ("blocks", "pointer"),
    [
        ([{"type": "divider"}] * 50, None),
        ([{"type": "divider"}] * 51, "/blocks"),
        ([{"type": "header", "text": plain("Title")}], "/blocks/0/type"),  # a kind this fake does not model
        ([{"type": "divider", "block_id": "b" * 255}], None),
        ([{"type": "divider", "block_id": "b" * 256}], "/blocks/0/block_id"),
        ([{"type": "section"}], "/blocks/0"),  # neither text nor fields
        ([section("x" * 3000)], None),
        ([section("x" * 3001)], "/blocks/0/text/text"),
        ([section("")], "/blocks/0/text/text"),
        ([{"type": "section", "fields": [plain("f")] * 11}], "/blocks/0/fields"),
        ([{"type": "context", "elements": [plain("c")] * 11}], "/blocks/0/elements"),
        ([{"type": "context", "elements": []}], "/blocks/0/elements"),
        ([actions(button(value="v" * 2000))], None),
        ([actions(button(value="v" * 2001))], "/blocks/0/elements/0/value"),
        ([actions(button(action_id="a" * 256))], "/blocks/0/elements/0/action_id"),
        ([actions(button(text={"type": "mrkdwn", "text": "*Go*"}))], "/blocks/0/elements/0/text/type"),
        ([actions(button(text=plain("g" * 76)))], "/blocks/0/elements/0/text/text"),
        ([actions(button(style="loud"))], "/blocks/0/elements/0/style"),
        ([actions(*[button(action_id=f"b{n}") for n in range(26)])], "/blocks/0/elements"),
        ([actions({"type": "datepicker", "action_id": "d"})], "/blocks/0/elements/0/type"),
        (
            [actions({"type": "overflow", "options": [option("o", f"{n}") for n in range(6)]})],
            "/blocks/0/elements/0/options",
        ),
        (
            [actions({"type": "static_select", "options": [option("o", "v" * 151)]})],
            "/blocks/0/elements/0/options/0/value",
        ),
        ([{"type": "section", "text": plain("s"), "accessory": button(value=7)}], "/blocks/0/accessory/value"),
        ([{"type": "image", "image_url": "https://example.com/c.png", "alt_txt": "c"}], "/blocks/0"),  # alt_text
        ([{"type": "image", "image_url": "https://example.com/c.png", "alt_text": "c"}], None),
        ([{**image({"id": "F0000000000"}), "image_url": "https://example.com/c.png"}], "/blocks/0"),
        ([image({"id": "F0000000000", "url": "https://files.slack.com/x.png"})], "/blocks/0/slack_file"),
        ([image({"id": "chart.png"})], "/blocks/0/slack_file/id"),
        ([image({"id": "F0000000000"})], "/blocks/0/slack_file"),  # no such file
    ],
)
async def test_malformed_blocks_are_refused(
    client: AsyncWebClient, blocks: list[dict[str, Any]], pointer: str | None
) -> None:
    try:
        await client.chat_postMessage(channel="C0OPS", text="x", blocks=blocks)
    except SlackApiError as exc:
        refused = exc.response
        assert (pointer, refused["error"]) != (None, "invalid_blocks"), refused["errors"]
        assert refused["error"] == "invalid_blocks"
        assert any(e.endswith(f"[json-pointer:{pointer}]") for e in refused["errors"]), refused["errors"]
        assert refused["response_metadata"]["messages"] == [f"[ERROR] {e}" for e in refused["errors"]]
    else:
        assert pointer is None


async def test_an_uploaded_image_is_shown_only_once_slack_has_processed_it(
    fake: FakeSlack, client: AsyncWebClient
) -> None:
    fake.file_ready_after = 60
    file_id = await upload(client)  # no channel: a private file of the bot's
    file = fake.files[file_id]
    refusal = "invalid slack file [json-pointer:/blocks/1/slack_file]"
    for ref in ({"id": file_id}, {"url": file.url_private}, {"url": file.permalink}):
        with pytest.raises(SlackApiError) as refused:
            await client.chat_postMessage(channel="C0OPS", text="CPU", blocks=[section("CPU"), image(ref)])
        assert (refused.value.response["error"], refused.value.response["errors"]) == ("invalid_blocks", [refusal])
    fake.advance(59)
    assert await outcome(client.chat_postMessage(channel="C0OPS", text="CPU", blocks=chart_message(file_id))) == (
        "invalid_blocks"
    )
    fake.advance(1)
    for ref in ({"id": file_id}, {"url": file.url_private}, {"url": file.permalink}):
        assert await outcome(client.chat_postMessage(channel="C0OPS", text="CPU", blocks=[image(ref)])) == "ok"
    other_url = {"url": file.url_private.replace(file_id, "F0000000000")}
    assert await outcome(client.chat_postMessage(channel="C0OPS", text="CPU", blocks=[image(other_url)])) == (
        "invalid_blocks"
    )
    assert fake.files[file_id].channels == []  # the file itself was shared nowhere: only messages show it
    assert [post.ts for post in fake.posts] == list(fake.messages["C0OPS"])


async def test_each_file_is_processed_its_own_time_after_its_upload(fake: FakeSlack, client: AsyncWebClient) -> None:
    fake.file_ready_after = 10
    first = await upload(client)
    fake.advance(6)
    second = await upload(client)
    fake.advance(6)
    assert fake.processed(fake.files[first])
    assert not fake.processed(fake.files[second])
    context_image = {"type": "context", "elements": [{"type": "image", "slack_file": {"id": second}, "alt_text": "c"}]}
    with pytest.raises(SlackApiError) as refused:
        await client.chat_postMessage(channel="C0OPS", text="x", blocks=[image({"id": first}), context_image])
    assert refused.value.response["errors"] == ["invalid slack file [json-pointer:/blocks/1/elements/0/slack_file]"]


async def test_only_images_can_be_slack_files(client: AsyncWebClient) -> None:
    for data, expected in (
        (b"GIF89a" + b"\x00" * 8, "ok"),
        (b"\xff\xd8\xff\xe0", "ok"),
        (b"name,value\n", "invalid_blocks"),
    ):
        file_id = await upload(client, data)
        assert (
            await outcome(client.chat_postMessage(channel="C0OPS", text="x", blocks=[image({"id": file_id})]))
            == expected
        )


async def test_files_info_shows_when_a_file_is_processed(fake: FakeSlack, client: AsyncWebClient) -> None:
    fake.file_ready_after = 5
    private = await upload(client, alt_txt="CPU usage")
    shared = await upload(client, channel="C0OPS")
    fresh = (await client.files_info(file=private))["file"]
    assert (fresh["id"], fresh["name"], fresh["user"], fresh["size"]) == (private, "chart.png", BOT_USER, len(CHART))
    assert (fresh["mimetype"], fresh["filetype"], fresh["is_public"], fresh["channels"]) == ("", "", False, [])
    assert not {"original_w", "original_h", "thumb_360"} & set(fresh)
    fake.advance(5)
    ready = (await client.files_info(file=private))["file"]
    assert (ready["mimetype"], ready["filetype"], ready["original_w"], ready["original_h"]) == (
        "image/png",
        "png",
        640,
        320,
    )
    assert ready["thumb_360"].startswith("https://files.slack.com/")
    assert ready["alt_txt"] == "CPU usage"
    assert ready["url_private"] == fake.files[private].url_private
    assert ready["permalink"] == fake.files[private].permalink
    in_channel = (await client.files_info(file=shared))["file"]
    assert (in_channel["is_public"], in_channel["channels"]) == (True, ["C0OPS"])
    assert await outcome(client.files_info(file="F0000000000")) == "file_not_found"


async def test_files_info_needs_files_read(fake: FakeSlack, client: AsyncWebClient) -> None:
    assert "files:read" in manifest_scopes()  # so the fake grants it, as Slack would at install
    file_id = await upload(client)
    fake.scopes -= {"files:read"}
    with pytest.raises(SlackApiError) as refused:
        await client.files_info(file=file_id)
    assert (refused.value.response["error"], refused.value.response["needed"]) == ("missing_scope", "files:read")


@pytest.fixture
async def chart(fake: FakeSlack, client: AsyncWebClient) -> str:
    """The ts of a chart the bot posted in C0OPS."""
    posted = await client.chat_postMessage(channel="C0OPS", text="CPU", blocks=chart_message(await upload(client)))
    return str(posted["ts"])


async def test_chat_update_redraws_a_message_in_place(fake: FakeSlack, client: AsyncWebClient, chart: str) -> None:
    before = fake.message("C0OPS", chart)
    old_blocks = before.blocks
    redrawn = chart_message(await upload(client))
    redrawn[2]["block_id"] = "chart-nav-2"
    updated = await client.chat_update(channel="C0OPS", ts=chart, text="CPU, last 24h", blocks=redrawn)
    after = fake.message("C0OPS", chart)
    assert (updated["ok"], updated["channel"], updated["ts"], updated["text"]) == (
        True,
        "C0OPS",
        chart,
        "CPU, last 24h",
    )
    assert updated["message"] == after.shown()
    assert after.blocks[2]["block_id"] == "chart-nav-2"
    assert after.edits == [("CPU", old_blocks)]
    assert list(fake.messages["C0OPS"]) == [chart]  # the same message, not a new one


async def test_chat_update_text_and_blocks(fake: FakeSlack, client: AsyncWebClient, chart: str) -> None:
    """chat.update's reference: blocks left out are kept only when text is left out too."""
    with pytest.warns(UserWarning, match="top-level `text`"):
        await client.chat_update(channel="C0OPS", ts=chart, blocks=[section("new")])
    assert (fake.message("C0OPS", chart).text, fake.message("C0OPS", chart).blocks[0]["type"]) == ("CPU", "section")
    await client.chat_update(channel="C0OPS", ts=chart, text="just text")
    assert (fake.message("C0OPS", chart).text, fake.message("C0OPS", chart).blocks) == ("just text", [])
    assert len(fake.message("C0OPS", chart).edits) == 2


async def test_chat_update_checks_blocks_as_chat_post_message_does(
    fake: FakeSlack, client: AsyncWebClient, chart: str
) -> None:
    fake.file_ready_after = 30
    unprocessed = await upload(client)
    before = fake.message("C0OPS", chart).shown()
    assert await outcome(
        client.chat_update(channel="C0OPS", ts=chart, text="x", blocks=chart_message(unprocessed))
    ) == ("invalid_blocks")
    assert await outcome(client.chat_update(channel="C0OPS", ts=chart, text="x", blocks=[section("")])) == (
        "invalid_blocks"
    )
    assert fake.message("C0OPS", chart).shown() == before
    fake.advance(30)
    assert (
        await outcome(client.chat_update(channel="C0OPS", ts=chart, text="x", blocks=chart_message(unprocessed)))
        == "ok"
    )


@pytest.mark.parametrize(
    ("channel", "ts", "expected"),
    [
        ("C0OPS", "chart", "ok"),
        ("C0OPS", "1700000000.000100", "message_not_found"),
        ("C0INC", "chart", "message_not_found"),  # that ts is in another channel
        ("C0OPS", "kim's", "cant_update_message"),
        ("G0HIDDEN", "chart", "channel_not_found"),
        ("C0NOPE", "chart", "channel_not_found"),
    ],
)
async def test_chat_update_refusals(
    fake: FakeSlack, client: AsyncWebClient, chart: str, channel: str, ts: str, expected: str
) -> None:
    theirs = fake.message_from("U0KIM", "C0OPS", "what is the CPU doing?")
    ts = {"chart": chart, "kim's": theirs.ts}.get(ts, ts)
    assert await outcome(client.chat_update(channel=channel, ts=ts, text="edited")) == expected
    assert fake.message("C0OPS", theirs.ts).text == "what is the CPU doing?"


async def test_chat_update_of_a_direct_message(fake: FakeSlack, client: AsyncWebClient) -> None:
    posted = await client.chat_postMessage(channel="U0KIM", text="your schedule failed")
    assert posted["channel"] == "D0KIM"
    await client.chat_update(channel="D0KIM", ts=posted["ts"], text="your schedule failed twice")
    assert fake.message("D0KIM", posted["ts"]).text == "your schedule failed twice"


async def test_block_actions_from_a_posted_chart(fake: FakeSlack, client: AsyncWebClient, chart: str) -> None:
    message = fake.message("C0OPS", chart).shown()
    url = fake.response_url()
    clicked = block_action(message, "window", user="U0LEE", channel="C0OPS", response_url=url)
    assert (clicked["type"], clicked["message"], clicked["response_url"]) == ("block_actions", message, url)
    assert clicked["container"] == {
        "type": "message",
        "message_ts": chart,
        "channel_id": "C0OPS",
        "is_ephemeral": False,
    }
    assert (clicked["user"]["id"], clicked["channel"]["id"], clicked["team"]["id"]) == ("U0LEE", "C0OPS", "T0TEAM001")
    assert clicked["trigger_id"]
    assert clicked["api_app_id"] == message["app_id"]
    (action,) = clicked["actions"]
    assert (action["type"], action["action_id"], action["block_id"], action["value"]) == (
        "button",
        "window",
        "chart-nav",
        "24h",
    )
    assert action["action_ts"]
    chosen = block_action(message, "more", "daily", user="U0LEE", channel="C0OPS", response_url=url)["actions"][0]
    assert (chosen["type"], chosen["selected_option"]) == ("overflow", option("Every day", "daily"))
    picked = block_action(message, "metric", "memory", user="U0LEE", channel="C0OPS", response_url=url)["actions"][0]
    assert (picked["type"], picked["selected_option"]["value"]) == ("static_select", "memory")


@pytest.mark.parametrize(
    ("action_id", "value", "wrong"),
    [
        ("nope", None, "0 elements with action_id 'nope'"),  # not in the message: nobody can click it
        ("window", "7d", "the button's value is '24h'"),
        ("more", "weekly", "no option with value 'weekly'"),
    ],
)
async def test_block_actions_only_for_what_is_in_the_message(
    fake: FakeSlack, chart: str, action_id: str, value: str | None, wrong: str
) -> None:
    message = fake.message("C0OPS", chart).shown()
    with pytest.raises(AssertionError, match=wrong):
        block_action(message, action_id, value, user="U0LEE", channel="C0OPS", response_url=fake.response_url())
