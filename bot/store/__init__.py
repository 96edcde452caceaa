"""The database: saved charts (and, later, schedules). SQLAlchemy 2 async; SQLite by default, PostgreSQL by URL."""

from bot.store.db import Database, migrate
from bot.store.saved_charts import SavedChart, SavedCharts

__all__ = ["Database", "SavedChart", "SavedCharts", "migrate"]
