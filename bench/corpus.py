"""The phrase corpora (tests/language/corpus/*.yaml, CONVENTIONS.md there): loaded, read through the product's
own road (the reader, then the plan against the sandbox's catalog), and judged line by line."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from bot.charts.plan import ChartDefaults, plan_chart
from bot.errors import ChartQuestion, UserError
from bot.i18n import speaking
from bot.language.parse import parse_request
from bot.language.spec import ChartRequest, HelpRequest, MetricsRequest, SavedRequest
from bot.sandbox.catalog import list_metric_infos
from bot.servicewatch.catalog import Catalog
from bot.servicewatch.models import MetricsResponse

HERE = Path(__file__).resolve().parent.parent / "tests" / "language"
CORPUS = HERE / "corpus"
HOLDOUT = HERE / "holdout"
CATALOG = Catalog.from_response(MetricsResponse.model_validate(list_metric_infos()))
COMMANDS = {HelpRequest: "help", MetricsRequest: "metrics", SavedRequest: "saved"}


@dataclass(frozen=True)
class Phrase:
    """One line of a corpus and what it must give."""

    file: str
    index: int
    say: str
    language: str
    kind: str
    now: datetime
    timezone: str
    want: dict[str, Any] | None = None
    ask: str | None = None
    refuse: str | None = None
    command: str | None = None
    why: str = ""

    @property
    def id(self) -> str:
        return f"{self.file}:{self.index}"

    @property
    def expects(self) -> str:
        return "chart" if self.want is not None else "ask" if self.ask else "refuse" if self.refuse else "command"


@dataclass
class Outcome:
    """What the product did with a line: a chart (its lines, window and options), a question, a refusal or a command."""

    kind: str
    metrics: frozenset[str] = frozenset()
    resources: frozenset[str] = frozenset()
    start: str = ""
    end: str = ""
    stat: str = ""
    period: int = 0
    compare: bool = False
    message: str = ""
    choices: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class Verdict:
    phrase: Phrase
    outcome: Outcome
    right: bool
    wrong_chart: bool  # a chart was drawn, and not the one meant: worse than any refusal
    why: str = ""


# libyaml's safe loader reads the corpora about ten times faster than the pure-Python one (every test worker loads
# them at collection); both build only plain values.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load(folder: Path = CORPUS) -> list[Phrase]:
    """Every phrase of every corpus file in `folder`, in file order."""
    phrases: list[Phrase] = []
    for path in sorted(folder.glob("*.yaml")):
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
        zone = data["timezone"]
        now = datetime.fromisoformat(str(data["now"])).replace(tzinfo=ZoneInfo(zone))
        for index, item in enumerate(data["phrases"], start=1):
            phrases.append(
                Phrase(
                    file=path.stem,
                    index=index,
                    say=str(item["say"]),
                    language=str(data.get("language", "en")),
                    kind=str(item.get("kind", "")),
                    now=item_now(item, now, zone),
                    timezone=str(item.get("timezone", zone)),
                    want=item.get("want"),
                    ask=item.get("ask"),
                    refuse=item.get("refuse"),
                    command=item.get("command"),
                    why=str(item.get("why", "")),
                )
            )
    return phrases


def item_now(item: dict[str, Any], now: datetime, zone: str) -> datetime:
    if "now" in item:
        return datetime.fromisoformat(str(item["now"])).replace(tzinfo=ZoneInfo(zone))
    return now


def outcome_of(phrase: Phrase) -> Outcome:
    """Read the line as the bot does (in the phrase's language) and plan its chart against the sandbox's catalog."""
    with speaking(phrase.language):
        try:
            request = parse_request(phrase.say)
            if not isinstance(request, ChartRequest):
                return Outcome("command", message=COMMANDS.get(type(request), type(request).__name__))
            plan = plan_chart(request.spec, CATALOG, now=phrase.now, timezone=phrase.timezone, defaults=ChartDefaults())
        except ChartQuestion as question:
            return Outcome("ask", message=str(question), choices=tuple(label for label, _words in question.choices))
        except UserError as refusal:
            return Outcome("refuse", message=str(refusal))
    zone = ZoneInfo(phrase.timezone)
    return Outcome(
        "chart",
        metrics=frozenset(f"{line.metric.namespace}:{line.metric.name}" for line in plan.lines),
        resources=frozenset(line.resource for line in plan.lines),
        start=plan.start.astimezone(zone).strftime("%Y-%m-%dT%H:%M"),
        end=plan.end.astimezone(zone).strftime("%Y-%m-%dT%H:%M"),
        stat=plan.stat,
        period=plan.period,
        compare=request.spec.compare,
    )


def describe(chart: Outcome) -> str:
    """A drawn chart in a line: its metrics, resources, window and options."""
    return (
        f"{', '.join(sorted(chart.metrics))} of {', '.join(sorted(chart.resources))}, {chart.start} → {chart.end}, "
        f"{chart.stat} {chart.period}s{' compare' if chart.compare else ''}"
    )


def every_resource(metrics: frozenset[str]) -> frozenset[str]:
    names = {(m.namespace, m.name) for m in CATALOG.metrics}
    wanted = {tuple(text.split(":", 1)) for text in metrics}
    return frozenset(r.label() for m in CATALOG.metrics if (m.namespace, m.name) in wanted & names for r in m.resources)


def judge(phrase: Phrase) -> Verdict:
    """Whether the product gave what the phrase means."""
    got = outcome_of(phrase)
    if phrase.want is None:
        if phrase.ask:
            right = got.kind == "ask" and phrase.ask.lower() in got.message.lower()
        elif phrase.refuse:
            right = got.kind == "refuse" and str(phrase.refuse).lower() in got.message.lower()
        else:
            right = got.kind == "command" and got.message == phrase.command
        why = "" if right else describe(got) if got.kind == "chart" else got.message[:200]
        return Verdict(phrase, got, right, wrong_chart=got.kind == "chart", why=why)
    if got.kind != "chart":
        return Verdict(phrase, got, False, wrong_chart=False, why=f"{got.kind}: {got.message[:200]}")
    want = phrase.want
    metrics = frozenset(want["metrics"])
    resources = frozenset(want["resources"]) if want.get("resources") else every_resource(metrics)
    differences = [
        f"{name} {seen!r} ≠ {meant!r}"
        for name, seen, meant in (
            ("metrics", sorted(got.metrics), sorted(metrics)),
            ("resources", sorted(got.resources), sorted(resources)),
            ("from", got.start, str(want["from"])),
            ("to", got.end, str(want["to"])),
            ("stat", got.stat, str(want.get("stat", got.stat))),
            ("period", got.period, int(want.get("period", got.period))),
            ("compare", got.compare, bool(want.get("compare", False))),
        )
        if seen != meant
    ]
    return Verdict(phrase, got, not differences, wrong_chart=bool(differences), why="; ".join(differences))
