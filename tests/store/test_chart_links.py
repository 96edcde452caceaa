"""Chart links on SQLite and PostgreSQL: made before the post, pointed at the message, redrawn, found, pruned."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.charts.facts import ChartFacts, LineNumbers
from bot.store import Database
from bot.store.chart_links import ChartLinkStore
from bot.store.retention import Pruner, Rule

T0 = datetime(2026, 12, 8, 3, 0, tzinfo=UTC)
FACTS = ChartFacts(
    title="CPU · web-01",
    window="last 3h (00:00–03:00 UTC)",
    metric="Virtual Server:CPU Usage/Core[Basic]",
    stat="AVG",
    period="5m",
    alt_text="Chart of …",
    drawn_at=int(T0.timestamp()),
    lines=(LineNumbers("web-01", "12.0%", "34.5%", "80.1%", "40.2%"),),
    thresholds=("> 80%",),
)


async def test_a_link_is_made_then_pointed_at_its_message_and_redrawn(database: Database) -> None:
    now = [T0]
    links = ChartLinkStore(database, clock=lambda: now[0])
    await links.add("tok-1", "T1", "C1", FACTS.dumps())
    made = await links.find("tok-1")
    assert made is not None
    assert (made.workspace, made.channel_id, made.message_ts, made.file_id, made.posted_at) == (
        "T1",
        "C1",
        None,
        None,
        T0,
    )
    assert ChartFacts.loads(made.facts) == FACTS
    await links.posted("tok-1", "C1", "1700000000.000100")
    redrawn = ChartFacts(**{**FACTS.__dict__, "stat": "MAX"})
    await links.drawn("C1", "1700000000.000100", redrawn.dumps(), "F1")
    found = await links.find("tok-1")
    assert found is not None
    assert (found.message_ts, found.file_id) == ("1700000000.000100", "F1")
    assert ChartFacts.loads(found.facts).stat == "MAX"
    assert await links.find("tok-2") is None


async def test_old_links_are_pruned(database: Database) -> None:
    now = [T0 - timedelta(days=91)]
    links = ChartLinkStore(database, clock=lambda: now[0])
    await links.add("old", "", "C1", FACTS.dumps())
    now[0] = T0
    await links.add("new", "", "C1", FACTS.dumps())
    pruner = Pruner(
        database, [Rule("chart_links", "posted_at", timedelta(days=90))], every=timedelta(minutes=10), clock=lambda: T0
    )
    assert (await pruner.prune())["chart_links"] == 1
    assert await links.find("old") is None
    assert await links.find("new") is not None
