"""The reader: what people type, read once into typed requests (charts, windows, schedules, commands), in English
and Korean. Pure: it knows neither Slack nor ServiceWatch."""
