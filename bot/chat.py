"""What each line of the chat language does: shared by Slack, the console and the CLI."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from bot.access import AccessPolicy
from bot.charts.help import help_text, metrics_text
from bot.charts.maker import ChartMaker, ChartOrder
from bot.charts.resolve import find_metric
from bot.charts.service import ChartService, RenderedChart
from bot.durations import format_duration
from bot.errors import AlreadyDone, UserError
from bot.i18n import ENGLISH, _, ngettext
from bot.language.parse import parse_request
from bot.language.spec import (
    AccountsRequest,
    AlertsRequest,
    ChartRequest,
    ForgetRequest,
    HelpRequest,
    MetricRef,
    MetricsRequest,
    Request,
    SavedRequest,
    SaveRequest,
    ScheduleRequest,
    ThreadRef,
    UnwatchRequest,
    UseAccountRequest,
    WatchesRequest,
    WatchRequest,
)
from bot.markup import mention
from bot.paging import page_text
from bot.servicewatch.client import encode_body
from bot.servicewatch.errors import ServiceWatchError
from bot.store import SavedCharts
from bot.store.trouble import BUSY, FULL, GONE, READ_ONLY, REPLACED, UNREACHABLE, trouble_of

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Asker:
    """Who asked, and where: the Slack user and channel (or their console stand-ins)."""

    user_id: str
    channel_id: str  # the channel the request is about (its saved charts, its schedules)
    mention: str = ""  # how the comment line names them: `<@U123>` in Slack, `@kim` on the console
    timezone: str | None = None  # their Slack timezone, the default for charts
    is_admin: bool = False
    thread_ts: str | None = None  # the thread they asked in (mentions), for `follow` and `stop`
    request_key: str | None = None  # the request, when it is noted: each change it makes is made at most once
    asked_at: datetime | None = None  # when the request was received (the same on a takeover)
    asked_from: str | None = None  # the channel they typed in, so are in; None: a shortcut or App Home (unknown)
    language: str = ENGLISH  # what they are answered in (`bot.i18n`): their Slack locale's, or BOT_LANGUAGE
    # The Slack installation asked through: the enterprise id of an org-wide install, else the team id; "" for the
    # single-workspace setup (SLACK_BOT_TOKEN), the console and the CLI. Keys what is per workspace.
    workspace: str = ""


@dataclass(frozen=True)
class TextReply:
    text: str
    changed: bool = False  # the request changed something (its answer is noted, so a takeover can send it again)


@dataclass(frozen=True)
class ChartReply:
    chart: RenderedChart
    thread: ThreadRef | None = None


@dataclass(frozen=True)
class DryRunReply:
    """`dry-run`: the exact body that would be sent, and nothing sent."""

    body: str
    summary: str


Reply = TextReply | ChartReply | DryRunReply


class ScheduleHandler(Protocol):
    """The schedule commands, when the bot runs a scheduler (Slack modes and the console, not the CLI)."""

    async def handle(self, request: ScheduleRequest, asker: Asker) -> str: ...


class AlertHandler(Protocol):
    """The alert commands, when the bot watches alerts (Slack modes and the console, not the CLI)."""

    async def handle(
        self, request: AlertsRequest | WatchRequest | WatchesRequest | UnwatchRequest, asker: Asker
    ) -> str: ...


class AccountCommands(Protocol):
    """The `accounts` and `use NAME` commands (bot/accounts.py)."""

    async def handle(
        self, request: AccountsRequest | UseAccountRequest, workspace: str, channel_id: str, user: str
    ) -> str: ...


class AnswerLog(Protocol):
    """Where the answers of requests that changed something are noted (see `bot.store.effects`)."""

    async def answered(self, key: str, answer: str) -> None: ...

    async def earlier(self, key: str) -> AlreadyDone | None:
        """The earlier outcome of `key`'s request, when it changed something."""
        ...


CHANGING = frozenset({"schedule", "follow", "pause", "resume", "delete", "stop", "run"})  # schedule actions


class ChatActions:
    """Runs one line of the chat language for someone, returning what to show them. Charts are drawn by the
    `ChartMaker`; the schedule, alert and account commands by their handlers, when this surface has them."""

    def __init__(
        self,
        maker: ChartMaker,
        saved: SavedCharts,
        *,
        default_window: timedelta,
        command: str = "/chart",
        policy: AccessPolicy | None = None,
        answers: AnswerLog | None = None,
        schedules: ScheduleHandler | None = None,
        alerts: AlertHandler | None = None,
        accounts: AccountCommands | None = None,
    ) -> None:
        self.maker = maker
        self.saved = saved
        self.default_window = default_window
        self.command = command
        self.policy = policy or AccessPolicy([], [])
        self.answers = answers
        self.schedules = schedules
        self.alerts = alerts
        self.accounts = accounts

    async def handle(
        self, text: str, asker: Asker, *, now: datetime | None = None, read: Request | None = None
    ) -> Reply:
        """Run `text` (at `now`, default the clock), read as `read` when the reader has read it already (a command
        is read once, when it is acknowledged); raises UserError (show as written) or another error (log it, show a
        reference). A noted request that changed something before (a takeover) changes nothing again: its earlier
        answer comes back."""
        request = read if read is not None else parse_request(text, command=self.command)
        try:
            if asker.request_key and self.answers is not None and _changes(request):
                earlier = await self.answers.earlier(asker.request_key)  # its checks may not hold after the change
                if earlier is not None:
                    raise earlier
            reply = await self._handle(request, asker, now)
        except AlreadyDone as done:
            return TextReply(
                done.answer
                or _(
                    "Done already, before the bot restarted: “{text}”. `schedules` and `saved` show the result."
                ).format(text=text[:80])
            )
        if isinstance(reply, TextReply) and reply.changed and asker.request_key and self.answers is not None:
            await self.answers.answered(asker.request_key, reply.text)
        return reply

    async def _handle(self, request: Request, asker: Asker, now: datetime | None) -> Reply:
        if isinstance(request, HelpRequest):
            return TextReply(help_text(self.command, format_duration(self.default_window)))
        if isinstance(request, MetricsRequest):
            charts = await self.maker.charts_in(asker.workspace, asker.channel_id)
            return TextReply(metrics_text(await charts.catalog(), request.words, self.command))
        if isinstance(request, AccountsRequest | UseAccountRequest):
            if self.accounts is None:
                return TextReply(
                    _("This bot draws every chart with one ServiceWatch; it has no SCP accounts to choose from.")
                )
            answer = await self.accounts.handle(request, asker.workspace, asker.channel_id, asker.user_id)
            return TextReply(answer, changed=isinstance(request, UseAccountRequest))
        if isinstance(request, SavedRequest):
            return TextReply(await self._saved_list(asker, request.page))
        if isinstance(request, ForgetRequest):
            gone = await self.saved.forget(
                asker.channel_id, request.name, asker.user_id, is_admin=asker.is_admin, request_key=asker.request_key
            )
            return TextReply(_("Forgot `{name}` ({text}).").format(name=gone.name, text=gone.text), changed=True)
        if isinstance(request, SaveRequest):
            return TextReply(await self._save(request, asker, now), changed=True)
        if isinstance(request, ScheduleRequest):
            if self.schedules is None:
                return TextReply(
                    _("Schedules live in the running bot: use them in Slack or the console (`python -m bot`).")
                )
            answer = await self.schedules.handle(request, asker)
            return TextReply(answer, changed=request.action in CHANGING)
        if isinstance(request, AlertsRequest | WatchRequest | WatchesRequest | UnwatchRequest):
            if self.alerts is None:
                return TextReply(
                    _("Alert watches live in the running bot: use them in Slack or the console (`python -m bot`).")
                )
            answer = await self.alerts.handle(request, asker)
            return TextReply(answer, changed=isinstance(request, WatchRequest | UnwatchRequest))
        return await self._chart(request, asker, now)

    async def _chart(self, request: ChartRequest, asker: Asker, now: datetime | None) -> Reply:
        order = ChartOrder(
            request.spec,
            asker.workspace,
            asker.channel_id,
            timezone=asker.timezone,
            asked_by=asker.mention,
            at=now,
            typed=request.text,
        )
        ready = await self.maker.expand(order)
        thread = ready.spec.thread
        if thread is not None:  # before anything is drawn: a refused link costs no ServiceWatch call
            foreign = self.policy.foreign_link(thread.permalink)
            if foreign:
                raise UserError(foreign)
            await self.policy.check_post(asker.user_id, asker.asked_from, thread.channel_id, asker.workspace)
        if ready.spec.dry_run:
            plan = await ready.charts.plan(ready.spec, timezone=ready.timezone, title=ready.title, now=now)
            body = encode_body(plan.request.wire_json()).decode()
            summary = _("{title} · {window} · nothing was sent").format(title=plan.title, window=plan.window_text)
            return DryRunReply(body=body, summary=summary)
        return ChartReply(await self.maker.draw(ready, order, early=True), thread)  # its message needs only numbers

    async def _save(self, request: SaveRequest, asker: Asker, now: datetime | None) -> str:
        charts = await self.maker.charts_in(asker.workspace, asker.channel_id, request.spec.account)
        await self._refuse_hiding_a_metric(request.name, charts)
        zone = request.spec.tz or asker.timezone or self.maker.default_timezone
        plan = await charts.plan(request.spec, timezone=zone, now=now)  # a chart that cannot be drawn is not saved
        record, created = await self.saved.save(
            asker.channel_id,
            request.name,
            request.text,
            asker.user_id,
            is_admin=asker.is_admin,
            request_key=asker.request_key,
        )
        done = (
            _("Saved `{name}` for this channel: {text}") if created else _("Updated `{name}` for this channel: {text}")
        )
        lines = ngettext("({count} line).", "({count} lines).", len(plan.lines)).format(count=len(plan.lines))
        run = _("Run it with `{command} {name}`; override with e.g. `{command} {name} 24h stat max`.")
        return " ".join(
            (
                done.format(name=record.name, text=record.text),
                lines,
                run.format(command=self.command, name=record.name),
            )
        )

    async def _refuse_hiding_a_metric(self, name: str, charts: ChartService) -> None:
        """A saved chart's name runs before any metric of that name: one that is (or uniquely matches) a metric of
        the catalog would hide it, so it is refused."""
        try:
            metric = find_metric(MetricRef(name=name), await charts.catalog())
        except (UserError, ServiceWatchError):
            return  # no metric answers to it (or none can be told now: the chart's own check decides)
        raise UserError(
            _(
                "`{name}` is the name of the metric `{metric}`: saved under it, `{command} {name}` would run the saved "
                "chart instead of the metric. Save it under another name, e.g. `{name}-chart`."
            ).format(name=name, metric=metric.reference, command=self.command)
        )

    async def _saved_list(self, asker: Asker, page: int) -> str:
        """A page of the channel's saved charts (bot.paging: each fits one Slack message)."""
        charts = await self.saved.in_channel(asker.channel_id)
        if not charts:
            example = f'{self.command} save web-cpu "CPU Usage/Core[Basic]" last 3h'
            return _("No saved charts in this channel yet. Save one: `{example}`.").format(example=example)
        heading = _("*Saved charts in this channel* (run with `{command} NAME`):").format(command=self.command)
        lines = [
            _("• `{name}`: {text} (by {owner})").format(name=c.name, text=c.text, owner=mention(c.owner_id))
            for c in charts
        ]
        more = _("{command} saved page {page}")
        return page_text(heading, lines, page, lambda n: more.format(command=self.command, page=n))


def _changes(request: Request) -> bool:
    if isinstance(request, ScheduleRequest):
        return request.action in CHANGING
    return isinstance(request, SaveRequest | ForgetRequest | WatchRequest | UnwatchRequest | UseAccountRequest)


def _trouble_words(kind: str) -> str:
    words = {
        GONE: _("file is gone (deleted or moved while the bot runs)"),
        REPLACED: _("file was replaced while the bot runs"),
        READ_ONLY: _("is read-only"),
        FULL: _("disk is full"),
        BUSY: _("is too busy to answer in time"),
        UNREACHABLE: _("cannot be reached"),
    }
    return words.get(kind, _("refused the change"))


def error_text(error: BaseException) -> tuple[str, str | None]:
    """What to show for `error`, and a reference when the detail went to the log instead."""
    if isinstance(error, UserError):
        return str(error), None
    if isinstance(error, ServiceWatchError):
        return str(error), None  # written for people, with a next step, and holds no secrets
    reference = secrets.token_hex(3)
    trouble = trouble_of(error)
    if trouble is not None:
        log.error("the database failed (ref %s): %s", reference, trouble, exc_info=error)
        return (
            _(
                "The bot's database {trouble}, so this could not be done and nothing was changed. Tell the bot's "
                "admins (reference {reference})."
            ).format(trouble=_trouble_words(trouble), reference=reference),
            reference,
        )
    log.error("unexpected error (ref %s)", reference, exc_info=error)
    return (
        _("Something went wrong (ref {reference}). Try again; if it keeps happening, tell the bot's admins.").format(
            reference=reference
        ),
        reference,
    )
