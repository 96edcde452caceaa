"""Channel membership from Slack (`conversations.members` with the asking workspace's bot token), cached briefly per
channel."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from bot.errors import UserError
from bot.i18n import _
from bot.markup import channel_link
from bot.slack.access import slack_error
from bot.workspace_keys import SINGLE

log = logging.getLogger(__name__)

# The channel is not visible to the bot (private and the bot is not in it, or gone): nobody can be shown to be in it.
UNSEEN = ("channel_not_found", "not_in_channel", "is_archived", "method_not_supported_for_channel_type")


class SlackMembership:
    """Members of each channel asked about, kept for `ttl` seconds; one listing at a time per channel. One `client`
    (one workspace), or `clients`: each workspace key's client (the installable app)."""

    def __init__(
        self,
        client: AsyncWebClient | None = None,
        *,
        clients: Callable[[str], AsyncWebClient] | None = None,
        bot_name: str = "ServiceWatch",
        ttl: float = 60.0,
        page: int = 200,  # Slack suggests at most 200 a page (and refuses 1,000 or more)
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if clients is None:
            assert client is not None
            one = client
            clients = lambda _key: one  # noqa: E731 (one workspace: every key is it)
        self._clients = clients
        self._bot_name = bot_name
        self._ttl, self._page, self._clock = ttl, page, clock
        self._members: dict[tuple[str, str], tuple[float, frozenset[str] | None]] = {}
        self._locks: dict[tuple[str, str], asyncio.Lock] = {}

    async def refusal(self, channel_id: str, user_id: str, workspace: str = SINGLE) -> str | None:
        """Why `user_id` may not send the bot into `channel_id` of `workspace`, or None when they are a member of
        it. Raises UserError when Slack cannot say right now."""
        members = await self.members(channel_id, workspace)
        if members is None:
            return _(
                "I can't see {channel}: it is private and I'm not in it, or it is gone. Invite me with "
                "`/invite @{bot}` there, then ask again."
            ).format(channel=channel_link(channel_id), bot=self._bot_name)
        if user_id not in members:
            return _(
                "I won't post in {channel} for you: you aren't a member of it. Join it and ask again, or ask "
                "from inside it."
            ).format(channel=channel_link(channel_id))
        return None

    async def members(self, channel_id: str, workspace: str = SINGLE) -> frozenset[str] | None:
        """The channel's members; None when the bot cannot see the channel."""
        place = (workspace, channel_id)
        cached = self._members.get(place)
        if cached and self._clock() - cached[0] < self._ttl:
            return cached[1]
        async with self._locks.setdefault(place, asyncio.Lock()):
            cached = self._members.get(place)
            if cached and self._clock() - cached[0] < self._ttl:
                return cached[1]
            members = await self._list(channel_id, self._clients(workspace))
            self._members[place] = (self._clock(), members)
            return members

    async def _list(self, channel_id: str, client: AsyncWebClient) -> frozenset[str] | None:
        found: set[str] = set()
        cursor = ""
        try:
            while True:
                response = await client.conversations_members(
                    channel=channel_id, limit=self._page, cursor=cursor or None
                )
                found.update(str(m) for m in response.get("members") or [])
                metadata = response.get("response_metadata") or {}
                cursor = metadata.get("next_cursor", "") if isinstance(metadata, dict) else ""
                if not cursor:
                    return frozenset(found)
        except SlackApiError as exc:
            error = slack_error(exc)
            if error in UNSEEN:
                return None
            if error == "missing_scope":
                raise UserError(
                    _(
                        "The bot's Slack app may not read channel members (scopes channels:read, groups:read); an "
                        "admin must reinstall it with manifest.yaml."
                    )
                ) from exc
            log.warning("conversations.members failed for %s: %s", channel_id, error)
            raise UserError(
                _(
                    "Slack could not tell me who is in {channel} ({error}), so I won't post there yet; try again in a "
                    "minute."
                ).format(channel=channel_link(channel_id), error=error or _("no reason given"))
            ) from exc
        except (SlackClientError, OSError) as exc:
            log.warning("conversations.members failed for %s: %s", channel_id, type(exc).__name__)
            raise UserError(
                _(
                    "Slack could not tell me who is in {channel} right now, so I won't post there yet; try again in a "
                    "minute."
                ).format(channel=channel_link(channel_id))
            ) from exc
