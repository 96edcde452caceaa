"""The bot's own charts (the fallback; the sandbox's too), read from the figure rather than its pixels: units on the
y axis, the legend off the data, dates at midnight, every word in the asker's language, Korean in the bundled font."""

from __future__ import annotations

import math
import warnings
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import matplotlib
import pytest
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text

from bot.drawing.fonts import HANGUL_FAMILY, bundled_font_path, use_hangul_fallback
from bot.drawing.render import PlotSeries, draw_line_chart, tick_labels, to_png
from bot.i18n import ENGLISH, KOREAN, speaking
from tests.figures import figure_texts
from tests.pngs import png_size

KST = ZoneInfo("Asia/Seoul")
EVENING = int(datetime(2026, 11, 27, 21, tzinfo=KST).timestamp())


def wave(start: int, hours: int, level: float, phase: float = 0.0) -> list[tuple[int, float]]:
    return [(start + i * 300, level * (1.5 + math.sin(i / 8 + phase))) for i in range(hours * 12 + 1)]


def chart(unit: str, level: float, *, lines: int = 1, hours: int = 6, title: str = "t") -> Figure:
    series = [PlotSeries(f"Virtual Server | web-0{k} | metric", wave(EVENING, hours, level, k)) for k in range(lines)]
    figure = draw_line_chart(
        series, title=title, start=EVENING, end=EVENING + hours * 3600, timezone="Asia/Seoul", unit=unit
    )
    FigureCanvasAgg(figure).draw()  # lays out ticks and the legend as savefig would
    return figure


def y_ticks(figure: Figure) -> list[str]:
    axes = figure.axes[0]
    low, high = axes.get_ylim()
    ticks = [t for t in axes.get_yticks() if low - 1e-9 <= t <= high + 1e-9]
    return list(axes.yaxis.get_major_formatter().format_ticks(ticks))


@pytest.mark.parametrize(
    ("unit", "level", "label", "suffix"),
    [
        ("BYTE", 2.5e6, "Bytes", " MiB"),
        ("PERCENT", 30.0, "Percent (%)", "%"),
        ("MILLISECOND", 40.0, "Milliseconds (ms)", " ms"),
        ("COUNT", 4e6, "Count", "M"),
    ],
)
def test_the_y_axis_carries_the_unit(unit: str, level: float, label: str, suffix: str) -> None:
    figure = chart(unit, level)
    axes = figure.axes[0]
    assert axes.get_ylabel() == label
    ticks = y_ticks(figure)
    assert len(ticks) >= 3
    assert all(t.endswith(suffix) for t in ticks if t != "0"), ticks
    assert not any("e+" in t or "e-" in t or "×10" in t for t in ticks), ticks
    assert axes.yaxis.get_offset_text().get_text() == ""  # no `1e6` in the corner


@pytest.mark.parametrize("lines", [1, 5, 10])
def test_the_legend_never_covers_the_data(lines: int) -> None:
    figure = chart("PERCENT", 30.0, lines=lines)
    axes = figure.axes[0]
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    legend = axes.get_legend().get_window_extent(renderer)
    plot = axes.get_window_extent(renderer)
    assert legend.y1 < plot.y0  # wholly below the axes
    assert legend.y0 >= 0  # and on the image
    assert legend.x0 >= 0
    assert legend.x1 <= figure.bbox.width
    assert len(axes.get_legend().get_texts()) == lines


@pytest.mark.parametrize(
    ("lang", "midnight", "corner"), [(ENGLISH, "Nov 28", "Nov 28, 2026"), (KOREAN, "11월 28일", "2026년 11월 28일")]
)
def test_a_tick_at_midnight_shows_the_date(lang: str, midnight: str, corner: str) -> None:
    with speaking(lang):
        figure = chart("PERCENT", 30.0, hours=6)  # 21:00 to 03:00 KST
    axes = figure.axes[0]
    labels = list(axes.xaxis.get_major_formatter().format_ticks(axes.get_xticks()))
    assert midnight in labels
    assert "22:00" in labels
    assert axes.xaxis.get_major_formatter().get_offset() == corner  # the date the axis ends on


@pytest.mark.parametrize(
    ("lang", "days", "months"),
    [
        (ENGLISH, (["Nov", "2", "3", "4"], "Nov 2026"), (["2027", "Feb", "Mar"], "")),
        (KOREAN, (["11월", "2일", "3일", "4일"], "2026년 11월"), (["2027년", "2월", "3월"], "")),
    ],
)
def test_ticks_days_or_months_apart(lang: str, days: tuple[list[str], str], months: tuple[list[str], str]) -> None:
    """The first of a month shows its month, the first of a year its year (then the corner needs none)."""
    with speaking(lang):
        assert tick_labels([datetime(2026, 11, day, tzinfo=KST) for day in (1, 2, 3, 4)]) == days
        assert tick_labels([datetime(2027, month, 1, tzinfo=KST) for month in (1, 2, 3)]) == months


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        (ENGLISH, ["No data in this window", "Time (Asia/Seoul)", "Nov 28", "Nov 28, 2026", "Percent (%)"]),
        (KOREAN, ["이 시간대에 데이터 없음", "시간 (Asia/Seoul)", "11월 28일", "2026년 11월 28일", "백분율 (%)"]),
    ],
)
def test_the_chart_speaks_the_askers_language(lang: str, words: list[str]) -> None:
    with speaking(lang):
        figure = empty_chart()
    texts = figure_texts(figure)
    assert all(word in texts for word in words), texts


def empty_chart() -> Figure:
    """A chart of a window without data, 21:00 to 03:00 KST, laid out."""
    figure = draw_line_chart(
        [PlotSeries("web-01", [])],
        title="t",
        start=EVENING,
        end=EVENING + 6 * 3600,
        timezone="Asia/Seoul",
        unit="PERCENT",
    )
    FigureCanvasAgg(figure).draw()
    return figure


def test_the_bundled_hangul_font_is_found_without_a_machine_font() -> None:
    path = bundled_font_path()
    assert path is not None
    assert path.name == "NanumGothic.ttf"
    assert use_hangul_fallback() == HANGUL_FAMILY
    found = font_manager.findfont(font_manager.FontProperties(family=HANGUL_FAMILY), fallback_to_default=False)
    assert Path(found) == path
    families = matplotlib.rcParams["font.family"]
    assert families[-1] == HANGUL_FAMILY  # a fallback: Latin keeps the font before it
    assert len(families) >= 2


def glyph_warnings(draw: object) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert callable(draw)
        draw()
    return [str(w.message) for w in caught if "Glyph" in str(w.message)]


def korean_chart(points: bool = True) -> bytes:
    """A chart drawn for a Korean asker: its names, title, axes, ticks and footnote in Korean."""
    with speaking(KOREAN):
        return to_png(
            draw_line_chart(
                [PlotSeries("주문 DB 복제본", wave(EVENING, 3, 40.0) if points else [])],
                title="[샌드박스 데이터] 복제 지연 · 주문-db · 지난 3시간 (11월 27일 21:00–00:00 KST) · 최대",
                start=EVENING,
                end=EVENING + 3 * 3600,
                timezone="Asia/Seoul",
                unit="MILLISECOND",
                footnote="ListMetricData 수치로 봇이 직접 그림",
            )
        )


@pytest.mark.parametrize("points", [True, False], ids=["lines", "no data"])
def test_korean_text_draws_in_the_bundled_font(points: bool) -> None:
    png: list[bytes] = []
    assert glyph_warnings(lambda: png.append(korean_chart(points))) == []
    assert png_size(png[0]) == (1400, 500)


def test_without_the_bundled_font_korean_would_be_empty_boxes() -> None:
    """The test above can fail: the same chart with only matplotlib's own font misses every Hangul glyph."""
    use_hangul_fallback()
    latin_only = [f for f in matplotlib.rcParams["font.family"] if f != HANGUL_FAMILY]
    with matplotlib.rc_context({"font.family": latin_only}):
        missing = glyph_warnings(korean_chart)
    assert missing
    assert "missing from font(s) DejaVu Sans" in missing[0]


@pytest.mark.parametrize("typed", [r"$\frac{$ cost", "$5 and $10", r"$x^2$", "$"])
def test_typed_dollars_are_drawn_as_written_never_as_mathtext(typed: str) -> None:
    """A title or a label people typed may hold `$`: drawn as it is, not read as mathtext (which would turn
    `$x^2$` into a formula and refuse `$\\frac{$` outright)."""
    series = [PlotSeries(typed, wave(EVENING, 1, 10.0))]
    figure = draw_line_chart(series, title=typed, start=EVENING, end=EVENING + 3600, timezone="Asia/Seoul")
    assert png_size(to_png(figure)) == (1400, 500)
    texts = [t for t in figure.findobj(Text) if t.get_text() == typed]
    assert len(texts) == 2  # the title and the legend's label
    assert not any(text.get_parse_math() for text in texts)
