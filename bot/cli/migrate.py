"""`python -m bot migrate`: bring the database schema up to date."""

from __future__ import annotations

import sys

from sqlalchemy.exc import SQLAlchemyError

from bot.config import Settings
from bot.i18n import _
from bot.store import Database


async def migrate(settings: Settings) -> int:
    database = Database(settings.database_url)
    try:
        await database.migrate()
    except (SQLAlchemyError, OSError) as exc:
        print(
            _("Could not migrate {url}: {error}. Check DATABASE_URL and that the server runs.").format(
                url=database.safe_url, error=exc
            ),
            file=sys.stderr,
        )
        return 1
    finally:
        await database.dispose()
    print(_("{url} is up to date.").format(url=database.safe_url))
    return 0
