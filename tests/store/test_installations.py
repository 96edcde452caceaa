"""The OAuth installation store in the bot's database (SQLite; PostgreSQL with TEST_DATABASE_URL): tokens sealed,
org-wide installs keyed by enterprise id, uninstalls heard; OAuth states single-use and short-lived."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from slack_sdk.oauth.installation_store import Bot, Installation
from sqlalchemy import func, select

from bot.store import Database
from bot.store.installations import OAuthStates, SlackInstallations
from bot.store.sealing import Sealer, new_key, rotate
from bot.store.tables import OAuthStateRow
from tests.store.test_accounts import _file_bytes

BOT_TOKEN = "xoxb-acme-bot-token-do-not-leak"
REFRESH = "xoxe-1-acme-refresh-do-not-leak"


def acme(**changes: object) -> Installation:
    values: dict[str, object] = {
        "app_id": "A0APP",
        "team_id": "T0ACME",
        "team_name": "Acme",
        "bot_token": BOT_TOKEN,
        "bot_id": "B0ACME",
        "bot_user_id": "UBOTACME",
        "bot_scopes": "chat:write,commands",
        "bot_refresh_token": REFRESH,
        "bot_token_expires_in": 43200,
        "user_id": "U0KIM",
        "user_token": "xoxp-kim-user-token",
        "user_scopes": "",
    }
    values.update(changes)
    return Installation(**values)  # type: ignore[arg-type]


async def test_an_installation_is_saved_sealed_and_found(database: Database) -> None:
    store = SlackInstallations(database, Sealer([new_key()]))
    heard: list[str] = []

    async def installed(key: str) -> None:
        heard.append(key)

    store.listen(on_installed=installed)
    await store.async_save(acme())
    assert heard == ["T0ACME"]
    bot = await store.async_find_bot(enterprise_id=None, team_id="T0ACME")
    assert bot is not None
    assert (bot.bot_token, bot.bot_refresh_token, bot.bot_id) == (BOT_TOKEN, REFRESH, "B0ACME")
    assert bot.bot_token_expires_at is not None
    assert bot.bot_token_expires_at > datetime.now(UTC).timestamp()
    found = await store.async_find_installation(enterprise_id=None, team_id="T0ACME")
    assert found is not None
    assert found.user_token == "xoxp-kim-user-token"
    other = await store.async_find_installation(enterprise_id=None, team_id="T0ACME", user_id="U0LEE")
    assert other is not None
    assert other.user_token is None
    assert await store.async_find_bot(enterprise_id=None, team_id="T0OTHER") is None
    assert await store.installed() == ["T0ACME"]


async def test_an_org_wide_install_is_keyed_by_its_enterprise(database: Database) -> None:
    store = SlackInstallations(database, Sealer([new_key()]))
    await store.async_save(acme(enterprise_id="E0GRID", team_id=None, is_enterprise_install=True))
    assert await store.installed() == ["E0GRID"]
    bot = await store.async_find_bot(enterprise_id="E0GRID", team_id=None, is_enterprise_install=True)
    assert bot is not None
    assert bot.bot_token == BOT_TOKEN
    in_a_workspace = await store.async_find_bot(enterprise_id="E0GRID", team_id="T0PART")  # one of the org's
    assert in_a_workspace is not None
    assert in_a_workspace.bot_token == BOT_TOKEN


async def test_a_rotated_bot_token_is_saved_and_a_reinstall_replaces(database: Database) -> None:
    store = SlackInstallations(database, Sealer([new_key()]))
    await store.async_save(acme())
    bot = await store.async_find_bot(enterprise_id=None, team_id="T0ACME")
    assert bot is not None
    rotated = Bot(**{**bot.to_dict_for_copying(), "bot_token": "xoxe.xoxb-new", "bot_refresh_token": "xoxe-1-new"})
    await store.async_save_bot(rotated)
    again = await store.async_find_bot(enterprise_id=None, team_id="T0ACME")
    assert again is not None
    assert (again.bot_token, again.bot_refresh_token) == ("xoxe.xoxb-new", "xoxe-1-new")
    await store.async_save(acme(bot_token="xoxb-reinstalled"))
    last = await store.async_find_bot(enterprise_id=None, team_id="T0ACME")
    assert last is not None
    assert last.bot_token == "xoxb-reinstalled"


async def test_uninstall_and_revocation_delete_the_tokens_and_are_heard(database: Database) -> None:
    store = SlackInstallations(database, Sealer([new_key()]))
    gone: list[str] = []

    async def uninstalled(key: str) -> None:
        gone.append(key)

    store.listen(on_uninstalled=uninstalled)
    await store.async_save(acme())
    await store.async_save(acme(team_id="T0BETA", bot_token="xoxb-beta"))
    await store.async_delete_installation(enterprise_id=None, team_id="T0ACME", user_id="U0KIM")  # a user's only
    kept = await store.async_find_installation(enterprise_id=None, team_id="T0ACME")
    assert kept is not None
    assert kept.user_token is None
    assert kept.bot_token == BOT_TOKEN
    await store.async_delete_bot(enterprise_id=None, team_id="T0ACME")
    assert await store.async_find_bot(enterprise_id=None, team_id="T0ACME") is None
    await store.async_delete_all(enterprise_id=None, team_id="T0NOBODY")  # nothing there: nothing heard
    assert gone == ["T0ACME"]
    assert await store.installed() == ["T0BETA"]
    await store.async_save_bot(
        Bot(team_id="T0ACME", bot_token="xoxb-late", bot_id="B", bot_user_id="U", installed_at=1.0)
    )
    assert await store.async_find_bot(enterprise_id=None, team_id="T0ACME") is None  # a late rotation adds nothing


async def test_rotate_key_reseals_the_tokens(database: Database) -> None:
    old, new = new_key(), new_key()
    await SlackInstallations(database, Sealer([old])).async_save(acme())
    async with database.sessions.begin() as session:
        assert await rotate(session, Sealer([new, old])) == 3  # bot, refresh and user token
    bot = await SlackInstallations(database, Sealer([new])).async_find_bot(enterprise_id=None, team_id="T0ACME")
    assert bot is not None
    assert bot.bot_token == BOT_TOKEN


async def test_no_token_is_in_the_sqlite_file(tmp_path: Path) -> None:
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'plain.db'}")
    await database.migrate()
    try:
        await SlackInstallations(database, Sealer([new_key()])).async_save(acme())
    finally:
        await database.dispose()
    data = _file_bytes(tmp_path, "plain.db*")
    assert b"T0ACME" in data
    for token in (BOT_TOKEN, REFRESH, "xoxp-kim-user-token"):
        assert token.encode() not in data


async def test_a_state_is_good_once_and_not_after_it_expires(database: Database) -> None:
    now = [datetime(2026, 11, 28, 12, 0, tzinfo=UTC)]
    states = OAuthStates(database, "client-secret", expires_in=600, clock=lambda: now[0])
    state = await states.async_issue()
    assert await states.async_consume(state)
    assert not await states.async_consume(state)  # reused
    assert not await states.async_consume("forged-" + state)
    assert not await states.async_consume("")
    stamp, nonce, mac = (await states.async_issue()).split(".")
    for forged in (f"{int(stamp) + 3600}.{nonce}.{mac}", f"{stamp}.{nonce}.{'0' * 32}", f"{'9' * 4400}.{nonce}.{mac}"):
        assert not await states.async_consume(forged)
    other = OAuthStates(database, "another-app's-secret", expires_in=600, clock=lambda: now[0])
    assert not await other.async_consume(await states.async_issue())  # signed with this app's secret only
    late = await states.async_issue()
    now[0] += timedelta(minutes=11)
    assert not await states.async_consume(late)  # expired


async def test_handing_out_states_writes_nothing(database: Database) -> None:
    """/slack/install needs no authentication: asking it 500 times must not grow the database."""
    states = OAuthStates(database, "client-secret", expires_in=600)
    handed = [await states.async_issue() for _ in range(500)]
    assert len(set(handed)) == 500
    async with database.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(OAuthStateRow)) == 0
    assert await states.async_consume(handed[0])
    async with database.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(OAuthStateRow)) == 1
