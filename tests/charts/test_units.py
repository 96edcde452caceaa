"""A metric's unit on the y axis: label, round steps and tick text, never `1e6`."""

from __future__ import annotations

import pytest

from bot.drawing.units import axis_label, nice_step, scale_for, tick_label, tick_step, unit_kind
from bot.i18n import KOREAN, speaking


@pytest.mark.parametrize(
    ("unit", "kind", "label"),
    [
        ("PERCENT", "percent", "Percent (%)"),
        ("%", "percent", "Percent (%)"),
        ("BYTE", "bytes", "Bytes"),
        ("Bytes/Second", "bytes", "Bytes/s"),
        ("BITS_PER_SECOND", "bits", "Bits/s"),
        ("MILLISECOND", "milliseconds", "Milliseconds (ms)"),
        ("SECOND", "seconds", "Seconds (s)"),
        ("COUNT", "count", "Count"),
        ("", "count", "Count"),
        ("NONE", "count", "Count"),
    ],
)
def test_the_kind_and_axis_label_of_a_unit(unit: str, kind: str, label: str) -> None:
    assert unit_kind(unit).name == kind
    assert axis_label(unit) == label


def test_the_axis_label_speaks_korean() -> None:
    with speaking(KOREAN):
        assert axis_label("PERCENT") == "백분율 (%)"
        assert axis_label("BYTE") == "바이트"


@pytest.mark.parametrize(
    ("unit", "high", "ticks"),
    [
        ("PERCENT", 100.0, ["0%", "20%", "40%", "60%", "80%", "100%"]),
        ("BYTE", 5.2e6, ["0 MiB", "1 MiB", "2 MiB", "3 MiB", "4 MiB", "5 MiB"]),
        ("BYTE", 900.0, ["0 B", "200 B", "400 B", "600 B", "800 B", "1,000 B"]),
        ("BYTES/SECOND", 2.5 * 2**30, ["0 GiB/s", "0.5 GiB/s", "1 GiB/s", "1.5 GiB/s", "2 GiB/s", "2.5 GiB/s"]),
        ("BIT/SECOND", 2.5e7, ["0 Mbit/s", "5 Mbit/s", "10 Mbit/s", "15 Mbit/s", "20 Mbit/s", "25 Mbit/s"]),
        ("COUNT", 1.25e6, ["0", "0.25M", "0.5M", "0.75M", "1M", "1.25M"]),
        ("COUNT", 4500.0, ["0", "1k", "2k", "3k", "4k", "5k"]),
        ("COUNT", 5.0, ["0", "1", "2", "3", "4", "5"]),
        ("MILLISECOND", 2500.0, ["0 ms", "500 ms", "1,000 ms", "1,500 ms", "2,000 ms", "2,500 ms"]),
        ("COUNT", 0.1, ["0", "0.02", "0.04", "0.06", "0.08", "0.1"]),
    ],
)
def test_ticks_from_zero_to_the_top(unit: str, high: float, ticks: list[str]) -> None:
    step = tick_step(unit, 0.0, high)
    scale = scale_for(unit, high)
    labels = [tick_label(i * step, scale) for i in range(6)]
    assert labels == ticks


@pytest.mark.parametrize(("span", "step"), [(100, 20), (7, 2), (12, 2.5), (0.9, 0.2), (3e6, 1e6), (0, 1), (-5, 1)])
def test_nice_step(span: float, step: float) -> None:
    assert nice_step(span) == pytest.approx(step)


def test_negative_values_keep_their_sign() -> None:
    assert tick_label(-2 * 2**20, scale_for("BYTE", 3 * 2**20)) == "-2 MiB"
