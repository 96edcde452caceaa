"""Logging set-up: text or JSON lines, and a filter that keeps secrets out of every line."""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, TextIO

# Slack's response_url and upload URLs are bearer capabilities; Slack tokens have known prefixes.
_ALWAYS_SECRET = re.compile(
    r"https?://[^\s\"'<>]+/(?:commands|actions)/T[A-Z0-9]+/\d+/\w+|https://hooks\.slack\.com/[^\s\"'<>]+|https://files\.slack\.com/upload/[^\s\"'<>]+|xox[abeposr]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+"
)
REDACTED = "[redacted]"
# A field whose value is a secret, wherever a payload is logged: `token` (Slack's legacy verification token, in every
# slash command, event and interaction), any `…_token`, and `response_url`. Its forms: JSON or a dict's repr
# (`"token": "…"`, also escaped inside another JSON string: `\"token\": \"…\"`), a form (`token=…`), and a form's
# urlencoded `payload=` JSON (`%22token%22%3A%22…%22`). A value already redacted is left as it is.
_SECRET_FIELD = re.compile(
    r"""
    (  # 1: the field's name, the separator and the value's opening quote
        (?:(?<=%22)|(?<![\w%]))(?:\w+_)?(?:token|response_url)
        (?:\\?["']|%22)?  \s*(?:[:=]|%3A|%3D)\s*  (?:\+|%20)*  (?:\\?["']|%22)?
    )
    (?!\[redacted\])
    ((?:(?!\\["']|%2[026C])[^"'&\s,}\]])+)  # 2: the value, up to its closing quote or the next field
    """,
    re.VERBOSE | re.IGNORECASE,
)


class RedactingFilter(logging.Filter):
    """Replaces every known secret value, anything shaped like a Slack token or response_url, and the value of every
    secret field of a Slack payload (`token`, `…_token`, `response_url`) in a record."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self._secrets = sorted({s for s in secrets if len(s) >= 4}, key=len, reverse=True)

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return _SECRET_FIELD.sub(rf"\g<1>{REDACTED}", _ALWAYS_SECRET.sub(REDACTED, text))

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self.redact(record.getMessage())
        record.args = None
        if record.exc_info and record.exc_info[1] is not None and not record.exc_text:
            record.exc_text = self.redact(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, and the exception when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_text:
            entry["exception"] = record.exc_text
        elif record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


# slack_sdk builds its debug lines (every call's arguments) unless the level set on these very loggers is above
# DEBUG: it checks `logger.level`, which is NOTSET (0) when only the root has a level (python-slack-sdk#1957). Given
# the root's level, a WARNING bot no longer formats them on every Slack call; a DEBUG one still logs them.
SLACK_SDK_GUARDED = ("slack_sdk.web.async_base_client", "slack_sdk.web.base_client", "slack_sdk.socket_mode.aiohttp")


def setup_logging(level: str, fmt: str, *, secrets: Iterable[str] = (), stream: TextIO | None = None) -> None:
    """Send the bot's logs to stderr (or `stream`) in `fmt` (`text` or `json`), secrets redacted."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.addFilter(RedactingFilter(secrets))
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s"))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for noisy in ("httpx", "httpcore", "aiohttp.access", "matplotlib", "PIL", "alembic", "apscheduler"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
    for guarded in SLACK_SDK_GUARDED:
        logging.getLogger(guarded).setLevel(root.level)
