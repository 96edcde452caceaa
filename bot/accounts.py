"""Which SCP account draws a chart, and the account commands (`accounts`, `use NAME`). Shared by every surface.

The order: the account the line names (`account staging`) > the channel's default (`use prod`) > the workspace's only
account > the keys of the environment (SCP_ACCESS_KEY: the single-workspace setup's default) > the sandbox."""

from __future__ import annotations

import dataclasses

from bot.charts.service import ChartService
from bot.errors import UserError
from bot.i18n import _
from bot.language.spec import AccountsRequest, UseAccountRequest
from bot.servicewatch.accounts import AccountRegistry
from bot.store.accounts import ScpAccounts


class AccountChooser:
    """Picks the ChartService of a request's SCP account (each account's built once, by `registry`).

    `fallback` draws when no account applies: the environment's keys or the sandbox. It serves the single-workspace
    setup (workspace ""), and every workspace when `fallback_everywhere` (the sandbox: nobody's data); an installed
    workspace is never drawn with the operator's own keys."""

    def __init__(
        self,
        store: ScpAccounts,
        registry: AccountRegistry[ChartService],
        fallback: ChartService,
        *,
        endpoint: str | None = None,
        fallback_everywhere: bool = False,
        command: str = "/chart",
    ) -> None:
        self.store = store
        self.registry = registry
        self.fallback = fallback
        self.endpoint = (
            endpoint  # every account's ServiceWatch at this URL instead of its region's (SERVICEWATCH_ENDPOINT)
        )
        self.fallback_everywhere = fallback_everywhere
        self.command = command

    async def charts_for(self, workspace: str, channel_id: str, named: str | None) -> ChartService:
        """The ChartService of the account that applies; UserError naming the word when `named` is no account of the
        workspace, or when the workspace has accounts but none applies and the fallback is not its own."""
        return (await self.choose(workspace, channel_id, named))[1]

    async def choose(self, workspace: str, channel_id: str, named: str | None) -> tuple[str, ChartService]:
        """The name of the account that applies ("": the fallback) and its ChartService (see `charts_for`)."""
        name = named
        if name is None:
            names = await self.store.names(workspace)  # first: with no accounts (the usual case) one query is all
            if names:
                name = await self.store.channel_default(workspace, channel_id)
            if name is None and len(names) == 1:
                name = names[0]
            elif name is None and (workspace == "" or self.fallback_everywhere):
                return "", self.fallback
            elif name is None and names:
                raise UserError(
                    _(
                        "This workspace has several SCP accounts ({names}) and this channel has no default: name one "
                        "in the line (`account {first}`) or set the channel's with `{command} use {first}`."
                    ).format(names=", ".join(names), first=names[0], command=self.command)
                )
            elif name is None:
                raise UserError(self._none_yet())
        return name, await self.charts_named(workspace, name)

    async def charts_named(self, workspace: str, name: str) -> ChartService:
        """The ChartService of the workspace's account `name` ("": the fallback, where it may serve); UserError when
        there is no such account (any more)."""
        if name == "":
            if workspace == "" or self.fallback_everywhere:
                return self.fallback
            raise UserError(self._none_yet())
        account = await self.store.get(workspace, name)
        if account is None:
            raise UserError(await self._unknown(workspace, name))
        if self.endpoint:
            account = dataclasses.replace(account, endpoint=self.endpoint)
        return self.registry.get(workspace, account)

    async def handle(
        self, request: AccountsRequest | UseAccountRequest, workspace: str, channel_id: str, user: str
    ) -> str:
        """`accounts` (the list, and which one this channel uses) or `use NAME` (the channel's default)."""
        if isinstance(request, UseAccountRequest):
            if await self.store.get(workspace, request.name) is None:
                raise UserError(await self._unknown(workspace, request.name))
            await self.store.set_channel_default(workspace, channel_id, request.name, set_by=user)
            return _(
                "This channel's charts now use the SCP account `{name}` unless a line names another (`account NAME`)."
            ).format(name=request.name)
        accounts = await self.store.listed(workspace)
        if not accounts:
            return self._none_yet()
        default = await self.store.channel_default(workspace, channel_id)
        lines = [_("*SCP accounts* (name one in a line with `account NAME`):")]
        for info in accounts:
            line = _("• `{name}`: {region} ({environment}), access key …{tail}").format(
                name=info.name, region=info.region, environment=info.environment, tail=info.key_tail
            )
            if info.name == default:
                line += _(" · this channel's default")
            lines.append(line)
        if default is None:
            if len(accounts) == 1:
                lines.append(_("Charts here use `{name}`, the only account.").format(name=accounts[0].name))
            else:
                lines.append(
                    _("This channel has no default; set one with `{command} use NAME`.").format(command=self.command)
                )
        return "\n".join(lines)

    def _none_yet(self) -> str:
        return _(
            "This workspace has no SCP account yet: a workspace admin adds one in the bot's App Home (*SCP accounts* → "
            "*Add SCP account*)."
        )

    async def _unknown(self, workspace: str, name: str) -> str:
        names = await self.store.names(workspace)
        if not names:
            return _("There is no SCP account `{name}`. {none}").format(name=name, none=self._none_yet())
        return _("There is no SCP account `{name}` in this workspace; the accounts are: {names}.").format(
            name=name, names=", ".join(f"`{n}`" for n in names)
        )
