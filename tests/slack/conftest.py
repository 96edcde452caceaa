"""Fixtures shared by the Slack tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.fakes.slack import FakeSlack
from tests.stacks import BotStack, settings_for, start_stack


@pytest.fixture
async def watching(fake_slack: FakeSlack, tmp_path: Path) -> AsyncIterator[BotStack]:
    """The bot watching alerts; its own round comes once an hour, so each test polls when it wants (`poll`)."""
    settings = settings_for(
        fake_slack, tmp_path, alert_poll_interval="1h", alert_quiet_time="1h", servicewatch_max_retries=0
    )
    async for stack in start_stack(fake_slack, settings):
        yield stack
