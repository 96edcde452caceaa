"""The console's numbered choices: each chart with a view is followed by its controls, numbered; a bare number
clicks one on the last chart drawn (in-process, on the built-in sandbox, as a person would type)."""

from __future__ import annotations

import io
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import load_settings
from bot.console.terminal import run_console
from bot.i18n import KOREAN
from bot.wiring import Services, console_bot, open_services

CPU = '/chart "Virtual Server:CPU Usage/Core[Basic]" last 3h'


@pytest.fixture
async def services(tmp_path: Path, warm_matplotlib: None) -> AsyncIterator[Services]:
    settings = load_settings(
        _env_file=None, servicewatch_sandbox=True, database_url=f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
    )
    async with open_services(settings) as running:
        assert running.sandbox is not None
        running.sandbox.stock_images = True  # one drawing a size: the charts' words and files are what is tested
        yield running


async def console(services: Services, tmp_path: Path, *lines: str, language: str = "en") -> str:
    """What the console prints for `lines`, typed one after another."""
    out = io.StringIO()
    bot = console_bot(services, out, tmp_path / "charts")
    stdin = io.StringIO("".join(f"{line}\n" for line in lines))
    code = await run_console(
        bot.router, services.maker, command="/chart", timezone="UTC", stdin=stdin, outbox=bot.outbox, language=language
    )
    assert code == 0
    return out.getvalue()


def choices_after(out: str, nth: int = -1) -> dict[str, str]:
    """The numbered choices under the `nth` chart printed: label → number."""
    blocks = out.split("chart: ")[1:]
    found = re.findall(r"\[(\d+)\] (.+?)(?=  \[|\n)", blocks[nth])
    return {label: number for number, label in found}


def charts(tmp_path: Path) -> list[str]:
    return sorted(path.name for path in (tmp_path / "charts").glob("*.png"))


async def test_a_chart_is_followed_by_its_numbered_controls(services: Services, tmp_path: Path) -> None:
    out = await console(services, tmp_path, CPU)
    assert out.splitlines()[-3:-1] == [
        "  [1] ↻ Refresh  [2] 1h  [3] 6h  [4] 24h  [5] 7d  [6] ◀ Earlier",
        "  [7] MAX  [8] Compare  [9] Save…  [10] Schedule…",  # CPU's statistics are AVG (shown) and MAX
    ]
    assert "Later ▶" not in out  # the chart ends now
    assert "Just for me" not in out  # one person sits at a console


async def test_a_preset_draws_a_new_chart_and_says_what_changed(services: Services, tmp_path: Path) -> None:
    out = await console(services, tmp_path, CPU, "3")
    assert len(charts(tmp_path)) == 2
    assert "*CPU Usage/Core[Basic]* · last 6h (" in out.split("chart: ")[-1]
    assert re.search(r"^6h · AVG — changed by @\S+\n  \[1\] ↻ Refresh", out, re.M)


async def test_earlier_then_later_comes_back_to_now(services: Services, tmp_path: Path) -> None:
    out = await console(services, tmp_path, CPU, "6")
    assert re.search(r"^3h until \d\d-\d\d \d\d:\d\d · AVG — changed by @", out, re.M)
    assert choices_after(out) == {
        "↻ Refresh": "1",
        "1h": "2",
        "6h": "3",
        "24h": "4",
        "7d": "5",
        "◀ Earlier": "6",
        "Later ▶": "7",
        "MAX": "8",
        "Compare": "9",
        "Save…": "10",
        "Schedule…": "11",
    }
    out = await console(services, tmp_path, CPU, "6", "7")
    assert re.search(r"^3h · AVG — changed by @", out.split("chart: ")[-1], re.M)
    assert "*CPU Usage/Core[Basic]* · last 3h (" in out.split("chart: ")[-1]
    assert "Later ▶" not in out.split("chart: ")[-1]


async def test_a_statistic_then_compare(services: Services, tmp_path: Path) -> None:
    out = await console(services, tmp_path, '/chart "HTTP 5xx Count" last 3h', "7", "8")
    assert choices_after(out, 0)["MAX"] == "7"  # 5xx counts: SUM (shown) and MAX
    assert re.search(r"^3h · MAX — changed by @", out, re.M)
    assert choices_after(out, 1)["SUM"] == "7"
    assert re.search(r"^3h · MAX · compared with yesterday and a week ago — changed by @", out, re.M)
    assert choices_after(out)["Hide comparison"] == "8"
    assert [name.endswith("-compared.png") for name in charts(tmp_path)].count(True) == 1
    assert len(charts(tmp_path)) == 3  # each drawing a file of its own


async def test_save_prints_the_line_to_type_and_the_line_saves_it(services: Services, tmp_path: Path) -> None:
    out = await console(services, tmp_path, CPU, "3", "9")
    typed = '/chart save NAME "Virtual Server:CPU Usage/Core[Basic]" last 6h stat avg'
    assert f"chart> Type: {typed}\n" in out
    out = await console(services, tmp_path, typed.replace("NAME", "web-cpu"), "/chart web-cpu")
    assert "Saved `web-cpu` for this channel" in out
    assert "*web-cpu* · last 6h (" in out


async def test_schedule_prints_the_line_to_type_and_the_line_schedules_it(services: Services, tmp_path: Path) -> None:
    out = await console(services, tmp_path, CPU, "10")
    typed = '/chart schedule "Virtual Server:CPU Usage/Core[Basic]" last 3h stat avg every day at 09:00'
    assert f"chart> Type: {typed}\n" in out
    out = await console(services, tmp_path, typed)
    assert "chart> Scheduled #1: CPU Usage/Core[Basic], every day at 09:00 (UTC) in #console, last 3h each time." in out


async def test_a_number_without_a_chart_or_out_of_range(services: Services, tmp_path: Path) -> None:
    out = await console(services, tmp_path, "3", CPU, "11", "0")
    assert "chart> No chart has been drawn yet: draw one, then type a number to use its controls." in out
    assert "chart> There is no choice 11: the last chart's are 1–10." in out
    assert "chart> There is no choice 0: the last chart's are 1–10." in out
    assert len(charts(tmp_path)) == 1


async def test_an_unchanged_refresh_and_a_refusal_are_said(services: Services, tmp_path: Path) -> None:
    lines = [f"/chart save web-cpu {CPU.removeprefix('/chart ')}", "/chart web-cpu", "1", "/chart forget web-cpu", "3"]
    out = await console(services, tmp_path, *lines)
    assert "chart> This chart is up to date: ServiceWatch has no newer point yet (one every 5m)." in out
    assert "chart> This chart cannot be drawn again: " in out  # the saved chart it drew is forgotten
    assert len(charts(tmp_path)) == 1


async def test_the_korean_console_shows_korean_controls(services: Services, tmp_path: Path) -> None:
    out = await console(services, tmp_path, CPU, "3", "11", language=KOREAN)
    assert out.splitlines()[-4:-1] == [
        "  [1] ↻ 새로 고침  [2] 1h  [3] 6h  [4] 24h  [5] 7d  [6] ◀ 이전",
        "  [7] MAX  [8] 비교  [9] 저장…  [10] 예약…",
        "chart> 11번 선택지는 없습니다. 마지막 차트의 선택지는 1–10번입니다.",
    ]
    assert re.search(r"^6h · AVG — @\S+ 님이 바꿈$", out, re.M)


# A question's readings: numbered after it; a number picks one and runs its line ---------------------------------


async def test_a_question_is_followed_by_its_numbered_readings_and_a_number_picks_one(
    services: Services, tmp_path: Path
) -> None:
    out = await console(services, tmp_path, "cpu last 6h", "2")
    assert "  [1] PostgreSQL(DBaaS): CPU Usage  [2] Virtual Server: CPU Usage/Core[Basic]" in out
    assert 'Drawing Virtual Server: CPU Usage/Core[Basic]: `"Virtual Server:CPU Usage/Core[Basic]" last 6h`' in out
    assert "*CPU Usage/Core[Basic]* · last 6h" in out.split("chart: ")[-1]
    assert len(charts(tmp_path)) == 1


async def test_after_the_pick_numbers_click_the_new_charts_controls(services: Services, tmp_path: Path) -> None:
    out = await console(services, tmp_path, "memory", "1", "2")
    assert "*Memory Usage* · last 1h" in out.split("chart: ")[-1]  # [2] under the picked chart is the 1h preset
    assert len(charts(tmp_path)) == 2


async def test_a_reading_out_of_range_and_a_new_line_forget_the_question(services: Services, tmp_path: Path) -> None:
    out = await console(services, tmp_path, "cpu", "7", "lag 3h", "2")
    assert "There is no reading 7: pick 1–2, or type the chart again." in out
    assert "Drawing" not in out  # after `lag 3h`, 2 is its chart's 1h
    assert len(charts(tmp_path)) == 2


async def test_a_question_in_a_thread_is_answered_in_that_thread(services: Services, tmp_path: Path) -> None:
    out = await console(services, tmp_path, "@bot cpu 3h", "1")
    assert "chart (in the thread): " in out


async def test_the_korean_console_picks_in_korean(services: Services, tmp_path: Path) -> None:
    out = await console(services, tmp_path, "씨퓨 보여줘", "1", language=KOREAN)
    assert "메트릭이 2개예요" in out
    assert 'PostgreSQL(DBaaS): CPU Usage(으)로 그리는 중: `"PostgreSQL(DBaaS):CPU Usage" 보여줘`' in out
