"""Watched alerts on the console (in-process, on the built-in sandbox, as a person would type): `watch alerts`
answers; a firing prints its heading and writes its chart once, with numbered controls; a clear prints the incident's
new heading and the recovery chart; a firing soon after says the incident reopens; a deleted alert tells its
subscriber. Each poll is the watcher's `poll_once()`, not a wait on its interval."""

from __future__ import annotations

import io
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.alerting.watcher import AlertWatcher
from bot.config import load_settings
from bot.console.terminal import run_console
from bot.i18n import ENGLISH, KOREAN
from bot.store import SavedCharts
from bot.wiring import Services, console_bot, open_services


class Console:
    """The console of a running bot: its outbox, its alert watcher, and what it has printed so far."""

    def __init__(self, services: Services, tmp_path: Path, language: str) -> None:
        self.services, self.language = services, language
        self.out = io.StringIO()
        self.bot = console_bot(services, self.out, tmp_path / "charts")
        self.outbox = self.bot.outbox
        self.charts_dir = tmp_path / "charts"
        self.watcher: AlertWatcher = self.bot.alerts
        self._read = 0

    async def type(self, *lines: str) -> str:
        stdin = io.StringIO("".join(f"{line}\n" for line in lines))
        code = await run_console(
            self.bot.router,
            self.services.maker,
            command="/chart",
            timezone="UTC",
            stdin=stdin,
            outbox=self.outbox,
            language=self.language,
        )
        assert code == 0
        return self.new()

    async def poll(self) -> str:
        await self.watcher.poll_once()
        return self.new()

    def new(self) -> str:
        """What was printed since last asked."""
        text = self.out.getvalue()
        fresh, self._read = text[self._read :], len(text)
        return fresh

    def charts(self) -> list[str]:
        return sorted(path.name for path in self.charts_dir.glob("*.png"))

    async def alert(self, name: str) -> str:
        catalog = await self.services.charts.catalog()
        return next(alert.id for alert in catalog.alerts() if alert.name == name)

    def set_state(self, alert_id: str, state: str) -> None:
        assert self.services.sandbox is not None
        self.services.sandbox.set_alert_state(alert_id, state)


async def open_console(tmp_path: Path, language: str) -> AsyncIterator[Console]:
    settings = load_settings(
        _env_file=None,
        servicewatch_sandbox=True,
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
        bot_language="auto" if language == ENGLISH else language,
        alert_quiet_time="1h",
        servicewatch_max_retries=0,
    )
    async with open_services(settings) as running:
        assert running.sandbox is not None
        running.sandbox.stock_images = True  # one drawing a size: the words and files are what is tested
        yield Console(running, tmp_path, language)


@pytest.fixture
async def console(tmp_path: Path, warm_matplotlib: None) -> AsyncIterator[Console]:
    async for opened in open_console(tmp_path, ENGLISH):
        yield opened


@pytest.fixture
async def korean(tmp_path: Path, warm_matplotlib: None) -> AsyncIterator[Console]:
    async for opened in open_console(tmp_path, KOREAN):
        yield opened


async def test_fire_clear_and_flap_are_printed_once_each(console: Console) -> None:
    out = await console.type("watch alerts web-01 cpu")
    assert "chart> Watching 1 alert in #console (watch #1): web-01 CPU high. ServiceWatch is asked every 1m;" in out
    web01 = await console.alert("web-01 CPU high")
    assert await console.poll() == ""  # normal: nothing said

    console.set_state(web01, "ALERT")
    out = await console.poll()
    lines = out.splitlines()
    assert lines[0] == "🔴 *High* · *web-01 CPU high* is ALERT on web-01"
    assert re.fullmatch(r"avg CPU Usage/Core\[Basic\] > 80% for 2 of 3 × 5 min · now \d+(\.\d)?%", lines[1])
    assert lines[2].startswith("chart: ")
    assert console.charts() == [Path(lines[2]).name]  # the file printed, written
    assert lines[3].startswith("*web-01 CPU high · avg CPU Usage/Core[Basic] > 80% for 2 of 3 × 5 min* · last 90m (")
    assert "asked by alert “web-01 CPU high”" in lines[3]
    assert "  [1] ↻ Refresh  [2] 1h  [3] 6h  [4] 24h  [5] 7d  [6] ◀ Earlier" in lines  # steerable as any chart
    assert len(console.charts()) == 1
    assert await console.poll() == ""  # seen again: nothing more
    assert len(console.charts()) == 1

    out = await console.type("3")  # its controls work as any chart's
    assert re.search(r"^6h · AVG — changed by @\S+$", out, re.M)

    console.set_state(web01, "NORMAL")
    out = await console.poll()
    lines = out.splitlines()
    assert re.fullmatch(
        r"\(the incident message is updated\) ✅ \*web-01 CPU high\* resolved after \d+m · peak [\d.]+% at \d\d:\d\d",
        lines[0],
    )
    assert lines[1].startswith("chart (in the thread): ")
    assert Path(lines[1]).name in console.charts()

    console.set_state(web01, "ALERT")  # within the quiet time: the same incident reopens
    out = await console.poll()
    assert out.startswith("It fired again within 1h of clearing: 🔴 *High* · *web-01 CPU high* is ALERT on web-01\n")
    assert "\nchart (in the thread): " in out


async def test_a_deleted_alert_is_told_to_its_subscriber(console: Console) -> None:
    await console.type("watch alerts web-01 cpu")
    web01 = await console.alert("web-01 CPU high")
    assert console.services.sandbox is not None
    console.services.sandbox.update_alert(web01, deleted=True)
    out = await console.poll()
    assert re.fullmatch(
        r"\(a direct message to @\S+\) The alert “web-01 CPU high” was deleted in ServiceWatch, so watch #1 in "
        r"#console no longer watches it\. It watched nothing else, so it has ended\.\n",
        out,
    )
    assert await console.poll() == ""


async def test_the_korean_console_says_alerts_in_korean(korean: Console) -> None:
    out = await korean.type("watch alerts web-01 cpu")
    assert "chart> #console에서 알림 1개를 감시합니다(감시 #1): web-01 CPU high." in out
    web01 = await korean.alert("web-01 CPU high")
    korean.set_state(web01, "ALERT")
    out = await korean.poll()
    assert out.startswith(
        "🔴 *높음* · *web-01 CPU high* web-01에서 ALERT\n평균 CPU Usage/Core[Basic] > 80% (5분 × 3회 중 2회)"
    )
    assert "\n차트: " in out
    korean.set_state(web01, "NORMAL")
    out = await korean.poll()
    assert re.match(
        r"\(장애 메시지가 바뀜\) ✅ \*web-01 CPU high\* \d+m 만에 해소됨 · 최고 [\d.]+% \(\d\d:\d\d\)\n", out
    )
    assert "\n차트 (스레드): " in out


async def test_no_data_while_firing_is_said_in_the_incident_thread(console: Console) -> None:
    await console.type("watch alerts web-01 cpu")
    web01 = await console.alert("web-01 CPU high")
    console.set_state(web01, "ALERT")
    await console.poll()
    console.set_state(web01, "INSUFFICIENT_DATA")
    out = await console.poll()
    assert out.startswith("(in the incident's thread) ⚪ no data: *web-01 CPU high* on web-01 sends no data")
    assert "The incident stays open" in out
    console.set_state(web01, "CRITICAL")  # an unknown state: a note, not a firing
    out = await console.poll()
    assert out.startswith("(in the incident's thread) ❔ *web-01 CPU high* on web-01 is in the state “CRITICAL”")
    console.set_state(web01, "ALERT")
    out = await console.poll()
    assert out.startswith("(in the incident's thread) It sends data again and is still firing: 🔴 *High*")
    assert "chart" not in out  # no new chart: the incident goes on
    assert len(console.charts()) == 1


async def test_no_data_is_said_to_a_watch_that_asked(console: Console) -> None:
    await console.type("watch alerts web-01 cpu nodata")
    web01 = await console.alert("web-01 CPU high")
    console.set_state(web01, "INSUFFICIENT_DATA")
    out = await console.poll()
    assert out.startswith("⚪ no data: *web-01 CPU high* on web-01 sends no data (the server may be stopped).")
    assert console.charts() == []  # no incident, no chart
    console.set_state(web01, "NORMAL")
    assert (await console.poll()).startswith("🟢 data again: *web-01 CPU high* on web-01 is normal.")


async def test_the_console_shows_long_listings_in_pages(console: Console) -> None:
    saved = SavedCharts(console.services.database)
    for n in range(120):
        await saved.save("console", f"chart-{n:03}", f"cpu web-01 last {n + 1}h", "console", is_admin=False)
    first = await console.type("saved")
    found = re.search(r"_Page 1 of (\d+)_ · next: `/chart saved page 2`", first)
    assert found is not None
    pages = int(found.group(1))
    last = await console.type(f"saved page {pages}")
    assert "`chart-119`" in last
    assert f"_Page {pages} of {pages}_ (the last)" in last
