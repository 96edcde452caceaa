"""Slack's refusals: whether Slack still takes a workspace's bot token (`SlackAccess`, shared by every outbox of that
workspace in the process: once Slack refuses the token for good, say so loudly once and stop calling), and what a
refusal means for the person who asked (`refusal`). The access carries the workspace's upload pace too
(bot/slack/pacing.py), and how long an upload may take to be processed (bot/slack/uploads.py)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_sdk.errors import SlackApiError

from bot.errors import UserError
from bot.i18n import _
from bot.markup import channel_link
from bot.slack.pacing import UploadPacer

log = logging.getLogger(__name__)
AUTH_ERRORS = ("invalid_auth", "not_authed", "token_revoked", "token_expired", "account_inactive", "team_disabled")


def slack_error(exc: SlackApiError) -> str:
    """Slack's error code (`not_in_channel`), or the HTTP status when the answer was not Slack's JSON (a 5xx page)."""
    data = exc.response.data
    if isinstance(data, dict):
        return str(data.get("error", ""))
    return f"HTTP {exc.response.status_code}"


def token_refused(error: str) -> str:
    return _("Slack refused the bot's token ({error}); an admin must reinstall the app.").format(error=error)


class UnsharedFileRefused(Exception):
    """Slack refused a message whose image block shows a processed file shared into no channel ("invalid slack
    file"): reports differ on whether Slack allows it, so the outbox shares the image in the message's thread."""


def refuses_unshared_file(exc: SlackApiError) -> bool:
    """Whether an `invalid_blocks` answer is about a slack_file (the bot only shows files it has seen processed)."""
    data = exc.response.data
    errors = data.get("errors", []) if isinstance(data, dict) else []
    return any("invalid slack file" in str(error) for error in errors)


class SlackAccessLost(UserError):
    """Slack no longer accepts the bot's token: nothing more is sent until the bot is restarted with a good one."""


class SlackAccess:
    """Shared by every outbox of a process: once Slack refuses the token for good, say so loudly once and stop
    calling; and the pace of uploads, so the process stays under Slack's per-workspace limit.

    A refusal (`invalid_auth`, `token_revoked`, …) is only believed once `confirm` (the bot token's `auth.test`)
    refuses the token too: one method's odd answer, a timeout, a 5xx or a ratelimit never stops the bot. Without
    `confirm` nothing is ever declared lost."""

    def __init__(
        self,
        pacer: UploadPacer | None = None,
        *,
        confirm: Callable[[], Awaitable[Any]] | None = None,
        confirm_within: float = 10.0,
        file_wait: float = 10.0,
    ) -> None:
        self.lost: str | None = None
        self.native_charts = True  # False once this workspace's Slack refused a chart drawn by its clients
        self.unshared_files = True  # False once it refused a message showing a file shared into no channel
        self.file_wait = file_wait  # seconds an upload may take to be processed before it is shown another way
        self.pacer = pacer
        self._confirm = confirm
        self._confirm_within = confirm_within
        self._confirming: asyncio.Task[None] | None = None

    def refuse_native(self) -> None:
        """This workspace's Slack refused a message for its native chart blocks, and took it without them: send it
        none from now on (until the bot restarts and tries again)."""
        if self.native_charts:
            log.warning(
                "Slack refused the chart drawn by its clients (data_visualization, table) in this workspace; "
                "sending charts as images alone"
            )
        self.native_charts = False

    def refuse_unshared_files(self) -> None:
        """This workspace's Slack refused a message showing a processed file shared into no channel: share images
        as uploads from now on (until the bot restarts and tries again)."""
        if self.unshared_files:
            log.warning(
                "Slack refused a message showing an unshared chart file in this workspace; sharing chart images as "
                "uploads in the chart's thread"
            )
        self.unshared_files = False

    @property
    def problem(self) -> str | None:
        """Why the bot cannot reach Slack any more (readiness), or None."""
        return None if self.lost is None else f"Slack refused the bot's token ({self.lost}, confirmed by auth.test)"

    def check(self) -> None:
        if self.lost is not None:
            raise SlackAccessLost(token_refused(self.lost))

    async def note(self, error: str) -> None:
        """A Slack call answered `error`. When it refuses the token, ask auth.test (once, however many calls were
        refused together) and declare access lost only if auth.test refuses it too."""
        if error not in AUTH_ERRORS or self.lost is not None or self._confirm is None:
            return
        if self._confirming is None or self._confirming.done():
            self._confirming = asyncio.create_task(self._ask_auth_test(error))
        await asyncio.shield(self._confirming)

    async def _ask_auth_test(self, error: str) -> None:
        assert self._confirm is not None
        try:
            async with asyncio.timeout(self._confirm_within):
                await self._confirm()
        except SlackApiError as exc:
            confirmed = slack_error(exc)
            if confirmed in AUTH_ERRORS and self.lost is None:
                self.lost = confirmed
                log.critical(
                    "Slack refused the bot's token (%s): nothing more will be posted. Reinstall the app or set a new "
                    "SLACK_BOT_TOKEN, then restart the bot.",
                    confirmed,
                )
                return
            log.warning("a call said %s, but auth.test answered %s: the token is not declared lost", error, confirmed)
        except Exception as exc:  # a timeout, no connection, …: no verdict on the token
            log.warning("a call said %s, and auth.test failed (%r): the token is not declared lost", error, exc)
        else:
            log.warning("a call said %s, but auth.test accepts the token: it is not declared lost", error)


def refusal(error: str, channel_id: str, *, bot_name: str, access: SlackAccess) -> UserError:
    """What Slack's refusal `error` (of a call into `channel_id`, "" for none) means for the person who asked, and
    what to do about it."""
    if error in AUTH_ERRORS and access.lost is not None:
        return SlackAccessLost(token_refused(error))
    where = channel_link(channel_id)
    if error in ("not_in_channel", "channel_not_found", "method_not_supported_for_channel_type"):
        return UserError(
            _(
                "I'm not in {channel} and couldn't join it myself. Invite me with `/invite @{bot}`, then ask again."
            ).format(channel=where, bot=bot_name)
        )
    if error == "is_archived":
        return UserError(
            _("{channel} is archived, so nothing can be posted there; ask in another channel.").format(channel=where)
        )
    if error in ("file_uploads_disabled", "file_upload_size_restricted", "file_type_not_allowed"):
        return UserError(
            _("This workspace does not allow the bot's upload ({error}); ask a Slack admin.").format(error=error)
        )
    return UserError(
        _("Slack refused the chart ({error}); try again in a minute.").format(error=error or _("no reason given"))
    )
