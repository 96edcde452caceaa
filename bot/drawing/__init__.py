"""Drawing charts here, from the numbers (when ServiceWatch's image is unavailable, for comparisons, and in the
sandbox): matplotlib, the Hangul fallback font, units and ticks. Pure: it imports only `bot.i18n`."""
