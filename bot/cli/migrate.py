"""`python -m bot migrate`: bring the database schema up to date."""

from __future__ import annotations

import sys

from sqlalchemy.exc import SQLAlchemyError

from bot.config import Settings
from bot.store import Database


async def migrate(settings: Settings) -> int:
    database = Database(settings.database_url)
    try:
        await database.migrate()
    except (SQLAlchemyError, OSError) as exc:
        print(
            f"Could not migrate {database.safe_url}: {exc}. Check DATABASE_URL and that the server runs.",
            file=sys.stderr,
        )
        return 1
    finally:
        await database.dispose()
    print(f"{database.safe_url} is up to date.")
    return 0
