"""Before a line is read for its meaning, its words are made plain: Korean written without spaces is segmented
(`메모리최근1시간` → `메모리` `최근` `1시간`), particles come off (`web-01의` → `web-01`), number words become
numbers (`two days` → `2 days`, `이틀` → `2일`), and filler is dropped (`show me`, `please`, `보여줘`, `좀`).
Positions stay those of the line as typed, so what is cut from a line can be cut from its text."""

from __future__ import annotations

import re
from dataclasses import replace

from bot.language.korean_words import KOREAN_WORDS
from bot.language.lexicon import (
    CLOCK_WORDS,
    DAY_COUNTS,
    FILLER,
    HALF,
    LOANWORDS,
    METRIC_WORDS,
    NUMBER_WORDS,
    PARTICLES,
)
from bot.language.particles import split_particles
from bot.language.timerange import parse_clock, unit_word
from bot.language.tokens import Kind, Token
from bot.language.typos import corrected, corrected_unit
from bot.language.words import (
    JOINING_WORDS,
    LAST,
    MERIDIEMS,
    OPTIONS,
)

_HANGUL = re.compile(r"[가-힣]")
# A number and the Korean unit written onto it (`1시간`, `12월`, `3시반`), then whatever was glued after it.
_RUNS = re.compile(r"[가-힣]+|[^가-힣]+")
_NUMBER = re.compile(r"[\d.:]*\d")
_UNIT = re.compile(r"시간|시반|시|분|초|주일|주|개월|달|일|월|년|번째|퍼센트")
_SMALLER_UNIT = re.compile(r"분|초")
_METRIC_VOCABULARY = frozenset({*METRIC_WORDS, *(word for words in METRIC_WORDS.values() for word in words)})
_HOUR = re.compile(r"\d{1,2}시")
_GLUED_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)+$|^[A-Za-z][A-Za-z-]*\d$")
# Endings of Korean predicates (`괜찮아`, `났어`, `나왔는지`, `부탁합니다`): a word the reader does not know that
# ends so asks or says something about the chart and names no part of it.
_PREDICATE_ENDINGS = ("요", "줘", "어", "아", "니", "지", "까", "다", "해", "래", "냐", "죠", "네", "게")
_FLOWS = frozenset({"bytes", "network", "traffic", "net", "packets", "네트워크", "트래픽"})  # `bytes in last friday`
_WHOLE_DAYS = frozenset({"yesterday", "today", "어제", "오늘", "그제", "그저께"})
_IN_BEFORE = frozenset({*LAST, "the", "today", "yesterday", "this", "a", "an", "terms"})
_LONGEST = max(len(word) for word in KOREAN_WORDS)


# Options whose value is a name or free text: it is kept exactly as typed (`account 0.`, `title 메모리를`).
_VERBATIM = frozenset(
    word for word, option in OPTIONS.items() if option in ("account", "title", "label", "tz", "color")
)


def normalized(tokens: list[Token]) -> list[Token]:
    """The tokens of a line made plain (see the module's docstring); quoted words, Slack's escapes and the values of
    name and text options (`account NAME`, `title=TEXT`) untouched."""
    out: list[Token] = []
    run: list[Token] = []
    for index, token in enumerate(tokens):
        if _verbatim(tokens, index):
            out.extend(_made_plain(run))
            out.append(token)
            run = []
        else:
            run.append(token)
    return out + _made_plain(run)


def _verbatim(tokens: list[Token], index: int) -> bool:
    token = tokens[index]
    if not _plain(token):
        return False
    head, equals, _value = token.text.partition("=")
    if equals and head.lower() in _VERBATIM:
        return True
    return index > 0 and _plain(tokens[index - 1]) and tokens[index - 1].text.lower() in _VERBATIM


def _made_plain(tokens: list[Token]) -> list[Token]:
    pieces: list[Token] = []
    for piece in split_particles([part for token in tokens for part in _punctuated(token)]):
        pieces.extend(_segmented(piece) if _plain(piece) else [piece])
    return _option_spans(_dropped_filler(_numbers(_loanwords(corrected(pieces)))))


def _loanwords(tokens: list[Token]) -> list[Token]:
    """`웹` → `web`, `레플리카` → `replica`: Korean spellings of the words resource names are made of."""
    return [replace(t, text=LOANWORDS[t.text]) if _plain(t) and t.text in LOANWORDS else t for t in tokens]


def _option_spans(tokens: list[Token]) -> list[Token]:
    """`period 10 minutes` → `period 10minutes`: an option's value said as a number and a unit word is one value."""
    out: list[Token] = []
    for token in tokens:
        if (
            len(out) >= 2
            and _text(out, len(out) - 2) in OPTIONS
            and out[-1].text.isdigit()
            and _plain(token)
            and unit_word(token.text)
        ):
            out[-1] = replace(out[-1], text=out[-1].text + token.text.lower())
            continue
        out.append(token)
    return out


def _punctuated(token: Token) -> list[Token]:
    """`yesterday?` → `yesterday`, `web-01's` → `web-01`, `web-01,web-02` → `web-01` `,` `web-02`."""
    if not _plain(token):
        return [token]
    text = token.text.rstrip("?!.…")
    if text.lower() in ("vs", "a.m", "p.m"):
        text += "."
    if text.endswith(":") and text[:-1].lower() in FILLER:  # `the weekly numbers: 5xx web-lb`
        text = text[:-1]
    for ending in ("'s", "’s"):
        if text.lower().endswith(ending) and len(text) > 2:
            text = text[: -len(ending)]
    if not text:
        return [] if token.text.strip("?!.…") == "" and token.text != "?" else [replace(token, text="?")]
    if "," not in text:
        return [replace(token, text=text)]
    out, at = [], token.start
    for index, part in enumerate(text.split(",")):
        if index:
            out.append(replace(token, text=",", start=at))
            at += 1
        if part:
            out.append(replace(token, text=part, start=at))
        at += len(part)
    return out


def _plain(token: Token) -> bool:
    return not token.quoted and token.kind is Kind.WORD


def _unglued(token: Token) -> list[Token]:
    """`web-01cpu` → `web-01` `cpu`, `api-lb5xx` → `api-lb` `5xx`: a name (with a `-` or ending in a digit) with
    an everyday metric word written onto it."""
    text = token.text
    for cut in range(2, len(text) - 1):
        name, word = text[:cut], text[cut:]
        if word.lower() in _METRIC_VOCABULARY and _GLUED_NAME.match(name):
            return [replace(token, text=name), replace(token, text=word, start=token.start + cut)]
    return [token]


def _segmented(token: Token) -> list[Token]:
    """One typed word split where its meaning changes: between scripts, after a number's Korean unit (`12월1일` →
    `12월` `1일`), between known Korean words, before particles (`web-01의`, `메모리를`)."""
    text = token.text
    if not _HANGUL.search(text):
        return _unglued(token)
    runs = _RUNS.findall(text)
    out: list[Token] = []
    at = token.start
    i = 0
    while i < len(runs):
        run = runs[i]
        typed = ""
        if _NUMBER.fullmatch(run) and i + 1 < len(runs) and (fixed := corrected_unit(runs[i + 1])):
            mistyped, unit_meant = fixed  # `1시칸` is 1시간, and the chart says so
            typed = run + mistyped
            runs[i + 1] = unit_meant + runs[i + 1][len(mistyped) :]
        if _NUMBER.fullmatch(run) and i + 1 < len(runs) and (unit := _UNIT.match(runs[i + 1])):
            piece = run + unit.group(0)
            rest = runs[i + 1][len(unit.group(0)) :]
            i += 2
            # minutes and seconds go on with the number before them: `1시간30분` is one span, `5시30분` one time
            while not rest and i + 1 < len(runs) and _NUMBER.fullmatch(runs[i]):
                smaller = _SMALLER_UNIT.match(runs[i + 1])
                if smaller is None:
                    break
                piece += runs[i] + smaller.group(0)
                rest = runs[i + 1][len(smaller.group(0)) :]
                i += 2
            if rest:
                i -= 1
                runs[i] = rest
            out.append(replace(token, text=piece, start=at, typed=typed or token.typed))
            at += len(piece)
            continue
        piece = replace(token, text=run, start=at)
        out.extend(_korean_part(piece) if _HANGUL.match(run) else _unglued(piece))
        at += len(run)
        i += 1
    return out


def _korean_part(token: Token) -> list[Token]:
    text = token.text
    if _known(text):
        return [token]
    for unit in ("시간", "분", "일", "주"):  # `두 시간만`, `3일간`: a unit and a particle after it
        if text.startswith(unit) and text[len(unit) :] in PARTICLES:
            return [replace(token, text=unit), replace(token, text=text[len(unit) :], start=token.start + len(unit))]
    words = _known_words(text)
    if words is None:
        return [token]
    out, at = [], token.start
    for word in words:
        out.append(replace(token, text=word, start=at))
        at += len(word)
    return out


def _known(text: str) -> bool:
    return text in KOREAN_WORDS or text.lower() in METRIC_WORDS


def _known_words(text: str) -> list[str] | None:
    """`메모리최근` → [메모리, 최근]; `메모리를` → [메모리, 를]: known words from the left, longest first, and
    particles; None when some part is no known word (then the word stays as written)."""
    words: list[str] = []
    i = 0
    while i < len(text):
        for size in range(min(_LONGEST, len(text) - i), 0, -1):
            piece = text[i : i + size]
            if piece in KOREAN_WORDS or (words and piece in PARTICLES):
                words.append(piece)
                i += size
                break
        else:
            return None
    return words


def _numbers(tokens: list[Token]) -> list[Token]:
    """`two days` → `2 days`, `an hour` → `1 hour`, `half an hour` → `30 minutes`, `이틀` → `2일`, `두시간` →
    `2시간`."""
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        low = token.text.lower() if _plain(token) else ""
        following = _text(tokens, i + 1)
        if low in HALF and following in ("an", "a") and (seconds := unit_word(_text(tokens, i + 2))):
            out.extend(_spelled(token, seconds // 2))
            i += 3
            continue
        if (
            low in ("하루", "종일", "하루종일") and i and _text(tokens, i - 1) in _WHOLE_DAYS
        ):  # 어제 하루: the whole day
            i += 1
            continue
        if low in NUMBER_WORDS and following in ("번", "번에"):  # 한 번에: at once
            i += 2
            continue
        if _HOUR.fullmatch(low) and following in ("반", "30분"):  # 2시 반
            out.append(replace(token, text=low + ("반" if following == "반" else "30분")))
            i += 2
            continue
        if low.removesuffix("치") in DAY_COUNTS:  # 사흘치
            out.append(replace(token, text=f"{DAY_COUNTS[low.removesuffix('치')]}일"))
            i += 1
            continue
        glued = _glued_number(low)
        if glued is not None:
            out.append(replace(token, text=glued))
            i += 1
            continue
        if low in NUMBER_WORDS and following in ("달", "개월"):  # 한 달
            out.append(replace(token, text=f"{NUMBER_WORDS[low] * 30}일"))
            i += 2
            continue
        if low in NUMBER_WORDS and following and (unit_word(following) or following in ("시간", "분", "주", "일")):
            out.append(replace(token, text=str(NUMBER_WORDS[low])))
            i += 1
            continue
        if low in ("a", "an") and following in ("couple", "few") and _text(tokens, i + 2) == "of":
            i += 3 if following == "couple" else 1
            out.append(replace(token, text="2"))
            continue
        out.append(token)
        i += 1
    return out


def _glued_number(low: str) -> str | None:
    """`두시간` → `2시간`, `세시간` → `3시간`, `한달` → `30일`: a Korean number word written onto its unit."""
    for unit in ("시간", "분", "주", "달"):
        number = low.removesuffix(unit)
        if number != low and number in NUMBER_WORDS and not number.isascii():
            count = NUMBER_WORDS[number]
            return f"{count * 30}일" if unit == "달" else f"{count}{unit}"
    return None


def _spelled(token: Token, seconds: int) -> list[Token]:
    minutes = seconds // 60
    return [replace(token, text=str(minutes)), replace(token, text="minutes")]


def _text(tokens: list[Token], i: int) -> str:
    return tokens[i].text.lower() if i < len(tokens) and _plain(tokens[i]) else ""


def _dropped_filler(tokens: list[Token]) -> list[Token]:
    """Filler and politeness go; so do particles left alone and `in` before a window (`cpu in the last hour`)."""
    out: list[Token] = []
    dropped = True  # whether the word before was dropped (the line's start counts as dropped)
    for i, token in enumerate(tokens):
        kept = _kept(tokens, i, out, dropped)
        if kept:
            out.append(token)
        dropped = not kept
    while out and out[-1].text == ",":
        out.pop()
    return out


def _kept(tokens: list[Token], i: int, out: list[Token], dropped: bool) -> bool:
    """Whether token `i` carries meaning, given the words kept before it and whether the one before was dropped."""
    token = tokens[i]
    low = token.text.lower() if _plain(token) else ""
    before = _text(tokens, i - 1) if i else ""
    if low == "of" and before in OPTIONS:  # `with a period of 10 minutes`
        return False
    if out and out[-1].text.lower() in OPTIONS:  # `title please`, `account me`: an option's value stays
        return True
    if low in (",", "to") and (dropped or not out or out[-1].text == ","):  # `Hi, can I`, `I'd like to see`
        return False
    if low == "에서" and any(_text(tokens, j).endswith("까지") for j in range(i + 1, min(i + 4, len(tokens)))):
        return True  # `10시에서 12시까지`: a range
    if low in FILLER or (low in PARTICLES and out and low not in JOINING_WORDS and low not in ("부터", "까지")):
        return False
    if low in DAY_COUNTS and DAY_COUNTS[low] == 1 and out and out[-1].text.lower() in _WHOLE_DAYS:
        return False  # `어제 하루`: yesterday, the whole day
    if _predicate(token, low):
        return False
    return _meaningful(tokens, i, out, low)


def _predicate(token: Token, low: str) -> bool:
    return (
        bool(low)
        and all("가" <= c <= "힣" for c in low)
        and len(low) >= 2
        and low.endswith(_PREDICATE_ENDINGS)
        and not _known(low)
        and not token.typed
        and low not in DAY_COUNTS
        and low not in PARTICLES
    )


def _meaningful(tokens: list[Token], i: int, out: list[Token], low: str) -> bool:
    after = _text(tokens, i + 1)
    if low == "in" and (after in _IN_BEFORE or after[:1].isdigit()) and _text(tokens, i - 1) not in _FLOWS:
        return False
    if low == "at" and not (parse_clock(after) or after in CLOCK_WORDS or after in MERIDIEMS):
        return False  # `quick look at orders-db`; `at 9am` stays
    if low in ("with", "o'clock", "치"):
        return False
    if low in ("a", "an") and not after[:1].isdigit():
        return False
    return not (low == "간" and out and out[-1].text[:1].isdigit())  # 3일간
