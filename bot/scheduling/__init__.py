"""Scheduled charts: the WHEN grammar, the schedule commands, and exactly-once runs (APScheduler does the timing)."""
