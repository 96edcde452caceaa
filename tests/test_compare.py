"""The compared chart (the `compare` button): today's window beside the same window yesterday and a week ago, drawn by
the bot from three ListMetricData calls to the sandbox over real HTTP, and no image call."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.lines import Line2D

from bot.charts import compare
from bot.charts.plan import ChartDefaults, ChartPlan
from bot.charts.service import ChartService, NoDataError
from bot.drawing.render import PlotSeries, draw_line_chart
from bot.i18n import ENGLISH, KOREAN, LOCALES, speaking
from bot.language.parse import parse_chart
from bot.sandbox import SANDBOX_ACCESS_KEY, SANDBOX_SECRET_KEY, Fault, Sandbox
from bot.servicewatch import ServiceWatchAuth, ServiceWatchClient
from bot.servicewatch.client import DATA_PATH, IMAGE_PATH
from bot.servicewatch.coalesce import CoalescingServiceWatch
from bot.servicewatch.models import MetricDataRequest, MetricDataSeries
from tests.figures import texts_drawn_by
from tests.pngs import png_size
from tests.test_replies_catalog import blanks, entries

NOW = datetime(2026, 11, 27, 3, 0, 10, tzinfo=UTC)
CPU = '"Virtual Server:CPU Usage/Core[Basic]"'
DAY, WEEK = 86400, 604800
WEB = "Virtual Server | web-01 | CPU Usage/Core[Basic]"  # a line's legend label, as ServiceWatch's image has it
LAG = "PostgreSQL(DBaaS) | orders-db | Replication Lag"


class Recorded:
    """The ListMetricData requests the client sent, in the order they left; a window named in `failing` is answered
    503 by the sandbox (a fault planned for that request alone: the calls pass one at a time)."""

    def __init__(self, client: ServiceWatchClient, sandbox: Sandbox) -> None:
        self.requests: list[MetricDataRequest] = []
        self.failing: set[int] = set()  # how many seconds before today's window
        self.today_start = 0
        self._send = client.list_metric_data
        self._sandbox = sandbox
        self._one_at_a_time = asyncio.Lock()
        client.list_metric_data = self._list_metric_data  # type: ignore[method-assign]

    async def _list_metric_data(self, request: MetricDataRequest) -> tuple[MetricDataSeries, ...]:
        async with self._one_at_a_time:
            self.requests.append(request)
            if self.today_start and self.today_start - request.start in self.failing:
                self._sandbox.plan.add(Fault(kind="status", status=503, path=DATA_PATH, times=2))  # a try, a retry
            return await self._send(request)


class Drawn:
    """What compare.py handed to matplotlib: the lines and the footnote (the PNG is drawn as ever)."""

    lines: Sequence[PlotSeries] = ()
    footnote = ""


@pytest.fixture
async def service(sandbox: Sandbox) -> AsyncIterator[tuple[ChartService, Recorded]]:
    client = ServiceWatchClient(
        sandbox.url, ServiceWatchAuth(SANDBOX_ACCESS_KEY, SANDBOX_SECRET_KEY), max_retries=1, sleep=_no_wait
    )
    async with client:
        recorded = Recorded(client, sandbox)
        yield (
            ChartService(CoalescingServiceWatch(client, max_concurrency=4), ChartDefaults(), clock=lambda: NOW),
            recorded,
        )


@pytest.fixture
def drawn(monkeypatch: pytest.MonkeyPatch) -> Drawn:
    seen = Drawn()
    draw = compare.draw_plan

    def spy(plan: ChartPlan, lines: Sequence[PlotSeries], footnote: str) -> bytes:
        seen.lines, seen.footnote = lines, footnote
        return draw(plan, lines, footnote)

    monkeypatch.setattr(compare, "draw_plan", spy)
    return seen


async def _no_wait(_: float) -> None:
    return None


async def test_compare_draws_today_beside_yesterday_and_a_week_ago(
    service: tuple[ChartService, Recorded], sandbox: Sandbox, drawn: Drawn
) -> None:
    charts, recorded = service
    chart = await charts.render(
        parse_chart(f"{CPU} resource=web-01 last 3h"), timezone="Asia/Seoul", asked_by="@kim", compare=True
    )
    assert png_size(chart.image) == (1400, 500)
    assert sandbox.calls[DATA_PATH] == 3
    assert sandbox.calls[IMAGE_PATH] == 0  # ServiceWatch's image cannot shift time: none is asked for
    today, *earlier = sorted(recorded.requests, key=lambda r: -r.start)
    assert today == chart.plan.data_request
    assert [(today.start - r.start, today.end - r.end) for r in earlier] == [(DAY, DAY), (WEEK, WEEK)]
    assert all(r.model_copy(update={"start": today.start, "end": today.end}) == today for r in earlier)
    assert chart.comment == (
        "*CPU Usage/Core[Basic] · web-01* · last 3h (09:00–12:00 KST) · period 5m (auto) · AVG · asked by @kim\n"
        "_Compared with the same window yesterday and a week ago; drawn by the bot from the numbers_"
    )
    (summary,) = chart.summaries  # today's numbers only
    assert (summary.label, summary.points) == ("web-01", 37)
    assert chart.alt_text.startswith("Chart of Virtual Server:CPU Usage/Core[Basic], last 3h, AVG per 5m. web-01: ")
    # The earlier windows lie on today's axis: moved forward by a day and a week, faint, in today's colour.
    now_line, yesterday, week_ago = drawn.lines
    assert [line.label for line in drawn.lines] == [WEB, f"{WEB} (yesterday)", f"{WEB} (a week ago)"]
    assert [line.faint for line in drawn.lines] == [False, True, True]
    assert now_line.color == yesterday.color == week_ago.color
    assert [t for t, _ in yesterday.points] == [t for t, _ in now_line.points] == [t for t, _ in week_ago.points]
    assert [v for _, v in yesterday.points] != [v for _, v in now_line.points]  # the sandbox's day is not a copy
    assert drawn.footnote == (
        "Drawn by the bot from ListMetricData: compared with the same window yesterday and a week ago"
    )


async def test_an_earlier_window_that_fails_is_left_out_and_said(
    service: tuple[ChartService, Recorded], sandbox: Sandbox, drawn: Drawn
) -> None:
    charts, recorded = service
    spec = parse_chart(f"{CPU} resource=web-01 last 3h")
    recorded.today_start = (await charts.plan(spec, timezone="UTC")).data_request.start
    recorded.failing = {WEEK}
    chart = await charts.render(spec, timezone="UTC", compare=True)
    assert png_size(chart.image) == (1400, 500)
    assert [line.label for line in drawn.lines] == [WEB, f"{WEB} (yesterday)"]
    assert drawn.footnote.endswith("a week ago (a week ago: unavailable)")
    assert sandbox.calls[DATA_PATH] == 4  # the week-old window tried twice (a 503 is retried once)
    assert chart.summaries[0].points == 37


async def test_an_earlier_window_without_data_is_left_out_and_said(
    service: tuple[ChartService, Recorded], drawn: Drawn, monkeypatch: pytest.MonkeyPatch
) -> None:
    charts, recorded = service
    send = recorded._send

    async def nothing_yesterday(request: MetricDataRequest) -> tuple[MetricDataSeries, ...]:
        answer = await send(request)
        empty = recorded.today_start - request.start == DAY
        return tuple(MetricDataSeries(display_name=s.display_name) for s in answer) if empty else answer

    monkeypatch.setattr(recorded, "_send", nothing_yesterday)
    spec = parse_chart(f"{CPU} resource=web-01 last 3h")
    recorded.today_start = (await charts.plan(spec, timezone="UTC")).data_request.start
    await charts.render(spec, timezone="UTC", compare=True)
    assert [line.label for line in drawn.lines] == [WEB, f"{WEB} (a week ago)"]
    assert drawn.footnote.endswith(" (yesterday: no data)")


async def test_no_data_today_is_said_not_drawn(service: tuple[ChartService, Recorded], sandbox: Sandbox) -> None:
    charts, _ = service
    with pytest.raises(NoDataError, match=r"No data for CPU Usage/Core\[Basic\] · batch-02 in last 3h"):
        await charts.render(parse_chart(f"{CPU} resource=batch-02"), timezone="Asia/Seoul", compare=True)
    assert sandbox.calls[IMAGE_PATH] == 0


async def test_the_compared_chart_speaks_korean(service: tuple[ChartService, Recorded], drawn: Drawn) -> None:
    charts, _ = service
    with speaking(KOREAN):
        chart = await charts.render(parse_chart("lag last 3h"), timezone="Asia/Seoul", compare=True)
    assert "어제와 일주일 전의 같은 시간대와 비교했어요" in chart.comment
    assert [line.label for line in drawn.lines if line.faint] == [
        f"PostgreSQL(DBaaS) | {db} | Replication Lag ({when})"
        for when in ("어제", "일주일 전")
        for db in ("orders-db", "orders-db-replica")
    ]
    assert drawn.footnote.startswith("ListMetricData 수치로 봇이 직접 그림")


@pytest.mark.parametrize(
    ("lang", "words", "foreign"),
    [
        (
            ENGLISH,
            [
                "Replication Lag · orders-db, orders-db-replica · last 3h (Nov 27 09:00–12:00 KST) · MAX",
                f"{LAG} (yesterday)",
                "Time (Asia/Seoul)",
                "Nov 27, 2026",
                "Milliseconds (ms)",
                "Drawn by the bot from ListMetricData: compared with the same window yesterday and a week ago "
                "(a week ago: unavailable)",
            ],
            ["어제", "시간", "2026년", "밀리초", "최대", "그림"],
        ),
        (
            KOREAN,
            [
                "Replication Lag · orders-db, orders-db-replica · last 3h (11월 27일 09:00–12:00 KST) · 최대",
                f"{LAG} (어제)",
                "시간 (Asia/Seoul)",
                "2026년 11월 27일",
                "밀리초 (ms)",
                "ListMetricData 수치로 봇이 직접 그림: 어제와 일주일 전의 같은 시간대와 비교 (일주일 전: 불러오지 못함)",
            ],
            ["yesterday", "week ago", "Time", "Nov", "Milliseconds", "MAX", "Drawn", "unavailable"],
        ),
    ],
)
async def test_the_compared_image_speaks_the_askers_language(
    service: tuple[ChartService, Recorded],
    lang: str,
    words: list[str],
    foreign: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Title, legend, axes, ticks and footnote, a week ago failing: read from the figure handed to matplotlib."""
    drawn = texts_drawn_by(monkeypatch, compare)
    charts, recorded = service
    spec = parse_chart("lag last 3h")
    recorded.today_start = (await charts.plan(spec, timezone="Asia/Seoul")).data_request.start
    recorded.failing = {WEEK}
    with speaking(lang):
        await charts.render(spec, timezone="Asia/Seoul", compare=True)
    (texts,) = drawn
    assert [word for word in words if word not in texts] == [], texts
    assert [text for text in texts if any(word in text for word in foreign)] == []  # nothing in the other language


def test_a_faint_line_is_lighter_dashed_thinner_and_under_the_others() -> None:
    points = [(600 * i, float(i % 7)) for i in range(40)]
    figure = draw_line_chart(
        [
            PlotSeries("today", points, color="#1f77b4"),
            PlotSeries("today (yesterday)", [(t, v + 1) for t, v in points], color="#1f77b4", faint=True),
        ],
        title="t",
        start=0,
        end=24000,
    )
    FigureCanvasAgg(figure).draw()
    today, earlier = (line for line in figure.axes[0].get_lines() if isinstance(line, Line2D))
    assert (today.get_alpha(), today.get_linestyle()) == (None, "-")
    assert earlier.get_alpha() == pytest.approx(0.35)
    assert earlier.get_linestyle() == "--"
    assert earlier.get_linewidth() < today.get_linewidth()
    assert earlier.get_zorder() < today.get_zorder()
    assert earlier.get_color() == today.get_color()
    legend = figure.axes[0].get_legend()
    assert [text.get_text() for text in legend.get_texts()] == ["today", "today (yesterday)"]


@pytest.mark.parametrize(
    ("english", "korean"), entries(LOCALES / "ko" / "LC_MESSAGES" / "compare.po"), ids=lambda text: text[:40]
)
def test_the_korean_fills_the_same_blanks(english: str, korean: str) -> None:
    assert blanks(korean) == blanks(english)
