"""Many workspaces: which key a payload belongs to, a workspace's client reading its token per call (rotation seen at
once, an uninstalled workspace refused without a call going out), one pace and access state per workspace, and the
single-workspace setup where every key is the one workspace."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import aiohttp
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.oauth.installation_store import Bot, FileInstallationStore, Installation

from bot.slack.access import SlackAccess
from bot.slack.client import slack_client
from bot.slack.workspaces import SINGLE, InstalledTokens, Workspaces, key_of_payload, workspace_key
from tests.fakes.slack import BOT_TOKEN, FakeSlack


@pytest.mark.parametrize(
    ("payload", "key"),
    [
        ({"team_id": "T1", "enterprise_id": None}, "T1"),  # a command's form
        ({"team_id": "T1", "enterprise_id": "E1", "is_enterprise_install": "false"}, "T1"),  # a Grid workspace install
        ({"team_id": "T1", "enterprise_id": "E1", "is_enterprise_install": "true"}, "E1"),  # org-wide, as a form says
        ({"team": {"id": "T1"}, "enterprise": {"id": "E1"}, "is_enterprise_install": True}, "E1"),  # an action body
        ({"team": {"id": "T2"}, "enterprise": None}, "T2"),
        ({"team_id": "T3", "event": {"type": "app_mention"}}, "T3"),  # an event's envelope
        ({}, SINGLE),
    ],
)
def test_the_key_of_a_payload(payload: dict[str, object], key: str) -> None:
    assert key_of_payload(payload) == key


def test_an_org_wide_install_is_keyed_by_its_enterprise() -> None:
    assert workspace_key("E1", "T1", True) == "E1"
    assert workspace_key("E1", "T1", False) == "T1"
    assert workspace_key(None, None) == SINGLE


async def test_each_call_uses_the_workspace_token_of_the_moment(fake_slack: FakeSlack) -> None:
    tokens: dict[str, str | None] = {"T1": BOT_TOKEN, "T2": None}

    async def lookup(key: str) -> str | None:
        return tokens.get(key)

    async with aiohttp.ClientSession() as session:
        workspaces = Workspaces(
            api_url=fake_slack.api_url, session=session, uploads_per_minute=100, file_wait=1.0, tokens=lookup
        )
        assert workspaces.key_of({"team_id": "T1"}) == "T1"
        assert (await workspaces.client("T1").auth_test())["ok"]
        before = len(fake_slack.calls)
        with pytest.raises(SlackApiError) as refused:
            await workspaces.client("T2").auth_test()  # not installed: Slack's own word, and no call goes out
        assert refused.value.response["error"] == "account_inactive"
        assert len(fake_slack.calls) == before
        tokens["T1"] = "xoxb-rotated-elsewhere"  # a rotation: the next call carries the new token (Slack refuses it)
        with pytest.raises(SlackApiError):
            await workspaces.client("T1").auth_test()
        assert workspaces.client("T1") is workspaces.client("T1")
        assert workspaces.access("T1") is not workspaces.access("T2")  # each its own pace and access state
        assert workspaces.access("T1").pacer is not workspaces.access("T2").pacer


async def test_the_single_workspace_setup_is_every_key(fake_slack: FakeSlack) -> None:
    client = slack_client(BOT_TOKEN, fake_slack.api_url)
    access = SlackAccess()
    workspaces = Workspaces(
        api_url=fake_slack.api_url, session=None, uploads_per_minute=100, file_wait=1.0, home=(client, access)
    )
    assert not workspaces.installed
    assert workspaces.key_of({"team_id": "T1", "enterprise_id": "E1", "is_enterprise_install": True}) == SINGLE
    assert workspaces.client("T1") is client
    assert workspaces.outbox(SINGLE).access is access


class CountingStore(FileInstallationStore):
    """slack_sdk's file store, counting the lookups."""

    def __init__(self, base_dir: str) -> None:
        super().__init__(base_dir=base_dir)
        self.lookups = 0

    async def async_find_bot(self, **where: Any) -> Bot | None:  # type: ignore[override]
        self.lookups += 1
        return await super().async_find_bot(**where)


def installed(team_id: str, token: str, enterprise_id: str | None = None, *, org_wide: bool = False) -> Installation:
    return Installation(
        app_id="A1", enterprise_id=enterprise_id, team_id=None if org_wide else team_id, user_id="U1",
        bot_token=token, bot_id="B1", bot_user_id="UBOT", is_enterprise_install=org_wide,
    )  # fmt: skip


async def test_installed_tokens_are_kept_briefly_and_forgotten_at_once(tmp_path: Path) -> None:
    store = CountingStore(str(tmp_path))
    await store.async_save(installed("T1", "xoxb-t1"))
    await store.async_save(installed("T9", "xoxb-org", "E1", org_wide=True))
    now = [0.0]
    tokens = InstalledTokens(store, keep=60, clock=lambda: now[0])
    assert [await tokens("T1") for _ in range(5)] == ["xoxb-t1"] * 5
    assert store.lookups == 1  # a storm of posts reads the store once a minute, not per call
    assert await tokens("E1") == "xoxb-org"  # an org-wide install, by its enterprise
    assert await tokens("T2") is None
    await store.async_delete_bot(enterprise_id=None, team_id="T1")
    assert await tokens("T1") == "xoxb-t1"  # still kept…
    tokens.forget("T1")  # …until the uninstall is seen
    assert await tokens("T1") is None
    now[0] += 61
    assert await tokens("E1") == "xoxb-org"
