"""Watching ServiceWatch alerts for channels: polling, exactly-once announcements (the words are in
`bot.charts.alerts`, the tables in `bot.store.alerts`, the Slack messages in `bot.slack`)."""
