"""The whole bot in-process over real sockets: the fake Slack, the built-in sandbox, a SQLite database,
and the bot in HTTP mode (or Socket Mode) wired by the same `bot.wiring.slack_bot` as `python -m bot`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx

from bot.config import Settings, load_settings
from bot.router import BackgroundWork
from bot.sandbox import Sandbox
from bot.scheduling.service import ScheduleService
from bot.slack.app import SlackApp
from bot.slack.running import SlackBot
from bot.wiring import Services, open_services, slack_bot
from tests.fakes.slack import FakeSlack
from tests.migrated import migrated_sqlite
from tests.slack_payloads import signed_headers, slash_command

SECRET = "test-signing-secret"
TOKEN = "xoxb-test-token"


@dataclass
class BotStack:
    fake: FakeSlack
    services: Services
    slack: SlackApp
    work: BackgroundWork
    url: str  # HTTP mode base URL ("" in Socket Mode)
    bot: SlackBot
    http: httpx.AsyncClient  # one client for the test's requests (each new one loads the CA bundle: ~40 ms of CPU)

    @property
    def schedules(self) -> ScheduleService:
        return self.bot.schedules

    @property
    def sandbox(self) -> Sandbox:
        assert self.services.sandbox is not None
        return self.services.sandbox

    async def post_command(
        self, text: str, *, user: str = "U0KIM", channel: str = "C0OPS", **signing: Any
    ) -> httpx.Response:
        form = slash_command(text, user=user, channel=channel, response_url=self.fake.response_url())
        return await self.post_signed(urlencode(form), "application/x-www-form-urlencoded", **signing)

    async def post_signed(
        self,
        body: str,
        content_type: str,
        *,
        timestamp: int | None = None,
        secret: str = SECRET,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        return await self.http.post(
            f"{self.url}/slack/events",
            content=body,
            headers={
                "Content-Type": content_type,
                **signed_headers(body, secret, timestamp=timestamp),
                **(headers or {}),
            },
        )


def settings_for(fake: FakeSlack, tmp_path: Path, **values: Any) -> Settings:
    base: dict[str, Any] = {
        "_env_file": None,
        "slack_bot_token": TOKEN,
        "slack_signing_secret": SECRET,
        "slack_api_url": fake.api_url,
        "bot_mode": "http",
        "bot_http_host": "127.0.0.1",
        "bot_http_port": 0,
        "database_url": migrated_sqlite(tmp_path / "bot.db"),
        "schedule_min_interval": "1s",
        "schedule_sync_interval": "1s",
        "schedule_lease": "3s",
        "schedule_misfire_grace": "1m",
        "slack_uploads_per_minute": 6000,  # tests post charts back to back; pacing has its own tests
    }
    base.update(values)
    base.setdefault("servicewatch_sandbox", base.get("scp_access_key") is None)  # Slack and the sandbox: on purpose
    return load_settings(**base)


async def start_stack(fake: FakeSlack, settings: Settings) -> AsyncIterator[BotStack]:
    """The bot as `python -m bot` runs it in Slack (`SlackBot`, in the mode the settings say), until the test ends."""
    async with open_services(settings) as services:
        work = BackgroundWork()
        bot = await slack_bot(services, work)
        try:
            await bot.start()
            async with httpx.AsyncClient() as http:
                yield BotStack(fake, services, bot.slack, work, bot.url, bot, http)
        finally:
            await bot.stop(5)
            await bot.slack.close()


async def sandbox_knowing(keys: dict[str, str]) -> AsyncIterator[Sandbox]:
    """A ServiceWatch (the sandbox) that accepts the stock key pair and `keys` (access key → secret key), and lists
    which signed each call (`signed_by`), until the test ends."""
    sandbox = Sandbox(keys=keys, stock_images=True)
    await sandbox.start()
    yield sandbox
    await sandbox.stop()
