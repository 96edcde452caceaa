"""`python -m bot new-key` prints a key for SECRETS_KEYS; `python -m bot rotate-key` reseals every stored secret with
the first key of SECRETS_KEYS (bot/store/sealing.py), after which the older keys can be dropped."""

from __future__ import annotations

import sys

from sqlalchemy.exc import SQLAlchemyError

from bot.config import Settings
from bot.i18n import _
from bot.store import Database
from bot.store.sealing import SETTING, Sealer, SealError, new_key, rotate


def print_new_key() -> int:
    print(new_key())
    return 0


async def rotate_key(settings: Settings) -> int:
    keys = settings.sealing_keys
    if not keys:
        print(
            _("{setting} is not set: put the new key first and the old ones after it, comma-separated.").format(
                setting=SETTING
            ),
            file=sys.stderr,
        )
        return 2
    database = Database(settings.database_url)
    try:
        sealer = Sealer(keys)
        await database.migrate()
        async with database.sessions.begin() as session:
            count = await rotate(session, sealer)
    except SealError as exc:
        print(exc, file=sys.stderr)
        return 2
    except (SQLAlchemyError, OSError) as exc:
        print(
            _("Could not reach {url}: {error}. Check DATABASE_URL and that the server runs.").format(
                url=database.safe_url, error=exc
            ),
            file=sys.stderr,
        )
        return 1
    finally:
        await database.dispose()
    print(
        _(
            "{count} secrets resealed with the first key of {setting}; the other keys ({others}) can now be removed "
            "from it."
        ).format(count=count, setting=SETTING, others=len(keys) - 1)
    )
    return 0
