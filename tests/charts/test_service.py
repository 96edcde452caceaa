"""The chart service and the chat actions against the sandbox over real HTTP, with a real database."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import pytest

from bot.charts import compare
from bot.charts.maker import ChartMaker, OneAccount
from bot.charts.plan import ChartDefaults
from bot.charts.service import ChartService, NoDataError
from bot.chat import Asker, ChartReply, ChatActions, DryRunReply, TextReply, error_text
from bot.errors import UserError
from bot.i18n import ENGLISH, KOREAN, speaking
from bot.language.parse import ChartUsageError, parse_chart
from bot.markup import unmarked
from bot.sandbox import SANDBOX_ACCESS_KEY, SANDBOX_SECRET_KEY, Fault, Sandbox
from bot.servicewatch import ServiceWatchAuth, ServiceWatchClient, ServiceWatchError
from bot.servicewatch.client import DATA_PATH, IMAGE_PATH, METRICS_PATH
from bot.servicewatch.coalesce import CoalescingServiceWatch
from bot.store import Database, SavedCharts
from tests.figures import texts_drawn_by
from tests.pngs import png_size
from tests.sandboxes import use_stock_images, wait_for_sandbox

NOW = datetime(2026, 11, 27, 3, 0, 10, tzinfo=UTC)
CPU = '"Virtual Server:CPU Usage/Core[Basic]"'


@pytest.fixture
async def charts(sandbox: Sandbox) -> AsyncIterator[ChartService]:
    async with service_of(sandbox, ChartDefaults()) as made:
        yield made


@asynccontextmanager
async def service_of(sandbox: Sandbox, defaults: ChartDefaults) -> AsyncIterator[ChartService]:
    """A chart service with `defaults` over real HTTP to `sandbox`, one retry, no waiting between tries."""
    client = ServiceWatchClient(
        sandbox.url, ServiceWatchAuth(SANDBOX_ACCESS_KEY, SANDBOX_SECRET_KEY), max_retries=1, sleep=_no_wait
    )
    async with client:
        yield ChartService(CoalescingServiceWatch(client, max_concurrency=2), defaults, clock=lambda: NOW)


async def _no_wait(_: float) -> None:
    return None


async def test_a_chart_ready_to_post(charts: ChartService, sandbox: Sandbox) -> None:
    chart = await charts.render(parse_chart(f"{CPU} resource=web-01 last 3h"), timezone="Asia/Seoul", asked_by="@kim")
    assert png_size(chart.image) == (1400, 500)
    assert not chart.fallback
    assert re.fullmatch(r"servicewatch-cpu-usage-core-basic-web-01-20261127-120010-[0-9a-f]{4}\.png", chart.filename)
    assert (
        chart.comment
        == "*CPU Usage/Core[Basic] · web-01* · last 3h (09:00–12:00 KST) · period 5m (auto) · AVG · asked by @kim"
    )
    (summary,) = chart.summaries
    assert summary.label == "web-01"
    assert summary.points == 37  # 09:00 … 12:00, a point every 5 minutes (the window widened to whole periods)
    assert summary.minimum is not None
    assert summary.maximum is not None
    assert 0 <= summary.minimum <= summary.maximum <= 100
    assert chart.alt_text.startswith("Chart of Virtual Server:CPU Usage/Core[Basic], last 3h, AVG per 5m. web-01: min ")
    assert (sandbox.calls[IMAGE_PATH], sandbox.calls[DATA_PATH], sandbox.calls[METRICS_PATH]) == (1, 1, 1)
    # The PNG's own title says what, where, when and which statistic (a forwarded image keeps its meaning).
    (sent,) = sandbox.image_requests
    assert sent["title"] == "CPU Usage/Core[Basic] · web-01 · last 3h (Nov 27 09:00–12:00 KST) · AVG"


async def test_two_charts_of_one_metric_in_one_minute_have_their_own_file_names(charts: ChartService) -> None:
    spec = parse_chart(f"{CPU} resource=web-01 last 3h")
    first = await charts.render(spec, timezone="UTC")
    again = await charts.render(spec, timezone="UTC", now=NOW.replace(second=40))
    maximum = await charts.render(parse_chart(f"{CPU} resource=web-01 last 3h stat max"), timezone="UTC")
    assert len({first.filename, again.filename, maximum.filename}) == 3
    assert first.filename.startswith("servicewatch-cpu-usage-core-basic-web-01-20261127-030010-")
    assert again.filename.startswith("servicewatch-cpu-usage-core-basic-web-01-20261127-030040-")
    assert (await charts.render(spec, timezone="UTC")).filename == first.filename  # the same chart, the same name


async def test_the_fallback_draws_the_chart_when_the_image_call_fails(charts: ChartService, sandbox: Sandbox) -> None:
    sandbox.plan.add(Fault(kind="status", status=503, path=IMAGE_PATH, times=0))
    chart = await charts.render(parse_chart("lag last 6h size 1200x600"), timezone="UTC")
    assert chart.fallback
    assert png_size(chart.image) == (1200, 600)
    assert (
        "_Drawn by the bot from the numbers: ServiceWatch's chart image failed (503: Internal server error"
        in chart.comment
    )
    assert [s.label for s in chart.summaries] == ["orders-db", "orders-db-replica"]
    assert sandbox.calls[IMAGE_PATH] == 2  # one try and one retry, then the fallback


@pytest.mark.parametrize(
    ("lang", "words", "foreign"),
    [
        (
            ENGLISH,
            [
                "[Sandbox data] Replication Lag · orders-db, orders-db-replica · last 6h (Nov 26 21:00 – Nov 27 03:00 UTC)"
                " · MAX",
                "Time (UTC)",
                "Nov 27",
                "Nov 27, 2026",
                "Milliseconds (ms)",
                "Drawn by the bot from ListMetricData (ServiceWatch's image was unavailable)",
            ],
            ["샌드박스", "시간", "11월", "밀리초", "최대", "그림"],
        ),
        (
            KOREAN,
            [
                "[샌드박스 데이터] Replication Lag · orders-db, orders-db-replica · last 6h (11월 26일 21:00 – 11월 27일 "
                "03:00 UTC) · 최대",
                "시간 (UTC)",
                "11월 27일",
                "2026년 11월 27일",
                "밀리초 (ms)",
                "ListMetricData 수치로 봇이 직접 그림 (ServiceWatch 차트 이미지를 불러오지 못함)",
            ],
            ["Sandbox", "Time", "Nov", "Milliseconds", "MAX", "Drawn"],
        ),
    ],
)
async def test_the_fallback_image_speaks_the_askers_language(
    sandbox: Sandbox, lang: str, words: list[str], foreign: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A sandbox chart's title, the axes, ticks and footnote: read from the figure handed to matplotlib."""
    drawn = texts_drawn_by(monkeypatch, compare)
    sandbox.plan.add(Fault(kind="status", status=503, path=IMAGE_PATH, times=0))
    async with service_of(sandbox, ChartDefaults(sandbox=True)) as charts:
        with speaking(lang):
            chart = await charts.render(parse_chart("lag last 6h"), timezone="UTC")
    assert chart.fallback
    (texts,) = drawn
    assert [word for word in words if word not in texts] == [], texts
    assert [text for text in texts if any(word in text for word in foreign)] == []  # nothing in the other language


async def test_the_fallback_also_covers_a_page_instead_of_an_image(charts: ChartService, sandbox: Sandbox) -> None:
    sandbox.plan.add(Fault(kind="html", path=IMAGE_PATH))
    chart = await charts.render(parse_chart("lag"), timezone="UTC")
    assert chart.fallback


async def test_a_refused_request_is_the_users_to_fix_not_a_fallback(charts: ChartService, sandbox: Sandbox) -> None:
    sandbox.plan.add(Fault(kind="status", status=403, detail="no ServiceWatch permission", path=IMAGE_PATH))
    with pytest.raises(UserError, match="ServiceWatch read permission"):
        await charts.render(parse_chart("lag"), timezone="UTC")


async def test_when_nothing_works_the_error_says_so(charts: ChartService, sandbox: Sandbox) -> None:
    sandbox.plan.add(Fault(kind="status", status=502, times=0))
    with pytest.raises(ServiceWatchError, match="502"):
        await charts.render(parse_chart("lag"), timezone="UTC")


async def test_no_data_is_said_not_drawn(charts: ChartService) -> None:
    with pytest.raises(
        NoDataError, match=r"No data for CPU Usage/Core\[Basic\] · batch-02 in last 3h \(09:00–12:00 KST\)"
    ):
        await charts.render(parse_chart(f"{CPU} resource=batch-02"), timezone="Asia/Seoul")


async def test_ten_identical_requests_make_one_image_call(charts: ChartService, sandbox: Sandbox) -> None:
    sandbox.plan.latency = 0.2
    spec = parse_chart("lag last 3h")
    await charts.catalog()
    charts_made = await asyncio.gather(*[charts.render(spec, timezone="Asia/Seoul") for _ in range(10)])
    assert len({c.image for c in charts_made}) == 1
    assert sandbox.calls[IMAGE_PATH] == 1
    assert sandbox.calls[DATA_PATH] == 1
    await charts.render(spec, timezone="Asia/Seoul")  # answered within the period: still no new call
    assert sandbox.calls[IMAGE_PATH] == 1


async def test_the_concurrency_limit_holds(charts: ChartService, sandbox: Sandbox) -> None:
    await use_stock_images(sandbox, (1400, 500))  # the calls' overlap is the subject, not matplotlib
    sandbox.plan.latency = 0.1
    await charts.catalog()
    windows = ["1h", "2h", "3h", "4h", "5h", "6h"]
    await asyncio.gather(*[charts.render(parse_chart(f"lag {w}"), timezone="UTC") for w in windows])
    assert sandbox.calls[IMAGE_PATH] == 6
    assert sandbox.peak_in_flight <= 2


async def test_a_cancelled_chart_stops_its_image_call(charts: ChartService, sandbox: Sandbox) -> None:
    """A chart cancelled while it waits for the numbers (a shutdown, a superseded request) leaves no image call
    running at ServiceWatch."""
    await charts.catalog()
    sandbox.plan.add(Fault(kind="timeout", delay=60, path=IMAGE_PATH))
    sandbox.plan.add(Fault(kind="timeout", delay=60, path=DATA_PATH))
    render = asyncio.create_task(charts.render(parse_chart("lag last 3h"), timezone="UTC"))
    await wait_for_sandbox(sandbox, lambda: sandbox.in_flight == 2)  # both calls held there
    render.cancel()
    with pytest.raises(asyncio.CancelledError):
        await render
    await wait_for_sandbox(sandbox, lambda: sandbox.in_flight == 0)  # the sandbox saw both of them leave
    assert (sandbox.calls[IMAGE_PATH], sandbox.calls[DATA_PATH]) == (1, 1)


async def test_a_cancelled_chart_leaves_the_image_call_to_an_identical_one(
    charts: ChartService, sandbox: Sandbox
) -> None:
    await charts.catalog()
    sandbox.plan.add(Fault(kind="timeout", delay=60, path=IMAGE_PATH))
    spec = parse_chart("lag last 3h")
    first, second = (asyncio.create_task(charts.render(spec, timezone="UTC")) for _ in range(2))
    # Both wait on the one image call: the numbers came, and the image request is held.
    await wait_for_sandbox(sandbox, lambda: (sandbox.calls[DATA_PATH], sandbox.in_flight) == (1, 1))
    first.cancel()
    with pytest.raises(asyncio.CancelledError):
        await first
    sandbox.plan.clear()  # the held image request is answered now
    chart = await second
    assert not chart.fallback
    assert sandbox.calls[IMAGE_PATH] == 1  # the call the cancelled chart started served the other; none was re-sent


# The chat actions, with saved charts in SQLite and PostgreSQL ------------------------------------------------------------


@pytest.fixture
def actions(charts: ChartService, database: Database) -> ChatActions:
    saved = SavedCharts(database)
    maker = ChartMaker(OneAccount(charts), saved, default_timezone="UTC")
    return ChatActions(maker, saved, default_window=charts.defaults.window)


KIM = Asker(user_id="U1", channel_id="C1", mention="<@U1>", timezone="Asia/Seoul")
LEE = Asker(user_id="U2", channel_id="C1", mention="<@U2>", timezone="Europe/Berlin")


SLACK_SECTION, SLACK_MESSAGE = 3000, 40_000  # a section's text, a message's text


@pytest.mark.slow
async def test_a_thousand_saved_charts_are_listed_in_pages_within_slacks_limits(
    actions: ChatActions, database: Database
) -> None:
    """1,000 saved charts (saved before the cap, or under a higher one): `saved` answers a page within Slack's limits,
    whose footer names the next, and every chart is on exactly one page."""
    store = SavedCharts(database)
    names = [f"chart-{n:04}-{'x' * (n % 30)}" for n in range(1000)]
    for n, name in enumerate(names):
        await store.save(
            "C1", name, f'{CPU} resource=web-{n:02} last {n % 48 + 1}h title "Chart {n}"', "U1", is_admin=False
        )
    line, seen, pages = "saved", [], 0
    while line:
        reply = await actions.handle(line, LEE)
        assert isinstance(reply, TextReply)
        assert len(reply.text) <= SLACK_SECTION <= SLACK_MESSAGE  # a plain text reply: no blocks to count
        seen += re.findall(r"^• `([^`]+)`", reply.text, flags=re.MULTILINE)
        pages += 1
        found = re.search(r"next: `/chart (saved page \d+)`", reply.text)
        line = found.group(1) if found else ""
    assert seen == sorted(names)  # every one, once, in the listing's order
    assert f"_Page {pages} of {pages}_ (the last)" in reply.text
    assert pages > 20
    with speaking(KOREAN):
        korean = await actions.handle("저장목록 2쪽", LEE)
    assert isinstance(korean, TextReply)
    assert f"_{pages}쪽 중 2쪽_ · 다음: `/chart 저장목록 3쪽`" in korean.text


async def test_a_saved_chart_round_trips(actions: ChatActions, sandbox: Sandbox) -> None:
    saved = await actions.handle(f'save web-cpu {CPU} resource=web-01 last 6h title "Web CPU"', KIM, now=NOW)
    assert isinstance(saved, TextReply)
    assert saved.text.startswith(
        f'Saved `web-cpu` for this channel: {CPU} resource=web-01 last 6h title "Web CPU" (1 line).'
    )
    listing = await actions.handle("saved", LEE)
    assert isinstance(listing, TextReply)
    assert "`web-cpu`" in listing.text
    assert "(by <@U1>)" in unmarked(listing.text)
    reply = await actions.handle("web-cpu 24h stat max", LEE, now=NOW)
    assert isinstance(reply, ChartReply)
    assert (
        reply.chart.comment
        == "*Web CPU* · last 24h (Nov 26 04:00 – Nov 27 04:00 CET) · period 5m (auto) · MAX · asked by <@U2>"
    )
    plain = await actions.handle("WEB-CPU", KIM, now=NOW)
    assert isinstance(plain, ChartReply)
    assert plain.chart.plan.window_text == "last 6h"
    with pytest.raises(UserError, match="only they or an admin can change it"):
        await actions.handle(f"save web-cpu {CPU}", LEE, now=NOW)
    other_channel = await actions.handle("saved", Asker(user_id="U1", channel_id="C2"))
    assert isinstance(other_channel, TextReply)
    assert other_channel.text.startswith("No saved charts in this channel yet.")
    forgot = await actions.handle("forget web-cpu", KIM)
    assert isinstance(forgot, TextReply)
    assert forgot.text.startswith("Forgot `web-cpu`")


async def test_a_chart_that_cannot_be_drawn_is_not_saved(actions: ChatActions, sandbox: Sandbox) -> None:
    with pytest.raises(ChartUsageError, match="There is no metric “cpuxyz”"):
        await actions.handle("save web-cpu cpuxyz last 3h", KIM, now=NOW)
    assert await actions.saved.in_channel("C1") == []
    assert sandbox.calls[IMAGE_PATH] == 0


async def test_dry_run_shows_the_exact_body_and_sends_nothing(actions: ChatActions, sandbox: Sandbox) -> None:
    reply = await actions.handle("lag last 1h dry-run", KIM, now=NOW)
    assert isinstance(reply, DryRunReply)
    assert reply.body.startswith('{"start":')
    assert '"timezone":"Asia/Seoul"' in reply.body
    assert sandbox.calls[IMAGE_PATH] == sandbox.calls[DATA_PATH] == 0


async def test_help_and_metrics(actions: ChatActions) -> None:
    help_reply = await actions.handle("help", KIM)
    assert isinstance(help_reply, TextReply)
    assert help_reply.text.startswith("*ServiceWatch charts* — say what you want to see, in any order:\n• `cpu web-01")
    metrics = await actions.handle("metrics postgresql(dbaas) lag", KIM)
    assert isinstance(metrics, TextReply)
    assert (
        "`PostgreSQL(DBaaS):Replication Lag` (millisecond; MAX/AVG; by InstanceId): orders-db, orders-db-replica"
        in metrics.text
    )
    namespaces = await actions.handle("metrics", KIM)
    assert isinstance(namespaces, TextReply)
    assert "• *Virtual Server*: 6 metrics, 6 resources" in namespaces.text


def test_error_text_shapes() -> None:
    assert error_text(UserError("Your words")) == ("Your words", None)
    text, reference = error_text(RuntimeError("secret detail"))
    assert reference is not None
    assert text == f"Something went wrong (ref {reference}). Try again; if it keeps happening, tell the bot's admins."
    assert "secret detail" not in text
