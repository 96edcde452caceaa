"""The installable app end to end over real HTTP (fake Slack with several teams, the sandbox with several key pairs,
SQLite; PostgreSQL too with TEST_DATABASE_URL): two workspaces install it through /slack/install and
/slack/oauth_redirect, each charts with its own SCP account in its own workspace; an uninstall stops every call to
that workspace and pauses its schedules, a reinstall resumes them; bad OAuth callbacks get a page saying what to do;
rotated tokens are refreshed; no token is in the database file."""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.oauth.installation_store import Installation

from bot.config import Settings, load_settings
from bot.errors import SettingsError
from bot.logs import RedactingFilter
from bot.sandbox import Sandbox
from bot.servicewatch.accounts import Account
from bot.slack.install import DEFAULT_SCOPES, UNINSTALLED
from bot.store.installations import SlackInstallations
from bot.store.schedules import NewSchedule, Schedule, Schedules
from bot.store.sealing import Sealer, new_key
from tests.fakes.slack import FakeSlack, SlackError, manifest_scopes
from tests.fakes.work_objects import manifest_unfurl_domains
from tests.slack_payloads import slash_command
from tests.stacks import SECRET, BotStack, sandbox_knowing, settings_for, start_stack
from tests.store.test_accounts import _file_bytes

CLIENT_ID, CLIENT_SECRET = "1111.2222", "client-secret-never-shown"
ALPHA, BETA = "T0ALPHA", "T0BETA"
ALPHA_KEY, ALPHA_SECRET = "AK-ALPHA-0001", "alpha-secret-never-shown"
BETA_KEY, BETA_SECRET = "AK-BETA-0002", "beta-secret-never-shown"
CPU = '"Virtual Server:CPU Usage/Core[Basic]" resource=web-01'
MANIFEST = Path(__file__).resolve().parents[2] / "manifest.oauth.yaml"
SEALING = new_key()
FORM = "application/x-www-form-urlencoded"


@pytest.fixture
async def scp() -> AsyncIterator[Sandbox]:
    async for sandbox in sandbox_knowing({ALPHA_KEY: ALPHA_SECRET, BETA_KEY: BETA_SECRET}):
        yield sandbox


def oauth_settings(fake: FakeSlack, tmp_path: Path, scp: Sandbox, **values: Any) -> Any:
    return settings_for(
        fake,
        tmp_path,
        slack_bot_token=None,
        slack_client_id=CLIENT_ID,
        slack_client_secret=CLIENT_SECRET,
        secrets_keys=SEALING,
        servicewatch_endpoint=scp.url,
        **values,
    )


@pytest.fixture
async def stack(fake_slack: FakeSlack, tmp_path: Path, scp: Sandbox) -> AsyncIterator[BotStack]:
    async for running in two_workspaces(fake_slack, oauth_settings(fake_slack, tmp_path, scp)):
        yield running


@pytest.fixture
async def few_places(fake_slack: FakeSlack, tmp_path: Path, scp: Sandbox) -> AsyncIterator[BotStack]:
    """The stack with C = 2: the runner draws 4 runs at once."""
    settings = oauth_settings(fake_slack, tmp_path, scp, servicewatch_max_concurrency=2)
    async for running in two_workspaces(fake_slack, settings):
        yield running


async def two_workspaces(fake_slack: FakeSlack, settings: Settings) -> AsyncIterator[BotStack]:
    for team, channel in ((ALPHA, "C0ALPHA"), (BETA, "C0BETA")):
        fake_slack.installs.add_team(team, team.removeprefix("T0").title())
        fake_slack.channel(channel, members=["U0KIM"], team=team)
    async for running in start_stack(fake_slack, settings):
        fake_slack.installs.app(
            CLIENT_ID, CLIENT_SECRET, signing_secret=SECRET, events_url=f"{running.url}/slack/events"
        )
        yield running


async def install(stack: BotStack, team: str) -> httpx.Response:
    """A person installs the app in `team`: /slack/install sends them to Slack, Slack back to the redirect URL."""
    started = await stack.http.get(f"{stack.url}/slack/install")
    assert started.status_code == 302
    assert started.headers["Location"].startswith(f"{stack.fake.url}/oauth/v2/authorize?")
    back = stack.fake.installs.approve(started.headers["Location"], team, f"{stack.url}/slack/oauth_redirect")
    # The browser sends back the state cookie /slack/install set (a Secure cookie: httpx keeps it for HTTPS only).
    cookie = started.headers["Set-Cookie"].split(";")[0]
    return await stack.http.get(back, headers={"Cookie": cookie})


async def chart(stack: BotStack, team: str, channel: str, text: str = CPU) -> None:
    form = {
        **slash_command(text, user="U0KIM", channel=channel, response_url=stack.fake.response_url()),
        "team_id": team,
    }
    posts = len(stack.fake.posts)
    await stack.post_signed(urlencode(form), FORM)
    await stack.fake.wait_for(lambda: len(stack.fake.posts) > posts)


async def add_account(stack: BotStack, team: str, key: str, secret: str) -> None:
    assert stack.services.accounts is not None
    account = Account(name="main", access_key=key, secret_key=secret, region="kr-west1", environment="e")
    await stack.services.accounts.store.add(team, account, added_by="U0KIM")


async def test_two_workspaces_install_and_chart_with_their_own_accounts(stack: BotStack, scp: Sandbox) -> None:
    for team in (ALPHA, BETA):
        page = await install(stack, team)
        assert page.status_code == 200
        assert "ServiceWatch is installed" in page.text
        assert "/chart help" in page.text
    await add_account(stack, ALPHA, ALPHA_KEY, ALPHA_SECRET)
    await add_account(stack, BETA, BETA_KEY, BETA_SECRET)
    await chart(stack, ALPHA, "C0ALPHA")
    await chart(stack, BETA, "C0BETA", CPU + " last 2h")
    alpha, beta = stack.fake.posts
    assert (alpha.team, alpha.channel, beta.team, beta.channel) == (ALPHA, "C0ALPHA", BETA, "C0BETA")
    assert set(scp.signed_by) == {ALPHA_KEY, BETA_KEY}
    assert scp.signed_by.index(BETA_KEY) > max(i for i, key in enumerate(scp.signed_by) if key == ALPHA_KEY)
    tokens = {
        stack.fake.installs.team_of(call.headers["Authorization"][7:])
        for call in stack.fake.calls_to("files.completeUploadExternal")
    }
    assert tokens == {ALPHA, BETA}  # each posted with its own workspace's token


async def test_uninstall_stops_the_calls_and_pauses_schedules_until_reinstalled(
    stack: BotStack, caplog: pytest.LogCaptureFixture
) -> None:
    await install(stack, ALPHA)
    await install(stack, BETA)
    schedules = Schedules(stack.services.database)
    new = NewSchedule(
        channel_id="C0BETA", owner_id="U0KIM", label="cpu", chart_text=CPU, when_text="every 1h",
        interval_seconds=3600, cron=None, timezone="UTC", workspace=BETA,
    )  # fmt: skip
    schedule = (await schedules.create(new, max_per_channel=5)).id
    caplog.set_level(logging.INFO)
    answer = await stack.fake.installs.uninstall(BETA)
    assert answer.status_code == 200
    store = SlackInstallations(stack.services.database, Sealer([SEALING]))
    await until(lambda: _installed_only(store, ALPHA))
    found = await schedules.get(schedule)
    assert found is not None
    assert (found.paused, found.paused_reason) == (True, UNINSTALLED)
    calls = len(stack.fake.calls)
    mention = {"type": "app_mention", "user": "U0KIM", "text": "<@UBOT0003> cpu", "channel": "C0BETA", "ts": "1.2"}
    again = await stack.fake.installs.event(BETA, mention)  # an event still on its way: dropped quietly
    assert again.status_code == 200
    late = slash_command(CPU, user="U0KIM", channel="C0BETA", response_url=stack.fake.response_url())
    assert (await stack.post_signed(urlencode({**late, "team_id": BETA}), FORM)).status_code == 200
    await asyncio.sleep(0.3)  # its work, were it not dropped, would have called Slack by now
    with pytest.raises(SlackApiError, match="account_inactive"):  # a scheduled post finds no token: no call goes out
        await stack.slack.workspaces.client(BETA).chat_postMessage(channel="C0BETA", text="x")
    assert len(stack.fake.calls) == calls  # nothing went to Slack for the uninstalled workspace
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    page = await install(stack, BETA)
    assert page.status_code == 200
    found = await schedules.get(schedule)
    assert found is not None
    assert not found.paused
    await chart(stack, BETA, "C0BETA")  # the new token works at once
    assert stack.fake.posts[-1].team == BETA


async def _installed_only(store: SlackInstallations, *keys: str) -> bool:
    return await store.installed() == list(keys)


async def until(check: Callable[[], Awaitable[bool]], within: float = 10.0) -> None:
    """Wait for `check` to hold (the event's work runs after Slack's acknowledgement)."""
    deadline = asyncio.get_running_loop().time() + within
    while not await check():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.02)


async def test_membership_is_asked_with_the_askers_workspace_token(stack: BotStack) -> None:
    await install(stack, ALPHA)
    await install(stack, BETA)
    stack.fake.user("U0LEE", name="lee")
    stack.fake.channel("C0ALPHA2", members=["U0LEE"], team=ALPHA)  # kim is not in it
    line = f"schedule {CPU} every 1h in <#C0ALPHA2|war-room>"
    form = slash_command(line, user="U0KIM", channel="C0ALPHA", response_url=stack.fake.response_url())
    await stack.post_signed(urlencode({**form, "team_id": ALPHA}), FORM)
    await stack.fake.wait_for(lambda: stack.fake.responses)
    assert "you aren't a member of it" in stack.fake.responses[-1]["text"]
    (asked,) = stack.fake.calls_to("conversations.members")
    assert stack.fake.installs.team_of(asked.headers["Authorization"][7:]) == ALPHA
    assert stack.fake.posts == []


async def test_an_org_wide_install_serves_its_workspaces_under_the_enterprise_id(stack: BotStack, scp: Sandbox) -> None:
    org_wide = Installation(
        app_id="A0APP", enterprise_id="E0GRID", enterprise_name="Grid", team_id=None,
        bot_token=stack.fake.installs.grant(ALPHA), bot_id="B0002", bot_user_id="UBOT0002",
        is_enterprise_install=True, user_id="U0KIM",
    )  # fmt: skip
    await SlackInstallations(stack.services.database, Sealer([SEALING])).async_save(org_wide)
    await add_account(stack, "E0GRID", ALPHA_KEY, ALPHA_SECRET)  # the org's account, kept under its enterprise id
    form = slash_command(CPU, user="U0KIM", channel="C0ALPHA", response_url=stack.fake.response_url())
    grid = {"team_id": ALPHA, "enterprise_id": "E0GRID", "is_enterprise_install": "true"}
    await stack.post_signed(urlencode({**form, **grid}), FORM)
    await stack.fake.wait_for(lambda: stack.fake.posts)
    assert (stack.fake.posts[0].team, stack.fake.posts[0].channel) == (ALPHA, "C0ALPHA")
    assert set(scp.signed_by) == {ALPHA_KEY}


async def test_revoked_bot_tokens_remove_the_installation(stack: BotStack) -> None:
    await install(stack, ALPHA)
    store = SlackInstallations(stack.services.database, Sealer([SEALING]))
    assert await store.installed() == [ALPHA]
    answer = await stack.fake.installs.revoke_bot(ALPHA)
    assert answer.status_code == 200
    await until(lambda: _installed_only(store))


@pytest.mark.parametrize(
    ("query", "cookie", "status", "says"),
    [
        ("error=access_denied&state=x", True, 200, "You cancelled the installation"),
        ("code=abc", False, 400, "was not started in this browser"),
        ("code=abc&state=forged", False, 400, "was not started in this browser"),
        ("code=abc&state={state}", True, 401, "expired or was used already"),  # used once already
    ],
)
async def test_bad_callbacks_get_a_page_saying_what_to_do(
    stack: BotStack, query: str, cookie: bool, status: int, says: str
) -> None:
    page = await install(stack, ALPHA)  # uses its state
    assert page.status_code == 200
    state = str(page.request.url.params.get("state"))
    headers = {"Cookie": f"slack-app-oauth-state={state}"} if cookie else {}
    async with httpx.AsyncClient() as browser:
        refused = await browser.get(f"{stack.url}/slack/oauth_redirect?{query.format(state=state)}", headers=headers)
    assert refused.status_code == status
    assert says in refused.text
    assert "/slack/install" in refused.text or status == 200


@pytest.mark.parametrize(
    "error",
    [
        "Your workspace is suspended. Call +1-555-0100 now",  # content spoofing on the bot's own page
        "access_denied\n2026-12-07 INFO bot: the app was installed in T0EVIL",  # a forged log line
        "x" * 5000,
    ],
)
async def test_the_callbacks_error_text_is_neither_shown_nor_logged(
    stack: BotStack, caplog: pytest.LogCaptureFixture, error: str
) -> None:
    with caplog.at_level(logging.INFO):
        refused = await stack.http.get(f"{stack.url}/slack/oauth_redirect", params={"error": error, "state": "x"})
    assert refused.status_code == 200
    assert "Slack ended the installation (unreadable_error)" in refused.text
    assert error[:20] not in refused.text
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("bot"))  # not httpx's own
    assert error[:20] not in logged
    assert "an install was refused: unreadable_error" in logged


async def test_a_failed_code_exchange_and_korean_pages(stack: BotStack) -> None:
    started = await stack.http.get(f"{stack.url}/slack/install")
    state = httpx.URL(started.headers["Location"]).params["state"]
    cookie = started.headers["Set-Cookie"].split(";")[0]
    refused = await stack.http.get(
        f"{stack.url}/slack/oauth_redirect?code=never-issued&state={state}",
        headers={"Accept-Language": "ko-KR,ko", "Cookie": cookie},
    )
    assert refused.status_code == 401
    assert "Slack이 설치를 확인하지 않았습니다" in refused.text
    assert CLIENT_SECRET not in refused.text


async def test_rotated_tokens_are_refreshed_before_they_lapse(stack: BotStack, scp: Sandbox) -> None:
    stack.fake.installs.lifetime = 3600  # under the 2 h Bolt and the bot refresh before
    await install(stack, ALPHA)
    await add_account(stack, ALPHA, ALPHA_KEY, ALPHA_SECRET)
    first = stack.fake.installs.tokens_of(ALPHA)
    await chart(stack, ALPHA, "C0ALPHA")
    used = {call.headers["Authorization"][7:] for call in stack.fake.calls_to("files.completeUploadExternal")}
    assert len(first) == 1
    assert used
    assert not used & set(first)
    stack.fake.advance(3601)
    with pytest.raises(SlackError, match="token_expired"):  # the first token lapsed, as Slack's do
        stack.fake.installs.team_of(first[0])


async def test_no_token_is_in_the_database_file(stack: BotStack, tmp_path: Path) -> None:
    await install(stack, ALPHA)
    await install(stack, BETA)
    data = _file_bytes(tmp_path, "bot.db*")
    assert ALPHA.encode() in data
    for token in [*stack.fake.installs.tokens_of(ALPHA), *stack.fake.installs.tokens_of(BETA)]:
        assert token.encode() not in data


def test_oauth_needs_http_mode_and_names_the_settings(tmp_path: Path) -> None:
    fake = FakeSlack()
    with pytest.raises(SettingsError, match="SLACK_CLIENT_ID and SLACK_CLIENT_SECRET make the bot an installable app"):
        load_settings(
            _env_file=None, slack_client_id=CLIENT_ID, slack_client_secret=CLIENT_SECRET, slack_app_token="xapp-1-x",
            slack_signing_secret=SECRET, secrets_keys=SEALING, servicewatch_sandbox=True,
            database_url=f"sqlite+aiosqlite:///{tmp_path / 'x.db'}",
        )  # fmt: skip
    with pytest.raises(SettingsError, match="SECRETS_KEYS"):
        load_settings(
            _env_file=None, slack_client_id=CLIENT_ID, slack_client_secret=CLIENT_SECRET, slack_signing_secret=SECRET,
            servicewatch_sandbox=True,
        )  # fmt: skip
    assert fake.installs.teams  # the fake starts with Acme


def test_the_default_scopes_are_the_manifests() -> None:
    assert frozenset(DEFAULT_SCOPES) == manifest_scopes(MANIFEST)
    assert frozenset(DEFAULT_SCOPES) == manifest_scopes()  # the same as the single-workspace manifest's


def test_installation_tokens_never_reach_a_log_line() -> None:
    redact = RedactingFilter([CLIENT_SECRET]).redact
    line = (
        "body: {'access_token': 'xoxe.xoxb-T0ALPHA-1a2b', 'refresh_token': 'xoxe-1-3c4d', 'client_secret': "
        f"'{CLIENT_SECRET}'}} then xoxb-T0BETA-5e6f"
    )
    shown = redact(line)
    for secret in ("T0ALPHA-1a2b", "xoxe-1-3c4d", CLIENT_SECRET, "T0BETA-5e6f"):
        assert secret not in shown


async def test_a_scheduled_chart_asks_its_owner_in_its_own_workspace(stack: BotStack, scp: Sandbox) -> None:
    """The owner's language comes from users.info with the schedule's workspace token (the app has none of its own)."""
    await install(stack, ALPHA)
    await add_account(stack, ALPHA, ALPHA_KEY, ALPHA_SECRET)
    new = NewSchedule(
        channel_id="C0ALPHA", owner_id="U0KIM", label="cpu", chart_text=CPU, when_text="every 1h",
        interval_seconds=3600, cron=None, timezone="UTC", workspace=ALPHA,
    )  # fmt: skip
    schedule = await Schedules(stack.services.database).create(new, max_per_channel=5)
    posts = len(stack.fake.posts)
    await stack.bot.schedules.runner.run(schedule, datetime.now(UTC).replace(microsecond=0))
    await stack.fake.wait_for(lambda: len(stack.fake.posts) > posts)
    assert stack.fake.posts[-1].team == ALPHA
    asked = stack.fake.calls_to("users.info")
    assert asked
    assert {stack.fake.installs.team_of(call.headers["Authorization"][7:]) for call in asked} == {ALPHA}
    assert ("users.info", "invalid_auth") not in stack.fake.refusals


async def test_a_workspace_held_by_its_pace_never_holds_up_another(few_places: BotStack, scp: Sandbox) -> None:
    """Alpha's uploads are held (a 429's Retry-After) while more of its runs are due than the runner has places;
    Beta's chart is drawn and posted anyway: waiting for a workspace's turn takes no place another could draw in."""
    stack = few_places
    for team, key, secret in ((ALPHA, ALPHA_KEY, ALPHA_SECRET), (BETA, BETA_KEY, BETA_SECRET)):
        await install(stack, team)
        await add_account(stack, team, key, secret)
    runner = stack.bot.schedules.runner
    schedules = Schedules(stack.services.database)

    async def due(team: str, channel: str, n: int) -> Schedule:
        new = NewSchedule(
            channel_id=channel, owner_id="U0KIM", label="cpu", chart_text=f"{CPU} last {n + 1}h", when_text="every 1h",
            interval_seconds=3600, cron=None, timezone="UTC", workspace=team,
        )  # fmt: skip
        return await schedules.create(new, max_per_channel=100)

    await stack.slack.workspaces.access(ALPHA).pacer.hold(600)
    slot = datetime.now(UTC).replace(microsecond=0)
    held = [
        asyncio.create_task(runner.run(await due(ALPHA, "C0ALPHA", n), slot))
        for n in range(runner.settings.at_once + 4)
    ]
    beta = await due(BETA, "C0BETA", 0)
    await asyncio.wait_for(runner.run(beta, slot), timeout=30)  # not a measure: only so a regression fails, not hangs
    assert [post.team for post in stack.fake.posts] == [BETA]
    assert not any(task.done() for task in held)  # alpha's still wait for their turn
    alpha = stack.slack.workspaces.access(ALPHA).pacer

    async def all_in_line() -> bool:
        return alpha.waiting == len(held)

    await until(all_in_line)  # cancelled only when all are in line, none in the middle of a database write
    for task in held:
        task.cancel()
    await asyncio.gather(*held, return_exceptions=True)


@pytest.fixture
async def linked(fake_slack: FakeSlack, tmp_path: Path, scp: Sandbox) -> AsyncIterator[BotStack]:
    """The two workspaces with chart links on the bot's host."""
    settings = oauth_settings(fake_slack, tmp_path, scp, bot_public_url="https://bot.example.com")
    fake_slack.unfurl_state.domains = manifest_unfurl_domains(MANIFEST)
    async for running in two_workspaces(fake_slack, settings):
        yield running


async def test_a_chart_link_unfurls_in_its_own_workspace_and_shows_nothing_in_another(linked: BotStack) -> None:
    await install(linked, ALPHA)
    await install(linked, BETA)
    await add_account(linked, ALPHA, ALPHA_KEY, ALPHA_SECRET)
    await chart(linked, ALPHA, "C0ALPHA")
    (message,) = linked.fake.chart_messages()
    (url,) = re.findall(r"<(https://bot\.example\.com/charts/[^|>]+)\|", json.dumps(message.blocks))
    elsewhere = await linked.fake.paste("U0KIM", "C0BETA", url)
    here = await linked.fake.paste("U0KIM", "C0ALPHA", f"see {url}")
    assert elsewhere is not None
    assert here is not None
    state = linked.fake.unfurl_state
    await linked.fake.wait_for(lambda: state.unfurled("C0ALPHA", here.ts), within=30)
    assert state.unfurled("C0BETA", elsewhere.ts) == []  # another workspace's paste: nothing
    (call,) = linked.fake.calls_to("chat.unfurl")
    assert linked.fake.installs.team_of(call.headers["Authorization"][7:]) == ALPHA
