"""`python -m bot migrate`: bring the database schema up to date."""

from __future__ import annotations

import sys

from sqlalchemy.exc import SQLAlchemyError

from bot.config import Settings
from bot.i18n import _
from bot.store import Database
from bot.store.db import cannot_migrate


async def migrate(settings: Settings) -> int:
    database = Database(settings.database_url)
    try:
        await database.migrate()
    except (SQLAlchemyError, OSError) as exc:
        print(cannot_migrate(settings.database_url, exc), file=sys.stderr)
        return 1
    finally:
        await database.dispose()
    print(_("{url} is up to date.").format(url=database.safe_url))
    return 0
