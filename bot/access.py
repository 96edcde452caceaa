"""Who may make the bot post where: the channels it answers in (`ALLOWED_CHANNEL_IDS`), its admins
(`ADMIN_USER_IDS`), and, on a platform that knows channel membership, the rule that the bot posts into a channel
other than the one asked from only for someone who is a member of it."""

from __future__ import annotations

from typing import Protocol
from urllib.parse import urlparse

from bot.errors import UserError
from bot.i18n import _
from bot.markup import channel_link


class Membership(Protocol):
    """Channel membership as the platform knows it (Slack: `conversations.members`)."""

    async def refusal(self, channel_id: str, user_id: str, workspace: str = "") -> str | None:
        """Why `user_id` may not send the bot into `channel_id` of `workspace` (not a member; a channel the bot cannot
        see), or None when they are a member. Raises UserError when the platform cannot say right now."""
        ...


class AccessPolicy:
    """Where the bot answers and who is an admin; with a `membership`, who may send it into other channels."""

    def __init__(
        self,
        allowed_channels: list[str],
        admins: list[str],
        *,
        membership: Membership | None = None,
        workspace_url: str = "",
    ) -> None:
        """With `membership`, posting into another channel needs the asker among its members; with `workspace_url`,
        message links are accepted only from that workspace ("": from any the bot is in)."""
        self.allowed_channels = frozenset(allowed_channels)
        self.admins = frozenset(admins)
        self.membership = membership
        self.workspace_host = urlparse(workspace_url).hostname or ""

    def is_admin(self, user_id: str) -> bool:
        return user_id in self.admins

    def refusal(self, channel_id: str) -> str | None:
        """Why the bot will not answer in `channel_id`, or None when it will."""
        if not self.allowed_channels or channel_id in self.allowed_channels:
            return None
        places = ", ".join(channel_link(c) for c in sorted(self.allowed_channels))
        return _("I only answer in {places}. Ask a bot admin to add this channel to ALLOWED_CHANNEL_IDS.").format(
            places=places
        )

    def foreign_link(self, permalink: str) -> str | None:
        """Why a message link cannot be used (it points into another workspace), or None. Pure and fast."""
        if not self.workspace_host:
            return None
        host = urlparse(permalink).hostname or ""
        if host == self.workspace_host:
            return None
        if not host:
            return _(
                "That message link is not from this workspace ({workspace}); copy the link of a message here."
            ).format(workspace=self.workspace_host)
        return _(
            "That message link is from {host}, not this workspace ({workspace}); copy the link of a message here."
        ).format(host=host, workspace=self.workspace_host)

    async def sees_charts_of(self, channel_id: str, user_id: str, workspace: str = "") -> bool:
        """Whether `user_id` may see the numbers of charts posted in `channel_id` (a chart link's flexpane): the bot
        answers there and, on a platform that knows membership, they are a member. Raises UserError when the
        platform cannot say right now."""
        if self.refusal(channel_id) is not None:
            return False
        if self.membership is None:
            return True
        return await self.membership.refusal(channel_id, user_id, workspace) is None

    async def check_post(self, user_id: str, asked_from: str | None, channel_id: str, workspace: str = "") -> None:
        """Raise UserError unless the bot may post into `channel_id` for `user_id`, who typed in `asked_from`
        (None when asked from outside a channel: a shortcut, App Home): the channel must be allowed, and any channel
        but the one typed in needs the asker among its members (asked in `workspace`, the Slack installation's key)."""
        refusal = self.refusal(channel_id)
        if refusal:
            raise UserError(refusal)
        if channel_id == asked_from or self.membership is None:
            return
        refusal = await self.membership.refusal(channel_id, user_id, workspace)
        if refusal:
            raise UserError(refusal)
