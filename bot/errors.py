"""Errors shared by every part of the bot.

Two shapes reach people: a `UserError`, whose text is safe to show as written and says what to do
next, and anything else, which is logged and shown as a short message with a reference.
"""

from __future__ import annotations


class BotError(Exception):
    """Base of the bot's own errors."""


class UserError(BotError):
    """An error caused by what someone typed or configured; its text is shown as written."""


class SettingsError(UserError):
    """The settings (environment or `.env`) are invalid; the text lists every problem."""


class AlreadyDone(BotError):
    """A request that changes something was carried out before (a takeover runs it again): nothing is changed a
    second time; `answer` is what was answered then (None when the change was made but its answer not noted)."""

    def __init__(self, answer: str | None) -> None:
        super().__init__("already done")
        self.answer = answer


class ChartQuestion(UserError):
    """A line with more than one sensible reading: the text asks which, and `choices` are the readings, each a label
    and the words that draw it (Slack offers them as buttons, the console as numbered choices)."""

    def __init__(self, message: str, word: str, choices: tuple[tuple[str, str], ...]) -> None:
        super().__init__(message)
        self.word = word
        self.choices = choices
