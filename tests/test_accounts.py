"""Which SCP account draws a chart (bot/accounts.py) and the per-account clients (bot/servicewatch/accounts.py): the
order of choice, an installed workspace never drawn with the operator's keys, one client per account rebuilt when its
keys change, and `validate` making one signed call that says ServiceWatch's reason."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator

import pytest

from bot.accounts import AccountChooser
from bot.charts.plan import ChartDefaults
from bot.charts.service import ChartService
from bot.errors import UserError
from bot.sandbox import Sandbox
from bot.servicewatch import AuthenticationError, ServiceWatchAuth, ServiceWatchClient
from bot.servicewatch.accounts import Account, AccountRegistry, ClientOptions, validate
from bot.servicewatch.coalesce import CoalescingServiceWatch
from bot.store import Database
from bot.store.accounts import ScpAccounts
from bot.store.sealing import Sealer, new_key

PROD = Account(name="prod", access_key="AK-PROD", secret_key="prod-secret", region="kr-west1", environment="e")
STAGING = Account(name="staging", access_key="AK-STG", secret_key="stg-secret", region="kr-east1", environment="s")


@pytest.fixture
async def scp() -> AsyncIterator[Sandbox]:
    sandbox = Sandbox(keys={"AK-PROD": "prod-secret", "AK-STG": "stg-secret"})
    await sandbox.start()
    yield sandbox
    await sandbox.stop()


def charts_on(client: ServiceWatchClient) -> ChartService:
    return ChartService(CoalescingServiceWatch(client), ChartDefaults())


@pytest.fixture
async def fallback(scp: Sandbox) -> AsyncIterator[ChartService]:
    client = ServiceWatchClient(scp.url, ServiceWatchAuth("sandbox-access-key", "sandbox-secret-key"))
    yield charts_on(client)
    await client.aclose()


def chooser(database: Database, fallback: ChartService, scp: Sandbox, *, everywhere: bool) -> AccountChooser:
    registry: AccountRegistry[ChartService] = AccountRegistry(ClientOptions(), charts_on)
    store = ScpAccounts(database, Sealer([new_key()]))
    return AccountChooser(store, registry, fallback, endpoint=scp.url, fallback_everywhere=everywhere)


async def signer(charts: ChartService, scp: Sandbox) -> str:
    """The access key the service signs with (one uncached catalog call through its own client)."""
    await charts._sw.client.list_metric_infos()
    return scp.signed_by[-1]


async def test_the_order_of_choice(database: Database, fallback: ChartService, scp: Sandbox) -> None:
    accounts = chooser(database, fallback, scp, everywhere=False)
    try:
        assert await accounts.charts_for("", "C1", None) is fallback  # none: the environment's keys
        await accounts.store.add("", PROD, added_by="U1")
        assert await signer(await accounts.charts_for("", "C1", None), scp) == "AK-PROD"  # the only one
        await accounts.store.add("", STAGING, added_by="U1")
        assert await accounts.charts_for("", "C1", None) is fallback  # several, no default: the environment's
        await accounts.store.set_channel_default("", "C1", "staging")
        assert await signer(await accounts.charts_for("", "C1", None), scp) == "AK-STG"  # the channel's default
        assert await signer(await accounts.charts_for("", "C1", "prod"), scp) == "AK-PROD"  # the line's
        # One ChartService per account: its catalog cache and coalescing are its own.
        assert await accounts.charts_for("", "C1", "prod") is await accounts.charts_for("", "C2", "prod")
        assert await accounts.charts_for("", "C1", "prod") is not await accounts.charts_for("", "C1", "staging")
    finally:
        await accounts.registry.aclose()


async def test_an_installed_workspace_is_never_drawn_with_the_operators_keys(
    database: Database, fallback: ChartService, scp: Sandbox
) -> None:
    accounts = chooser(database, fallback, scp, everywhere=False)
    try:
        with pytest.raises(UserError, match="no SCP account yet: a workspace admin adds one in the bot's App Home"):
            await accounts.charts_for("T1", "C1", None)
        await accounts.store.add("T1", PROD, added_by="U1")
        await accounts.store.add("T1", STAGING, added_by="U1")
        with pytest.raises(UserError, match=r"several SCP accounts \(prod, staging\).*`account prod`"):
            await accounts.charts_for("T1", "C1", None)
        await accounts.store.add("T2", dataclasses.replace(PROD, name="x"), added_by="U1")
        with pytest.raises(UserError, match="no SCP account `prod` in this workspace; the accounts are: `x`"):
            await accounts.charts_for("T2", "C1", "prod")  # another workspace's account is not this one's
        sandboxed = chooser(database, fallback, scp, everywhere=True)  # the sandbox's data is nobody's
        assert await sandboxed.charts_for("T3", "C1", None) is fallback
    finally:
        await accounts.registry.aclose()


async def test_a_changed_account_gets_a_new_client_and_the_old_one_is_closed(scp: Sandbox) -> None:
    registry: AccountRegistry[ChartService] = AccountRegistry(ClientOptions(), charts_on)
    first = registry.get("T1", dataclasses.replace(PROD, endpoint=scp.url))
    assert registry.get("T1", dataclasses.replace(PROD, endpoint=scp.url)) is first
    old = registry.client("T1", "prod")
    changed = registry.get("T1", dataclasses.replace(PROD, endpoint=scp.url, secret_key="rotated"))
    assert changed is not first
    registry.evict("T1", "prod")
    assert registry.client("T1", "prod") is None
    await registry.aclose()
    assert old is not None
    assert old._http.is_closed


async def test_validate_is_one_signed_call_saying_servicewatchs_reason(scp: Sandbox) -> None:
    await validate(dataclasses.replace(PROD, endpoint=scp.url), ClientOptions())
    assert scp.signed_by == ["AK-PROD"]
    assert sum(scp.calls.values()) == 1
    wrong = dataclasses.replace(PROD, endpoint=scp.url, secret_key="wrong-secret")
    with pytest.raises(AuthenticationError, match="Signature mismatch") as caught:
        await validate(wrong, ClientOptions())
    assert "wrong-secret" not in str(caught.value)
    assert sum(scp.calls.values()) == 2  # refused keys are not retried
    with pytest.raises(ValueError, match="does not exist"):
        await validate(dataclasses.replace(PROD, region="mars-1"), ClientOptions())
