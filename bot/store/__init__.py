"""The database: saved charts, schedules, SCP accounts and the rest. SQLAlchemy 2 async; SQLite by default, PostgreSQL
by URL."""

from bot.store import accounts as _accounts  # noqa: F401 (registers its sealed column for rotate-key and the start check)
from bot.store import installations as _installations  # noqa: F401 (registers its sealed columns, likewise)
from bot.store.db import Database, migrate
from bot.store.saved_charts import SavedChart, SavedCharts

__all__ = ["Database", "SavedChart", "SavedCharts", "migrate"]
