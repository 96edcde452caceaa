"""`python -m bench language`: how well the reader understands people, and how long any line takes to read.

The share of corpus lines read exactly as meant (per language and per kind of phrase), the charts drawn that were
not the one meant, the held-out set's share, and the reading time of every corpus line and of lines built to be
slow. `--misses` also rewrites tests/language/corpus/misses.txt, the list the corpus test holds to missing."""

from __future__ import annotations

import contextlib
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from bench.benches import Figure, Knobs, _percentile
from bench.corpus import CATALOG, CORPUS, HOLDOUT, Phrase, Verdict, judge, load
from bot.charts.plan import ChartDefaults, plan_chart
from bot.errors import UserError
from bot.i18n import speaking
from bot.language.parse import MAX_LINE, parse_request
from bot.language.spec import ChartRequest

NOW = datetime(2026, 12, 9, 10, 20, tzinfo=ZoneInfo("Asia/Seoul"))
GOAL_SHARE = 97.0  # percent exact, in each language
TYPED_P99_MS = 5.0  # lines people type
HOSTILE_MS = 50.0  # any line Slack can send

MISSES_HEADER = (
    "# Corpus lines not read as meant yet: id, the line, what it should give, what it gave. Made by\n"
    "# `python -m bench language --misses`; the corpus test holds each to missing (strict xfail).\n"
)


def _hostile_lines() -> dict[str, str]:
    """Lines built to cost the reader the most, each as long as Slack lets a slash command be (and longer)."""
    return {
        "800 unknown words": " ".join(f"zq{i:04d}x" for i in range(800)),
        f"unknown words to the length limit ({MAX_LINE})": " ".join(f"qx{i:03d}" for i in range(MAX_LINE // 6))[
            :MAX_LINE
        ],
        "200 metrics joined with +": "+".join(["cpu", "memory", "disk", "lag"] * 50) + " web-01 last 3h",
        "1,000 user mentions": " ".join(f"<@U{i:08d}>" for i in range(1000)),
        "1,000 × last 3h": " ".join(["last 3h"] * 1000),
        "Slack's longest text (40,000 characters)": ("cpu web-01 last 3h " * 2200)[:40_000],
        "typos to the length limit": " ".join(["memmory", "cpuu", "lats", "hourz"] * 100)[:MAX_LINE],
        "Korean without spaces to the length limit": ("메모리최근1시간웹서버씨피유" * 200)[:MAX_LINE],
    }


def _read_seconds(line: str, language: str) -> float:
    """Reading a line and, when it is a chart, planning it against the sandbox's catalog (names looked up, the
    did-you-mean of unknown words): the work done before the acknowledgement."""
    with speaking(language):
        started = time.perf_counter()
        with contextlib.suppress(UserError):
            request = parse_request(line)
            if isinstance(request, ChartRequest):
                plan_chart(request.spec, CATALOG, now=NOW, timezone="Asia/Seoul", defaults=ChartDefaults())
        return time.perf_counter() - started


def _share(verdicts: list[Verdict]) -> str:
    right = sum(v.right for v in verdicts)
    return f"{right}/{len(verdicts)} ({100 * right / max(1, len(verdicts)):.1f} %)"


def _percent(verdicts: list[Verdict]) -> float:
    return 100 * sum(v.right for v in verdicts) / max(1, len(verdicts))


def misses_text(verdicts: list[Verdict]) -> str:
    """misses.txt: one line per corpus line not read as meant, with what it gave."""
    rows = []
    for v in verdicts:
        if v.right:
            continue
        gave = f"{v.outcome.kind}: {v.outcome.message}" if v.outcome.kind != "chart" else f"WRONG CHART: {v.why}"
        rows.append("\t".join((v.phrase.id, v.phrase.say, v.phrase.expects, " ".join(gave.split())[:300])))
    return MISSES_HEADER + "".join(row.rstrip() + "\n" for row in rows)


def _judge_all(phrases: list[Phrase]) -> list[Verdict]:
    return [judge(p) for p in phrases]


async def language(knobs: Knobs, *, judge_all: Callable[[list[Phrase]], list[Verdict]] = _judge_all) -> list[Figure]:
    """The corpus's shares, the wrong charts, the held-out share and the reading times."""
    corpus = load(CORPUS)
    verdicts = judge_all(corpus)
    if knobs.misses:
        (CORPUS / "misses.txt").write_text(misses_text(verdicts), encoding="utf-8")
    figures: list[Figure] = []
    by_language: dict[str, list[Verdict]] = defaultdict(list)
    by_kind: dict[tuple[str, str], list[Verdict]] = defaultdict(list)
    for v in verdicts:
        by_language[v.phrase.language].append(v)
        by_kind[(v.phrase.language, v.phrase.kind or v.phrase.expects)].append(v)
    for lang, group in sorted(by_language.items()):
        met = _percent(group) >= GOAL_SHARE
        figures.append(Figure("language", f"exact, {lang}", _share(group), f"≥ {GOAL_SHARE:g} %", "", met))
    for (lang, kind), group in sorted(by_kind.items()):
        figures.append(Figure("language", f"exact, {lang} {kind}", _share(group), "", "", None))
    wrong = sum(v.wrong_chart for v in verdicts)
    figures.append(Figure("language", "wrong charts (corpus)", str(wrong), "0", "", wrong == 0))
    held = judge_all(load(HOLDOUT)) if HOLDOUT.exists() else []
    if held:
        for lang in sorted({v.phrase.language for v in held}):
            group = [v for v in held if v.phrase.language == lang]
            figures.append(Figure("language", f"held-out, {lang}", _share(group), "", "", None))
        held_wrong = sum(v.wrong_chart for v in held)
        figures.append(Figure("language", "wrong charts (held-out)", str(held_wrong), "0", "", held_wrong == 0))
    rounds = knobs.scaled(5, 1)
    times = [_read_seconds(p.say, p.language) for _ in range(rounds) for p in corpus]
    p50, p99 = _percentile(times, 50), _percentile(times, 99)
    figures.append(Figure("language", "read and plan a corpus line, p50", f"{p50 * 1000:.2f} ms", "", "", None))
    figures.append(
        Figure(
            "language",
            "read and plan a corpus line, p99",
            f"{p99 * 1000:.2f} ms",
            f"≤ {TYPED_P99_MS:g} ms",
            "",
            p99 * 1000 <= 5,
        )
    )
    for name, line in _hostile_lines().items():
        worst = max(_read_seconds(line, language) for language in ("en", "ko") for _ in range(knobs.scaled(5, 1)))
        met = worst * 1000 <= HOSTILE_MS
        figures.append(Figure("language", f"read {name}", f"{worst * 1000:.1f} ms", f"≤ {HOSTILE_MS:g} ms", "", met))
    return figures
