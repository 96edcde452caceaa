"""The local console (`python -m bot` with no Slack tokens): lines typed at a terminal run as in Slack; charts are
written to ./charts/ with their controls as numbered choices. It may import the shared layers (`bot.chat`,
`bot.router`, `bot.charts`, `bot.alerting`) but nothing of Slack; `bot.wiring` builds it."""
