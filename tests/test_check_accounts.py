"""`python -m bot check` with SCP accounts added in App Home: each one checked with one signed call, a refused one
reported by name (never its keys) without failing the bot's own check."""

from __future__ import annotations

from pathlib import Path

import pytest
from slack_sdk.oauth.installation_store import Installation

from bot.cli.check import check
from bot.config import load_settings
from bot.sandbox import Sandbox
from bot.servicewatch.accounts import Account
from bot.store import Database
from bot.store.accounts import ScpAccounts
from bot.store.installations import SlackInstallations
from bot.store.sealing import Sealer, new_key

GOOD = Account(name="prod", access_key="AK-GOOD-0001", secret_key="good-secret", region="kr-west1", environment="e")
STALE = Account(name="old", access_key="AK-STALE-0009", secret_key="stale-secret", region="kr-east1", environment="s")


async def test_check_tries_every_stored_account(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sandbox = Sandbox(keys={GOOD.access_key: GOOD.secret_key})  # STALE's keys were revoked in SCP
    await sandbox.start()
    key = new_key()
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    database = Database(url)
    await database.migrate()
    try:
        accounts = ScpAccounts(database, Sealer([key]))
        await accounts.add("T1", GOOD, added_by="U1")
        await accounts.add("T2", STALE, added_by="U2")
    finally:
        await database.dispose()
    settings = load_settings(
        _env_file=None, servicewatch_endpoint=sandbox.url, database_url=url, secrets_keys=key, slack_bot_token=None
    )
    try:
        code = await check(settings)
    finally:
        await sandbox.stop()
    out = capsys.readouterr().out
    assert "SCP accounts added in App Home: 2" in out
    assert "  SCP account prod (T1, kr-west1/e, key …0001): OK" in out
    stale = next(line for line in out.splitlines() if "SCP account old" in line)
    assert stale.startswith("  SCP account old (T2, kr-east1/s, key …0009): REFUSED: ")
    assert stale.endswith("(its workspace's charts fail until an admin replaces it)")
    assert code == 0  # one workspace's keys are its own affair
    for secret in ("good-secret", "stale-secret", GOOD.access_key, STALE.access_key):
        assert secret not in out


async def test_check_says_how_many_workspaces_the_installable_app_is_in(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key = new_key()
    url = f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    database = Database(url)
    await database.migrate()
    try:
        store = SlackInstallations(database, Sealer([key]))
        for team in ("T1", "T2"):
            await store.async_save(Installation(app_id="A1", team_id=team, user_id="U1", bot_token=f"xoxb-{team}-x"))
    finally:
        await database.dispose()
    settings = load_settings(
        _env_file=None, servicewatch_sandbox=True, database_url=url, secrets_keys=key, slack_bot_token=None,
        slack_client_id="1.2", slack_client_secret="client-secret", slack_signing_secret="signing-secret",
    )  # fmt: skip
    assert await check(settings) == 0
    out = capsys.readouterr().out
    assert "installable app: installed in 2 workspaces (more through /slack/install)" in out
    assert "xoxb-" not in out
