"""A click on a button: what its payload says, and a listener that acknowledges it at once and answers it once."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt.async_app import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.outbox import SlackOutbox
from bot.slack.requests import SlackRequests, first_delivery, replied, signature_of
from bot.store.events import EventLedger

ClickWork = Callable[["Click", SlackOutbox, AsyncRespond | None], Awaitable[None]]
Listener = Callable[[AsyncAck, dict[str, Any], dict[str, Any], AsyncWebClient, AsyncBoltRequest], Awaitable[None]]


@dataclass(frozen=True)
class Click:
    """A click on a chart's control, as the payload says it."""

    user_id: str
    channel_id: str
    message_ts: str
    thread_ts: str | None  # the thread the chart message is in, if any
    trigger_id: str
    response_url: str | None
    action: dict[str, Any]
    message: dict[str, Any] | None
    workspace: str = ""  # bot/slack/workspaces.py

    @classmethod
    def of(cls, body: dict[str, Any], action: dict[str, Any], workspace: str = "") -> Click:
        container = body.get("container") or {}
        message = body.get("message")
        return cls(
            user_id=body["user"]["id"],
            channel_id=str(container.get("channel_id") or (body.get("channel") or {}).get("id") or ""),
            message_ts=str(container.get("message_ts") or (message or {}).get("ts") or ""),
            thread_ts=(message or {}).get("thread_ts") or container.get("thread_ts"),
            trigger_id=str(body.get("trigger_id") or ""),
            response_url=body.get("response_url"),
            action=action,
            message=message,
            workspace=workspace,
        )


def answered_once(requests: SlackRequests, ledger: EventLedger, kind: str, work: ClickWork) -> Listener:
    """A Bolt listener for a button: acknowledged at once; then, in the background and once per signed delivery
    (a replay is dropped), `work` with the click, the outbox that answers it and the click's response_url."""

    async def answer(click: Click, client: AsyncWebClient, signature: str) -> None:
        respond = AsyncRespond(response_url=click.response_url) if click.response_url else None
        if not await first_delivery(ledger, signature, replied(respond)):
            return
        await work(click, requests.outbox(client, respond, workspace=click.workspace), respond)

    async def listener(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient, request: AsyncBoltRequest
    ) -> None:
        await ack()
        click = Click.of(body, action, requests.workspaces.key_of(body))
        requests.work.spawn(answer(click, client, signature_of(request)), name=f"{kind} of {click.user_id}")

    return listener
