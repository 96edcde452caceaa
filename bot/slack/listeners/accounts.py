"""App Home's *SCP accounts*: workspace admins add accounts through a modal (its keys checked with one signed catalog
call before anything is saved; refused keys are refused in the modal with ServiceWatch's reason) and remove them.
Everyone else sees no such part, and their clicks are refused."""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.models.blocks import Block
from slack_sdk.web.async_client import AsyncWebClient

from bot.access import AccessPolicy
from bot.accounts import AccountChooser
from bot.errors import SettingsError, UserError
from bot.i18n import _, speaking
from bot.markup import cut, for_slack
from bot.servicewatch.accounts import validate
from bot.servicewatch.errors import ServiceWatchError
from bot.slack.accounts_home import ADD_ACTION, CALLBACK_ID, REMOVE_ACTION, account_modal, accounts_blocks, read_account
from bot.slack.modal import ERROR_LIMIT
from bot.slack.people import People
from bot.slack.workspaces import Workspaces
from bot.store.sealing import SealError

log = logging.getLogger(__name__)
VALIDATE_WAIT = 2.0  # seconds the keys' check may take: a modal's answer is due within Slack's three


class WorkspaceAdmins:
    """Who may manage SCP accounts: an ADMIN_USER_IDS admin, or a workspace admin or owner per users.info (asked at
    most once a minute per person: rights that were taken away stop counting soon)."""

    def __init__(self, policy: AccessPolicy, *, ttl: float = 60.0, clock: Callable[[], float] = time.monotonic) -> None:
        self._policy = policy
        self._ttl = ttl
        self._clock = clock
        self._known: dict[tuple[str, str], tuple[float, bool]] = {}

    async def is_admin(self, client: AsyncWebClient, workspace: str, user_id: str) -> bool:
        if self._policy.is_admin(user_id):
            return True
        cached = self._known.get((workspace, user_id))
        if cached is not None and self._clock() - cached[0] < self._ttl:
            return cached[1]
        try:
            user = (await client.users_info(user=user_id)).get("user") or {}
        except (SlackApiError, SlackClientError, OSError) as exc:
            log.warning("users.info failed for %s (%s); not counted as an admin", user_id, exc)
            return False
        admin = isinstance(user, dict) and any(user.get(key) is True for key in ("is_admin", "is_owner"))
        self._known[(workspace, user_id)] = (self._clock(), admin)
        return admin


class AccountsPart:
    """The *SCP accounts* part of App Home: the workspace's accounts, shown to its admins only."""

    def __init__(self, chooser: AccountChooser, admins: WorkspaceAdmins, command: str) -> None:
        self.chooser, self.admins, self.command = chooser, admins, command

    async def blocks(self, client: AsyncWebClient, workspace: str, user_id: str) -> list[Block]:
        """The part for `user_id`'s App Home: empty unless they are an admin."""
        if not await self.admins.is_admin(client, workspace, user_id):
            return []
        return accounts_blocks(await self.chooser.store.listed(workspace), self.command)


class AccountsAdmin:
    """The buttons and modal of App Home's *SCP accounts* part."""

    def __init__(
        self,
        chooser: AccountChooser,
        admins: WorkspaceAdmins,
        people: People,
        workspaces: Workspaces,
        republish: Callable[[AsyncWebClient, str, str], Any],
        command: str,
    ) -> None:
        self.chooser, self.admins, self.people, self.workspaces = chooser, admins, people, workspaces
        self.republish = republish  # (client, user id, workspace) → publishes that person's App Home again
        self.command = command

    def register(self, app: AsyncApp) -> None:
        app.action(ADD_ACTION)(self.on_add)
        app.action(REMOVE_ACTION)(self.on_remove)
        app.view(CALLBACK_ID)(self.on_submit)

    async def on_add(self, ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        user_id, workspace = body["user"]["id"], self.workspaces.key_of(body)
        if not await self.admins.is_admin(client, workspace, user_id):
            await self._refuse(client, user_id)
            return
        with speaking(await self.people.language(user_id)):
            await client.views_open(trigger_id=body["trigger_id"], view=account_modal().to_dict())

    async def on_submit(
        self, ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], client: AsyncWebClient
    ) -> None:
        """Within Slack's three seconds: the fields read, the keys checked with ServiceWatch, the account saved; any
        refusal is shown under its field and nothing is saved."""
        user_id, workspace = body["user"]["id"], self.workspaces.key_of(body)
        with speaking(self.people.known_language(user_id)):
            if not await self.admins.is_admin(client, workspace, user_id):
                await ack(response_action="errors", errors={"name": self._refusal()})
                return
            account, errors = read_account(view["state"]["values"])
            if account is None:
                await ack(response_action="errors", errors=errors)
                return
            if self.chooser.endpoint:
                account = dataclasses.replace(account, endpoint=self.chooser.endpoint)
            problem = await self._check(account)
            if problem is not None:
                await ack(response_action="errors", errors={"secret_key": cut(problem, ERROR_LIMIT)})
                return
            try:
                await self.chooser.store.add(workspace, account, added_by=user_id)
            except (UserError, SettingsError) as exc:  # a taken name; no SECRETS_KEYS (the message names it)
                field = "secret_key" if isinstance(exc, SealError) else "name"
                await ack(response_action="errors", errors={field: cut(str(exc), ERROR_LIMIT)})
                return
        self.chooser.registry.evict(workspace, account.name)
        await ack()
        log.info("SCP account %s added in workspace %r by %s", account.name, workspace, user_id)
        await self.republish(client, user_id, workspace)

    async def _check(self, account: Any) -> str | None:
        """Why ServiceWatch refuses the account's keys (its reason and request id), or None when it accepts them."""
        options = dataclasses.replace(self.chooser.registry.options, timeout=VALIDATE_WAIT)
        try:
            await validate(account, options)
        except ServiceWatchError as exc:
            return _("ServiceWatch refused these keys: {reason}").format(reason=exc)
        except ValueError as exc:
            return str(exc)
        return None

    async def on_remove(
        self, ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], client: AsyncWebClient
    ) -> None:
        await ack()
        user_id, workspace = body["user"]["id"], self.workspaces.key_of(body)
        if not await self.admins.is_admin(client, workspace, user_id):
            await self._refuse(client, user_id)
            return
        name = str(action.get("value", ""))
        removed = await self.chooser.store.remove(workspace, name)
        self.chooser.registry.evict(workspace, name)
        with speaking(await self.people.language(user_id)):
            if removed:
                text = _("Removed the SCP account `{name}`; channels that used it by default now use none.")
            else:
                text = _("There was no SCP account `{name}` (removed already).")
            await client.chat_postMessage(channel=user_id, text=for_slack(text.format(name=name)))
        await self.republish(client, user_id, workspace)

    def _refusal(self) -> str:
        return _("Only a workspace admin or owner (or a bot admin, ADMIN_USER_IDS) manages SCP accounts; ask one.")

    async def _refuse(self, client: AsyncWebClient, user_id: str) -> None:
        with speaking(await self.people.language(user_id)):
            await client.chat_postMessage(channel=user_id, text=self._refusal())
