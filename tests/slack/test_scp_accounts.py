"""SCP accounts through Slack (HTTP mode, fake Slack, a sandbox that knows several key pairs, SQLite): each chart signed
with its own account's keys (the line's account, else the channel's default, else the only one), `use` and `accounts`,
and App Home's admin part: the modal checks the keys with ServiceWatch before saving, and refuses in the modal."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select

from bot.access import AccessPolicy
from bot.sandbox import SANDBOX_ACCESS_KEY, Sandbox
from bot.servicewatch.accounts import Account
from bot.slack.accounts_home import account_modal, accounts_blocks
from bot.slack.listeners.accounts import WorkspaceAdmins
from bot.store.accounts import AccountInfo
from bot.store.alerts import AlertSource
from bot.store.sealing import new_key
from bot.store.tables import ScpAccountRow
from tests.fakes.blocks import view_problems
from tests.fakes.slack import FakeSlack
from tests.slack_payloads import metric_suggestion, view_submission
from tests.stacks import BotStack, sandbox_knowing, settings_for, start_stack

PROD_KEY, PROD_SECRET = "AK-PROD-0001", "prod-secret-never-shown"
STAGING_KEY, STAGING_SECRET = "AK-STAGING-0002", "staging-secret-never-shown"
CPU = '"Virtual Server:CPU Usage/Core[Basic]" resource=web-01'
PROD = Account(name="prod", access_key=PROD_KEY, secret_key=PROD_SECRET, region="kr-west1", environment="e")
STAGING = Account(name="staging", access_key=STAGING_KEY, secret_key=STAGING_SECRET, region="kr-east1", environment="s")


@pytest.fixture
async def scp() -> AsyncIterator[Sandbox]:
    """A ServiceWatch (the sandbox) that knows the stock pair and two accounts' keys."""
    async for sandbox in sandbox_knowing({PROD_KEY: PROD_SECRET, STAGING_KEY: STAGING_SECRET}):
        yield sandbox


@pytest.fixture
async def stack(fake_slack: FakeSlack, tmp_path: Path, scp: Sandbox) -> AsyncIterator[BotStack]:
    fake_slack.user("U0BOSS", name="boss", admin=True)
    settings = settings_for(fake_slack, tmp_path, servicewatch_endpoint=scp.url, secrets_keys=new_key())
    async for running in start_stack(fake_slack, settings):
        yield running


async def ask(stack: BotStack, text: str, *, channel: str = "C0OPS") -> str:
    before = len(stack.fake.responses)
    await stack.post_command(text, channel=channel)
    await stack.fake.wait_for(lambda: len(stack.fake.responses) > before)
    return str(stack.fake.responses[before]["text"])


async def chart_keys(stack: BotStack, scp: Sandbox, text: str, *, channel: str = "C0OPS") -> set[str]:
    """The access keys that signed the calls drawing the chart of `text` (over a window of its own: an identical image
    call within a period would be served from the cache of the account that drew it)."""
    posts, signed = len(stack.fake.posts), len(scp.signed_by)
    await stack.post_command(f"{text} last {posts + 1}h", channel=channel)
    await stack.fake.wait_for(lambda: len(stack.fake.posts) > posts)
    return set(scp.signed_by[signed:])


async def add(stack: BotStack, account: Account) -> None:
    assert stack.services.accounts is not None
    await stack.services.accounts.store.add("", account, added_by="U0BOSS")


async def test_each_chart_is_signed_with_its_accounts_keys(stack: BotStack, scp: Sandbox) -> None:
    assert await chart_keys(stack, scp, CPU) == {SANDBOX_ACCESS_KEY}  # no account: as before
    await add(stack, PROD)
    assert await chart_keys(stack, scp, CPU) == {PROD_KEY}  # the only account
    await add(stack, STAGING)
    assert await chart_keys(stack, scp, CPU) == {SANDBOX_ACCESS_KEY}  # two, no default: the bot's own keys
    said = await ask(stack, "use staging")
    assert "now use the SCP account `staging`" in said
    assert await chart_keys(stack, scp, CPU) == {STAGING_KEY}  # the channel's default
    assert await chart_keys(stack, scp, f"{CPU} account prod") == {PROD_KEY}  # the line's account wins
    assert await chart_keys(stack, scp, f"{CPU} 계정 prod") == {PROD_KEY}
    assert await chart_keys(stack, scp, CPU, channel="C0INC") == {SANDBOX_ACCESS_KEY}  # another channel: no default
    listed = await ask(stack, "accounts")
    assert "`prod`: kr-west1 (e), access key …0001" in listed
    assert "`staging`: kr-east1 (s), access key …0002 · this channel's default" in listed
    assert PROD_SECRET not in listed
    assert STAGING_SECRET not in listed


async def test_a_saved_chart_keeps_its_account(stack: BotStack, scp: Sandbox) -> None:
    await add(stack, PROD)
    await add(stack, STAGING)
    assert "Saved `stg-cpu`" in await ask(stack, f"save stg-cpu {CPU} account staging")
    assert stack.services.accounts is not None
    assert await chart_keys(stack, scp, "stg-cpu") == {STAGING_KEY}
    assert await chart_keys(stack, scp, "stg-cpu account prod") == {PROD_KEY}  # an override names another


async def test_an_unknown_account_is_refused_naming_it_and_the_accounts(stack: BotStack, scp: Sandbox) -> None:
    await add(stack, PROD)
    await add(stack, STAGING)
    images = scp.calls["/v1/metrics/data/download/image"]
    for line in ("use prd", "계정 사용 prd", f"{CPU} account prd"):
        said = await ask(stack, line if "use" in line or "사용" in line else f"{line} last 1h")
        assert "no SCP account `prd`" in said
        assert "`prod`, `staging`" in said
    assert scp.calls["/v1/metrics/data/download/image"] == images  # nothing drawn
    assert stack.services.accounts is not None
    assert await stack.services.accounts.store.channel_default("", "C0OPS") is None


async def test_use_and_accounts_with_none(stack: BotStack) -> None:
    assert "no SCP account yet" in await ask(stack, "계정 목록")
    assert "There is no SCP account `prod`" in await ask(stack, "use prod")


# App Home ------------------------------------------------------------------------------------------------------


async def open_home(stack: BotStack, user: str) -> dict[str, Any]:
    before = len(stack.fake.calls_to("views.publish"))
    opened = {
        "token": "old",
        "team_id": "T0TEAM001",
        "api_app_id": "A0APP",
        "type": "event_callback",
        "event_id": f"EvHome{user}{before}",
        "event_time": 1,
        "event": {"type": "app_home_opened", "user": user, "channel": "D0X", "tab": "home", "event_ts": "1.1"},
    }
    await stack.post_signed(json.dumps(opened), "application/json")
    await stack.fake.wait_for(lambda: len(stack.fake.calls_to("views.publish")) > before)
    return published(stack)


def published(stack: BotStack) -> dict[str, Any]:
    """The last Home tab published, which the fake Slack accepted (its blocks checked as Slack checks them)."""
    assert [refused for refused in stack.fake.refusals if refused[0].startswith("views.")] == []
    view = stack.fake.calls_to("views.publish")[-1].params["view"]
    return json.loads(view) if isinstance(view, str) else view


async def click(stack: BotStack, view: dict[str, Any], action_id: str, user: str, value: str = "") -> None:
    element = {"action_id": action_id, "block_id": "b", "type": "button", "action_ts": "1.3"}
    if value:
        element["value"] = value
    payload = {
        "type": "block_actions",
        "team": {"id": "T0TEAM001"},
        "user": {"id": user},
        "trigger_id": "1.2.abc",
        "container": {"type": "view", "view_id": "VHOME"},
        "view": view,
        "actions": [element],
    }
    response = await stack.post_signed(urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")
    assert response.status_code == 200


async def submit(stack: BotStack, typed: dict[str, str | None], user: str = "U0BOSS") -> dict[str, Any]:
    await stack.fake.wait_for(lambda: stack.fake.calls_to("views.open"))
    opened = stack.fake.calls_to("views.open")[-1].params["view"]
    assert [refused for refused in stack.fake.refusals if refused[0] == "views.open"] == []
    modal = json.loads(opened) if isinstance(opened, str) else opened
    payload = view_submission(modal, typed, user=user)
    response = await stack.post_signed(urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")
    assert response.status_code == 200
    return response.json() if response.text else {}


async def stored_accounts(stack: BotStack) -> int:
    async with stack.services.database.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(ScpAccountRow)) or 0)


FIELDS = {"name": "Prod", "access_key": PROD_KEY, "secret_key": PROD_SECRET, "region": "kr-west1", "environment": "e"}


async def test_an_admin_adds_an_account_in_app_home(stack: BotStack, scp: Sandbox) -> None:
    home = await open_home(stack, "U0BOSS")
    assert "SCP accounts" in json.dumps(home)
    assert "scp_account_add" in json.dumps(home)
    await click(stack, home, "scp_account_add", "U0BOSS")
    signed = len(scp.signed_by)
    publishes = len(stack.fake.calls_to("views.publish"))
    answer = await submit(stack, FIELDS)
    assert answer == {}  # accepted: the modal closes
    assert scp.signed_by[signed:] == [PROD_KEY]  # checked with one signed call, with its own keys
    assert await stored_accounts(stack) == 1
    await stack.fake.wait_for(lambda: len(stack.fake.calls_to("views.publish")) > publishes)
    shown = json.dumps(published(stack), ensure_ascii=False)
    assert "`prod` · kr-west1 (e) · access key …0001" in shown
    assert PROD_SECRET not in shown
    assert PROD_KEY not in shown
    assert await chart_keys(stack, scp, CPU) == {PROD_KEY}  # the only account draws from now on


async def test_refused_keys_are_refused_in_the_modal_with_servicewatchs_reason(stack: BotStack, scp: Sandbox) -> None:
    await click(stack, await open_home(stack, "U0BOSS"), "scp_account_add", "U0BOSS")
    answer = await submit(stack, {**FIELDS, "secret_key": "a-wrong-secret"})
    assert answer["response_action"] == "errors"
    reason = answer["errors"]["secret_key"]
    assert "ServiceWatch refused these keys" in reason
    assert "Signature mismatch" in reason
    assert "a-wrong-secret" not in reason
    unknown = await submit(stack, {**FIELDS, "access_key": "AK-NOBODY"})
    assert "Unknown access key" in unknown["errors"]["secret_key"]
    fields = await submit(stack, {**FIELDS, "environment": "x", "name": "no way"})
    assert set(fields["errors"]) == {"environment", "name"}
    assert await stored_accounts(stack) == 0


async def test_a_name_taken_is_refused_in_the_modal(stack: BotStack) -> None:
    await add(stack, PROD)
    await click(stack, await open_home(stack, "U0BOSS"), "scp_account_add", "U0BOSS")
    answer = await submit(stack, FIELDS)
    assert "already an SCP account named `prod`" in answer["errors"]["name"]
    assert await stored_accounts(stack) == 1


async def test_non_admins_see_no_accounts_and_are_refused(stack: BotStack) -> None:
    await add(stack, PROD)
    home = await open_home(stack, "U0KIM")
    assert "scp_account" not in json.dumps(home)
    await click(stack, home, "scp_account_remove", "U0KIM", "prod")
    await stack.fake.wait_for(
        lambda: any("manages SCP accounts" in c.params.get("text", "") for c in stack.fake.calls_to("chat.postMessage"))
    )
    await click(stack, home, "scp_account_add", "U0KIM")
    views = stack.fake.calls_to("views.open")
    assert views == []
    # A forged submission is refused too, and nothing is saved.
    modal_like = {"type": "modal", "callback_id": "scp_account_modal", "blocks": _inputs()}
    payload = view_submission(modal_like, FIELDS, user="U0KIM")
    response = await stack.post_signed(urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded")
    assert "manages SCP accounts" in response.json()["errors"]["name"]
    assert await stored_accounts(stack) == 1


async def test_an_admin_removes_an_account(stack: BotStack, scp: Sandbox) -> None:
    await add(stack, PROD)
    assert await chart_keys(stack, scp, CPU) == {PROD_KEY}
    home = await open_home(stack, "U0BOSS")
    publishes = len(stack.fake.calls_to("views.publish"))
    await click(stack, home, "scp_account_remove", "U0BOSS", "prod")
    await stack.fake.wait_for(lambda: len(stack.fake.calls_to("views.publish")) > publishes)
    assert await stored_accounts(stack) == 0
    assert "scp_account_remove" not in json.dumps(published(stack))
    assert await chart_keys(stack, scp, CPU) == {SANDBOX_ACCESS_KEY}


def _inputs() -> list[dict[str, Any]]:
    return [
        {
            "type": "input",
            "block_id": b,
            "label": {"type": "plain_text", "text": b},
            "element": {"type": "plain_text_input", "action_id": b},
        }
        for b in ("name", "access_key", "secret_key", "region", "environment", "account_id")
    ]


async def test_without_secrets_keys_the_modal_says_which_setting(
    fake_slack: FakeSlack, tmp_path: Path, scp: Sandbox
) -> None:
    fake_slack.user("U0BOSS", name="boss", admin=True)
    settings = settings_for(fake_slack, tmp_path, servicewatch_endpoint=scp.url)
    async for running in start_stack(fake_slack, settings):
        await click(running, await open_home(running, "U0BOSS"), "scp_account_add", "U0BOSS")
        answer = await submit(running, FIELDS)
        assert "SECRETS_KEYS" in answer["errors"]["secret_key"]
        assert PROD_SECRET not in json.dumps(answer)
        assert await stored_accounts(running) == 0


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"title": {"type": "plain_text", "text": "A title longer than twenty-four"}}, "/view/title/text"),
        ({"submit": None}, "must provide an object [json-pointer:/view/submit]"),
        (
            {"blocks": [{"type": "input", "label": {"type": "plain_text", "text": "x"}}]},
            "missing required field: element",
        ),
        ({"blocks": [{"type": "video"}]}, "unsupported type: video"),
    ],
)
def test_the_fake_slack_refuses_a_broken_modal(change: dict[str, Any], problem: str) -> None:
    """The check the modal above passes is a real one: a broken view is refused."""
    modal = {**account_modal().to_dict(), **change}
    assert view_problems(account_modal().to_dict()) == []
    assert any(problem in found for found in view_problems(modal))


class _Users:
    """A Slack client's users.info, counted."""

    def __init__(self, **flags: bool) -> None:
        self.flags = flags
        self.calls = 0

    async def users_info(self, *, user: str) -> dict[str, Any]:
        self.calls += 1
        return {"ok": True, "user": {"id": user, **self.flags}}


@pytest.mark.parametrize(
    ("flags", "listed", "admin"),
    [({}, [], False), ({"is_admin": True}, [], True), ({"is_owner": True}, [], True), ({}, ["U1"], True)],
)
async def test_who_is_an_admin(flags: dict[str, bool], listed: list[str], admin: bool) -> None:
    now = [0.0]
    admins = WorkspaceAdmins(AccessPolicy([], listed), ttl=60, clock=lambda: now[0])
    users = _Users(**flags)
    client: Any = users
    assert await admins.is_admin(client, "T1", "U1") is admin
    assert await admins.is_admin(client, "T1", "U1") is admin
    assert users.calls == (0 if listed else 1)  # asked once a minute at most; ADMIN_USER_IDS needs no call
    now[0] = 61
    await admins.is_admin(client, "T1", "U1")
    assert users.calls == (0 if listed else 2)


def test_many_accounts_say_how_many_more() -> None:
    infos = [
        AccountInfo("", f"acct-{n:02}", "kr-west1", "e", "", f"{n:04}", "U1", datetime(2026, 11, 28, tzinfo=UTC))
        for n in range(25)
    ]
    blocks = [block.to_dict() for block in accounts_blocks(infos, "/chart")]
    assert sum(1 for block in blocks if block.get("accessory", {}).get("action_id") == "scp_account_remove") == 20
    assert "… and 5 more; `/chart accounts` lists them all." in json.dumps(blocks, ensure_ascii=False)
    assert view_problems({"type": "home", "blocks": blocks}) == []


@pytest.fixture
async def watching(fake_slack: FakeSlack, tmp_path: Path, scp: Sandbox) -> AsyncIterator[BotStack]:
    """The bot with SCP accounts, watching alerts; it polls when a test says (`poll_once`)."""
    settings = settings_for(
        fake_slack,
        tmp_path,
        servicewatch_endpoint=scp.url,
        secrets_keys=new_key(),
        alert_poll_interval="1h",
        servicewatch_max_retries=0,
    )
    async for running in start_stack(fake_slack, settings):
        yield running


async def test_alerts_are_watched_read_and_drawn_with_the_channels_account(watching: BotStack, scp: Sandbox) -> None:
    stack = watching
    await add(stack, PROD)
    await add(stack, STAGING)
    await ask(stack, "use staging")
    signed = len(scp.signed_by)
    assert (await ask(stack, "watch alerts web-01 cpu")).startswith("Watching 1 alert")
    assert set(scp.signed_by[signed:]) == {STAGING_KEY}  # the catalog read with the channel's account
    (watched,) = (await stack.bot.alerts.watches.watched()).items()
    assert watched[1].source == AlertSource("", "staging")

    signed, posts = len(scp.signed_by), len(stack.fake.posts)
    scp.set_alert_state(watched[0], "ALERT")
    await stack.bot.alerts.poll_once()
    await stack.fake.wait_for(lambda: len(stack.fake.posts) > posts)
    assert set(scp.signed_by[signed:]) == {STAGING_KEY}  # ShowAlert and the chart: staging's keys, not prod's

    assert stack.services.accounts is not None
    await stack.services.accounts.store.remove("", "staging")
    await stack.bot.alerts.poll_once()
    told = [m.text for m in stack.fake.messages.get("D0KIM", {}).values() if "web-01 CPU high" in m.text]
    assert len(told) == 1
    assert "read with an SCP account that has been removed" in told[0]
    assert await stack.bot.alerts.watches.watched() == {}


async def test_the_metric_type_ahead_offers_the_channels_account_metrics(stack: BotStack, scp: Sandbox) -> None:
    await add(stack, PROD)
    await add(stack, STAGING)
    await ask(stack, "use staging")
    view = {"id": "V1", "type": "modal", "callback_id": "chart_modal", "blocks": []}
    typed = metric_suggestion("lag", {**view, "private_metadata": json.dumps({"channel_id": "C0OPS"})})
    signed = len(scp.signed_by)
    answer = await stack.post_signed(urlencode({"payload": json.dumps(typed)}), "application/x-www-form-urlencoded")
    assert [o["value"] for o in answer.json()["options"]] == ["PostgreSQL(DBaaS):Replication Lag"]
    assert set(scp.signed_by[signed:]) == {STAGING_KEY}
    elsewhere = metric_suggestion("lag", {**view, "private_metadata": json.dumps({"channel_id": "C0ELSE"})})
    signed = len(scp.signed_by)
    other = await stack.post_signed(urlencode({"payload": json.dumps(elsewhere)}), "application/x-www-form-urlencoded")
    assert other.json()["options"]  # no default there: the bot's own keys (the single-workspace setup's fallback)
    assert set(scp.signed_by[signed:]) <= {SANDBOX_ACCESS_KEY}
