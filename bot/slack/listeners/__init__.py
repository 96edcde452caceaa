"""The Slack listeners, one module a kind as Bolt's samples keep them (commands, events, shortcuts, views, actions);
what happens to a request after its acknowledgement lives in `bot.slack.requests`."""

from __future__ import annotations

from datetime import timedelta

from slack_bolt.async_app import AsyncApp

from bot.access import AccessPolicy
from bot.accounts import AccountChooser
from bot.charts.maker import ChartMaker
from bot.router import BackgroundWork, Router
from bot.scheduling.actions import ScheduleActions
from bot.slack.links import ChartLinks
from bot.slack.listeners.accounts import AccountsAdmin, AccountsPart, WorkspaceAdmins
from bot.slack.listeners.actions import HomeTab
from bot.slack.listeners.alert_mutes import AlertMutes
from bot.slack.listeners.chart_buttons import ChartButtons
from bot.slack.listeners.commands import CommandListener, Read
from bot.slack.listeners.events import EventListeners
from bot.slack.listeners.picks import PickButtons
from bot.slack.listeners.shortcuts import ShortcutListener
from bot.slack.listeners.unfurls import UnfurlListeners
from bot.slack.listeners.views import TYPE_AHEAD_WAIT, ModalListeners
from bot.slack.listeners.workflow_step import ChartStep
from bot.slack.people import People
from bot.slack.requests import SlackRequests
from bot.slack.workspaces import Workspaces
from bot.store import SavedCharts
from bot.store.alerts import AlertIncidents
from bot.store.clicks import ChartClicks
from bot.store.events import EventLedger
from bot.store.pending import PendingRequests

__all__ = ["TYPE_AHEAD_WAIT", "SlackListeners"]


class SlackListeners:
    """Every listener of the app, built once; `register` attaches them to a Bolt app."""

    def __init__(
        self,
        *,
        router: Router,
        policy: AccessPolicy,
        maker: ChartMaker,
        schedules: ScheduleActions | None,
        accounts: AccountChooser | None,
        people: People,
        ledger: EventLedger,
        clicks: ChartClicks,
        saved: SavedCharts,
        work: BackgroundWork,
        command: str,
        bot_user_id: str,
        bot_name: str,
        default_window: str,
        pending: PendingRequests | None = None,
        orphan_age: timedelta = timedelta(minutes=2),
        workspaces: Workspaces,
        incidents: AlertIncidents | None = None,
        links: ChartLinks | None = None,
    ) -> None:
        self.requests = SlackRequests(
            router=router,
            policy=policy,
            people=people,
            work=work,
            workspaces=workspaces,
            bot_name=bot_name,
            pending=pending,
            orphan_age=orphan_age,
        )
        self.ledger = ledger
        self.command = command
        self.bot_user_id = bot_user_id
        self.commands = CommandListener(self.requests, policy, command)
        admins = WorkspaceAdmins(policy)
        part = AccountsPart(accounts, admins, command) if accounts is not None else None
        self.home = HomeTab(
            schedules,
            policy,
            saved,
            ledger,
            command,
            people,
            work,
            workspaces.key_of,
            accounts_part=part.blocks if part is not None else None,
        )
        self.events = EventListeners(self.requests, ledger, self.home, bot_user_id=bot_user_id, command=command)
        self.shortcuts = ShortcutListener(policy, saved, default_window, people, work)
        self.modal = ModalListeners(self.requests, maker, ledger, command)
        self.chart_buttons = ChartButtons(self.requests, maker, policy, ledger, clicks, command)
        self.picks = PickButtons(self.requests, ledger)
        self.mutes = AlertMutes(self.requests, policy, ledger, incidents) if incidents is not None else None
        self.step = ChartStep(self.requests, self.commands)
        self.unfurls = UnfurlListeners(links, policy, workspaces, people, work) if links is not None else None
        self.accounts: AccountsAdmin | None = None
        if accounts is not None:
            self.accounts = AccountsAdmin(accounts, admins, people, workspaces, self.home.publish, command)

    def register(self, app: AsyncApp) -> None:
        kinds = (
            self.commands,
            self.events,
            self.shortcuts,
            self.modal,
            self.home,
            self.chart_buttons,
            self.picks,
            self.step,
        )
        for kind in kinds:
            kind.register(app)
        if self.accounts is not None:
            self.accounts.register(app)
        if self.mutes is not None:
            self.mutes.register(app)
        if self.unfurls is not None:
            self.unfurls.register(app)

    # What HTTP mode's fast path for commands and the process's sweeper use.

    @property
    def work(self) -> BackgroundWork:
        return self.requests.work

    @property
    def pending(self) -> PendingRequests | None:
        return self.requests.pending

    @property
    def workspaces(self) -> Workspaces:
        return self.requests.workspaces

    @property
    def bot_name(self) -> str:
        return self.requests.bot_name

    def read_command(self, text: str, user_id: str = "") -> Read:
        return self.commands.read(text, user_id)

    async def keep_sweeping(self) -> None:
        await self.requests.keep_sweeping()
