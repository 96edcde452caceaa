"""An alert message's *Mute here 1h / 1d*: the channel is not told of that alert's firings for that long (the watch
stays, and a clear of an incident already open still edits its message); *Unmute* ends that at once. Each is said in
the incident's thread."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.respond.async_respond import AsyncRespond

from bot.access import AccessPolicy
from bot.errors import UserError
from bot.i18n import _, speaking
from bot.language.when import describe_time
from bot.markup import mention
from bot.router import Destination
from bot.slack.alerts import MUTE_ACTION, MUTES, UNMUTE
from bot.slack.listeners.clicks import Click, answered_once
from bot.slack.outbox import SlackOutbox
from bot.slack.requests import SlackRequests
from bot.store.alerts import AlertIncidents
from bot.store.events import EventLedger


class AlertMutes:
    def __init__(
        self, requests: SlackRequests, policy: AccessPolicy, ledger: EventLedger, incidents: AlertIncidents
    ) -> None:
        self.requests, self.policy, self.ledger, self.incidents = requests, policy, ledger, incidents

    def register(self, app: AsyncApp) -> None:
        app.action(re.compile(f"^{MUTE_ACTION}_"))(answered_once(self.requests, self.ledger, "a mute", self._mute))

    async def _mute(self, click: Click, outbox: SlackOutbox, respond: AsyncRespond | None) -> None:
        thread = Destination(click.channel_id, click.thread_ts or click.message_ts, click.workspace)
        asker = await self.requests.asker(click.user_id, thread, asked_from=None)
        with speaking(asker.language):
            span, _sep, alert_id = str(click.action.get("value") or "").partition(":")
            try:
                if (span not in MUTES and span != UNMUTE) or not alert_id:  # a value edited by hand
                    raise UserError(_("This button carries something the bot cannot read; nothing was done."))
                # whoever mutes must be one who may post here: the same rule as the chart's controls
                await self.policy.check_post(click.user_id, None, click.channel_id, click.workspace)
                until = datetime.now(UTC) + MUTES.get(span, timedelta(0))  # unmuted: muted until now
                if not await self.incidents.mute(click.channel_id, alert_id, until):
                    raise UserError(_("This channel has not been told of that alert; there is nothing to mute."))
            except UserError as refused:
                await outbox.tell(asker, thread, str(refused))
                return
            if span == UNMUTE:
                said = _("{who} unmuted this alert here: its firings are announced in this channel again.")
                await outbox.say(thread, said.format(who=mention(click.user_id)))
                return
            zone = ZoneInfo(asker.timezone or "UTC")
            when = f"{describe_time(until.astimezone(zone))} {until.astimezone(zone):%Z}"
            await outbox.say(
                thread,
                _(
                    "{who} muted this alert here until {when}: its firings are not announced in this channel until "
                    "then. The watch stays; `watches` lists it."
                ).format(who=mention(click.user_id), when=when),
            )
