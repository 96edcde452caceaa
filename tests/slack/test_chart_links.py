"""Chart links (bot/slack/links.py) over real HTTP: every chart posted carries a link on the bot's own host; pasted
in Slack it unfurls as a Work Object (`link_shared` → `chat.unfurl`), opened it shows each viewer what they may see
(`entity_details_requested` → `entity.presentDetails`), and in a browser it leads to the chart's message. The fake
Slack checks the unfurl and the flexpane as Slack documents them (tests/fakes/work_objects.py), under both of its
behaviours about unshared files."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.slack.chart_message import LINK_BLOCK
from bot.slack.links import PATH
from bot.store.chart_links import ChartLink, ChartLinkStore
from tests.fakes.slack import FakeSlack, Message
from tests.slack.test_install import until
from tests.stacks import SECRET, BotStack, settings_for, start_stack

CPU = '"Virtual Server:CPU Usage/Core[Basic]"'
PUBLIC = "https://charts.example.com"  # manifest.yaml's unfurl domain
LINK = re.compile(r"<(https://charts\.example\.com/charts/[A-Za-z0-9_-]+)\|")
WAIT = 30.0  # seconds a step may take on a busy machine (the test waits on what it sees, never on a clock)


@pytest.fixture(params=[True, False], ids=["unshared-accepted", "unshared-refused"])
async def linked(request: pytest.FixtureRequest, fake_slack: FakeSlack, tmp_path: Path) -> AsyncIterator[BotStack]:
    """The bot in HTTP mode with chart links, in a workspace where kim and lee are in #ops and boss is not."""
    fake_slack.unshared_in_blocks = request.param
    for user in ("U0KIM", "U0LEE", "U0BOSS"):
        fake_slack.user(user)
    fake_slack.channel("C0OPS", "ops", members=["U0KIM", "U0LEE"])
    fake_slack.channel("C0INC", "incidents", members=["U0KIM", "U0LEE", "U0BOSS"])
    async for running in start_stack(fake_slack, settings_for(fake_slack, tmp_path, bot_public_url=PUBLIC)):
        fake_slack.events_to(f"{running.url}/slack/events", SECRET)
        yield running


def link_of(message: Message) -> str:
    (block,) = [b for b in message.blocks if b.get("block_id") == LINK_BLOCK]
    found = LINK.match(block["elements"][0]["text"])
    assert found, block
    return found.group(1)


async def posted_with_image(stack: BotStack, text: str = f"{CPU} resource=web-01 last 3h") -> tuple[Message, ChartLink]:
    """A chart asked for in #ops: its message and its link, once the link knows the chart's image."""
    await stack.post_command(text)
    await stack.fake.wait_for(lambda: stack.fake.chart_messages(), within=WAIT)
    (message,) = stack.fake.chart_messages()
    token = link_of(message).removeprefix(PUBLIC + PATH)
    store = ChartLinkStore(stack.services.database)

    async def imaged() -> bool:
        found = await store.find(token)
        return found is not None and bool(found.file_id)

    await until(imaged, within=WAIT)
    found = await store.find(token)
    assert found is not None
    return message, found


def fields(entity: dict[str, Any]) -> dict[str, Any]:
    return {field["key"]: field["value"] for field in entity["entity_payload"].get("custom_fields", [])}


async def test_a_posted_chart_carries_its_link_which_leads_to_its_message(linked: BotStack) -> None:
    message, link = await posted_with_image(linked)
    assert (link.channel_id, link.message_ts) == ("C0OPS", message.ts)
    page = await linked.http.get(f"{linked.url}{PATH}{link.token}", follow_redirects=False)
    assert page.status_code == 302
    assert page.headers["Location"] == FakeSlack.permalink("C0OPS", message.ts)  # Slack decides who sees it
    image = linked.fake.posts[-1]
    assert image.file_id == link.file_id  # in the message, or in its thread where Slack refuses unshared files


async def test_a_pasted_link_unfurls_as_the_charts_file_for_everyone(linked: BotStack) -> None:
    message, link = await posted_with_image(linked)
    url = link_of(message)
    pasted = await linked.fake.paste("U0BOSS", "C0INC", f"is this the spike? {url}")
    assert pasted is not None
    await linked.fake.wait_for(lambda: linked.fake.unfurl_state.unfurled("C0INC", pasted.ts), within=WAIT)
    (entity,) = linked.fake.unfurl_state.unfurled("C0INC", pasted.ts)
    assert entity["entity_type"] == "slack#/entities/file"
    assert (entity["url"], entity["app_unfurl_url"], entity["external_ref"]["id"]) == (url, url, link.token)
    payload = entity["entity_payload"]
    assert payload["attributes"]["title"]["text"] == "CPU Usage/Core[Basic] · web-01"
    assert payload["fields"]["preview"]["slack_file"] == {"id": link.file_id}
    shown = fields(entity)
    assert shown["window"].startswith("last 3h (")
    assert shown["metric"] == "Virtual Server:CPU Usage/Core[Basic]"
    assert shown["channel"] == "C0OPS"
    assert not any(key.startswith("line_") for key in shown)  # the numbers are the flexpane's, per viewer


async def test_the_flexpane_shows_the_numbers_only_to_members_of_the_charts_channel(linked: BotStack) -> None:
    message, _link = await posted_with_image(linked)
    url = link_of(message)
    pasted = await linked.fake.paste("U0LEE", "C0INC", url)
    assert pasted is not None
    await linked.fake.wait_for(lambda: linked.fake.unfurl_state.unfurled("C0INC", pasted.ts), within=WAIT)
    flexpanes = linked.fake.unfurl_state.flexpanes
    member = await linked.fake.open_unfurl("U0KIM", "C0INC", pasted.ts, url)
    stranger = await linked.fake.open_unfurl("U0BOSS", "C0INC", pasted.ts, url)
    await linked.fake.wait_for(lambda: member in flexpanes and stranger in flexpanes, within=WAIT)
    seen = flexpanes[member]["metadata"]
    numbers = fields(seen)["line_0"]
    assert re.fullmatch(r"min [\d.]+% · avg [\d.]+% · max [\d.]+% · last [\d.]+%", numbers), numbers
    (button,) = seen["entity_payload"]["actions"]["primary_actions"]
    assert button["url"] == FakeSlack.permalink("C0OPS", message.ts)
    refused = flexpanes[stranger]
    assert refused["metadata"] is None
    assert refused["error"]["status"] == "custom"
    assert "a channel you are not in" in refused["error"]["custom_message"]


async def test_a_link_typed_in_the_composer_unfurls_by_its_unfurl_id(linked: BotStack) -> None:
    message, _link = await posted_with_image(linked)
    await linked.fake.paste("U0KIM", "C0INC", link_of(message), composer=True)
    state = linked.fake.unfurl_state
    await linked.fake.wait_for(lambda: state.unfurls, within=WAIT)
    (unfurl,) = state.unfurls
    assert (unfurl.ts, unfurl.unfurl_id) == (None, state.shared[-1].unfurl_id)


async def test_an_unknown_link_is_left_as_slack_shows_any_link(linked: BotStack) -> None:
    unknown = f"{PUBLIC}{PATH}{'x' * 22}"
    pasted = await linked.fake.paste("U0KIM", "C0INC", f"old one: {unknown}")
    assert pasted is not None
    page = await linked.http.get(f"{linked.url}{PATH}{'x' * 22}", follow_redirects=False)
    assert page.status_code == 404
    assert "This chart link is unknown" in page.text
    assert "Ask the bot for the chart again" in page.text
    await posted_with_image(linked)  # the bot's later work is done, and the paste was heard before it
    assert linked.fake.count("chat.unfurl") == 0


async def test_without_a_public_url_charts_carry_no_link(stack: BotStack) -> None:
    await stack.post_command(f"{CPU} resource=web-01 last 3h")
    await stack.fake.wait_for(lambda: stack.fake.posts, within=WAIT)
    (message,) = stack.fake.chart_messages()
    assert not [b for b in message.blocks if b.get("block_id") == LINK_BLOCK]
