"""`/chart …`: parsed and acknowledged at once (a usage error is the acknowledgement), worked on after."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.access import AccessPolicy
from bot.i18n import _, speaking
from bot.language.parse import ChartUsageError, parse_request
from bot.language.spec import ChartRequest, Request
from bot.markup import for_slack
from bot.router import Destination
from bot.slack.requests import Settle, SlackRequests
from bot.store.pending import Arrival


@dataclass(frozen=True)
class Read:
    """A command's line as read at its acknowledgement: the request it makes, or why it is refused."""

    request: Request | None
    refusal: str | None = None


class CommandListener:
    def __init__(self, requests: SlackRequests, policy: AccessPolicy, command: str) -> None:
        self.requests, self.policy, self.command = requests, policy, command

    def register(self, app: AsyncApp) -> None:
        app.command(self.command)(self.on_command)

    async def on_command(
        self, ack: AsyncAck, command: dict[str, Any], client: AsyncWebClient, respond: AsyncRespond
    ) -> None:
        read = self.read(command.get("text") or "", command.get("user_id") or "")
        if read.refusal is not None:
            await ack(response_type="ephemeral", text=read.refusal)
            return
        await ack()
        # After the acknowledgement, as the process's own work: a shutdown waits for it (Bolt's task it would not).
        work = self.start(command, client, respond, read=read.request)
        self.requests.work.spawn(work, name=f"command of {command.get('user_id')}")

    def read(self, text: str, user_id: str = "") -> Read:
        """The command's line read, once, before its acknowledgement: its request, or what the acknowledgement says
        when it is refused at once (a usage error, a link into another workspace), as Slack is to show it
        (`bot.markup`). Pure and fast: it runs before Slack's three seconds are up.

        It cannot ask Slack for the user's locale in that time, so a refusal speaks the language known without a
        call: the one cached for the user by an earlier request, else BOT_LANGUAGE when it forces one, else English.
        (A request that is taken carries no words of any language: it is answered in the asker's.)"""
        with speaking(self.requests.people.known_language(user_id)):
            try:
                request = parse_request(text, command=self.command)
            except ChartUsageError as exc:
                return Read(None, for_slack(str(exc)))
            if isinstance(request, ChartRequest) and request.spec.thread is not None:
                foreign = self.policy.foreign_link(request.spec.thread.permalink)
                if foreign is not None:
                    return Read(None, for_slack(foreign))
            return Read(request)

    def refusal(self, text: str, user_id: str = "") -> str | None:
        """What the acknowledgement says when the command is refused at once; None when it is taken."""
        return self.read(text, user_id).refusal

    def arrival(self, command: dict[str, Any], signature: str) -> Arrival:
        """The command as it is noted when acknowledged (its signature claimed with it)."""
        channel_id = command["channel_id"]
        return Arrival(
            text=command.get("text") or "",
            user_id=command["user_id"],
            channel_id=channel_id,
            response_url=command.get("response_url"),
            asked_from=channel_id,
            workspace=self.requests.workspaces.key_of(command),
            signature=signature,
        )

    def not_taken(self, user_id: str) -> str:
        """The acknowledgement when the command cannot be noted: nothing is accepted that cannot be stored."""
        with speaking(self.requests.people.known_language(user_id)):
            return _(
                "The bot's database is not answering, so your request was not taken and nothing was done. Try again "
                "in a minute; if it keeps happening, tell the bot's admins."
            )

    async def start(
        self,
        command: dict[str, Any],
        client: AsyncWebClient,
        respond: AsyncRespond | None,
        *,
        noted: int | None = None,
        settle: Settle | None = None,
        read: Request | None = None,
    ) -> None:
        """After the acknowledgement: the command's work, in the background (`noted`: its note, when taken as it was
        acknowledged; `settle`: what the work waits for before it takes the CPU; `read`: its line as read then)."""
        channel_id = command["channel_id"]
        workspace = self.requests.workspaces.key_of(command)
        await self.requests.start(
            command.get("text") or "",
            command["user_id"],
            Destination(channel_id, workspace=workspace),
            self.requests.outbox(client, respond, workspace=workspace),
            asked_from=channel_id,  # a command is typed inside the channel
            response_url=command.get("response_url"),
            noted=noted,
            settle=settle,
            read=read,
        )
