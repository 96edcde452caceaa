"""Who people are, as far as charts care: their Slack timezone (users.info), cached."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger(__name__)


class People:
    """Timezones by user ID, asked of Slack once an hour at most per person."""

    def __init__(
        self, client: AsyncWebClient, *, ttl: float = 3600, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._client = client
        self._ttl = ttl
        self._clock = clock
        self._zones: dict[str, tuple[float, str | None]] = {}

    async def timezone(self, user_id: str) -> str | None:
        """The user's IANA timezone, or None when Slack does not say (the bot's default applies)."""
        cached = self._zones.get(user_id)
        if cached and self._clock() - cached[0] < self._ttl:
            return cached[1]
        try:
            response = await self._client.users_info(user=user_id)
            user = response.get("user") or {}
            zone = user.get("tz") if isinstance(user, dict) else None
        except (SlackApiError, SlackClientError, OSError) as exc:
            log.warning("users.info failed for %s (%s); using the default timezone", user_id, exc)
            return cached[1] if cached else None
        self._zones[user_id] = (self._clock(), zone if isinstance(zone, str) and zone else None)
        return self._zones[user_id][1]
