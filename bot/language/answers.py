"""A question's answers as lines: the line that was asked, with the word that had several readings replaced by the
words of one reading, so that a pick (a button in Slack, a number on the console) runs the road a typed line runs."""

from __future__ import annotations

from dataclasses import dataclass

from bot.errors import ChartQuestion
from bot.language.normalize import normalized
from bot.language.tokens import Token, clean, tokenize

MAX_WORDS = 8  # the most words one metric's name may span in a line (as bot.charts.resolve reads names)


@dataclass(frozen=True)
class Pick:
    """One reading of a question: what it is called, and the whole line that draws it."""

    label: str
    line: str


def picks(question: ChartQuestion, text: str) -> tuple[Pick, ...]:
    """The question's readings as lines to run; none when the word is not in `text` as typed (it came from a saved
    chart, say): the question's own words then say what to type."""
    line = clean(text)
    span = _span_of(question.word, normalized(tokenize(line)), line)
    if span is None:
        return ()
    start, end = span
    return tuple(Pick(label, _joined(line[:start], words, line[end:])) for label, words in question.choices)


def _span_of(word: str, tokens: list[Token], line: str) -> tuple[int, int] | None:
    """Where in `line` the first run of tokens that reads as `word` begins and ends (a typo counts as the word it
    was read as). Where the last token is not found as typed (a quoted name), it ends before the next token the
    reader kept: what lies between was dropped as filler, so it goes with it."""
    wanted = _squeezed(word)
    for first in range(len(tokens)):
        for last in range(first, min(first + MAX_WORDS, len(tokens))):
            read = _squeezed(" ".join(t.text for t in tokens[first : last + 1]))
            if read == wanted:
                return tokens[first].start, _end_of(tokens, last, line)
            if not wanted.startswith(read):
                break
    return None


def _end_of(tokens: list[Token], index: int, line: str) -> int:
    token = tokens[index]
    typed = token.typed or token.text
    if line[token.start : token.start + len(typed)].lower() == typed.lower():
        return token.start + len(typed)
    following = tokens[index + 1].start if index + 1 < len(tokens) else len(line)
    return token.start + len(line[token.start : following].rstrip())


def _squeezed(text: str) -> str:
    return "".join(text.split()).lower()


def _joined(before: str, words: str, after: str) -> str:
    head = before if not before or before[-1].isspace() else f"{before} "
    tail = after if not after or after[0].isspace() else f" {after}"
    return f"{head}{words}{tail}".strip()
