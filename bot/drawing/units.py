"""A metric's unit on a chart's y axis: the axis label, the tick step and each tick's text. Pure, no matplotlib.

Bytes take binary prefixes (KiB, MiB, …): the numbers under the chart divide by 1024 too, so axis and summary agree,
and the IEC names say which multiple is meant. Bits take decimal ones (kbit, Mbit), as network rates are quoted.
Counts take k, M, B; percentages a `%`; times `ms` or `s`. No tick is ever written as `1e6` or with an offset.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from bot.i18n import _

BINARY_PREFIXES = ("", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei")
DECIMAL_PREFIXES = ("", "k", "M", "G", "T", "P", "E")
COUNT_SUFFIXES = ("", "k", "M", "B", "T")
NICE_STEPS = (1.0, 2.0, 2.5, 5.0, 10.0)


@dataclass(frozen=True)
class UnitKind:
    """How one family of units is written: the axis label and the multiples its ticks use."""

    name: str  # percent, bytes, bits, milliseconds, seconds, count
    base: int  # 1 (no multiples), 1000 or 1024
    symbol: str  # after the number and its prefix: `%`, `B`, `bit`, `ms`, `s`, or nothing
    per_second: bool = False


def unit_kind(unit: str) -> UnitKind:
    """The kind of a catalog unit (`PERCENT`, `BYTE`, `BYTES/SECOND`, `MILLISECOND`, `COUNT`, …); a count if unknown."""
    text = unit.strip().upper().replace("_", " ").replace("-", " ")
    rate = "/S" in text or "PER SEC" in text
    if text in ("PERCENT", "%", "PERCENTAGE"):
        return UnitKind("percent", 1, "%")
    if text.startswith("BYTE") or text in ("B", "B/S"):
        return UnitKind("bytes", 1024, "B", rate)
    if text.startswith("BIT") or text == "BPS":
        return UnitKind("bits", 1000, "bit", rate or text == "BPS")
    if text in ("MILLISECOND", "MILLISECONDS", "MS"):
        return UnitKind("milliseconds", 1, "ms")
    if text in ("SECOND", "SECONDS", "S", "SEC"):
        return UnitKind("seconds", 1, "s")
    return UnitKind("count", 1000, "")


def axis_label(unit: str) -> str:
    """The y axis's label: what is counted and its unit, e.g. `Percent (%)`, `Bytes/s`."""
    kind = unit_kind(unit)
    labels = {
        "percent": _("Percent (%)"),
        "bytes": _("Bytes"),
        "bits": _("Bits"),
        "milliseconds": _("Milliseconds (ms)"),
        "seconds": _("Seconds (s)"),
        "count": _("Count"),
    }
    text = labels[kind.name]
    return f"{text}/s" if kind.per_second else text


@dataclass(frozen=True)
class Scale:
    """How the ticks of one axis are written: divide by `divisor`, then add `suffix`."""

    divisor: float
    suffix: str


def scale_for(unit: str, largest: float) -> Scale:
    """The multiple that writes `largest` (the axis's largest absolute value) with 1 to 3 digits before the point."""
    kind = unit_kind(unit)
    rate = "/s" if kind.per_second else ""
    if kind.base == 1:
        return Scale(1.0, ("%" if kind.name == "percent" else f" {kind.symbol}") + rate)
    names = COUNT_SUFFIXES if kind.name == "count" else BINARY_PREFIXES if kind.base == 1024 else DECIMAL_PREFIXES
    power = 0
    while power < len(names) - 1 and abs(largest) >= kind.base ** (power + 1):
        power += 1
    if kind.name == "count":
        return Scale(float(1000**power), names[power])
    return Scale(float(kind.base**power), f" {names[power]}{kind.symbol}{rate}")


def nice_step(span: float, ticks: int = 5) -> float:
    """A round step (1, 2, 2.5 or 5 times a power of ten) that cuts `span` into about `ticks` parts."""
    if span <= 0 or not math.isfinite(span):
        return 1.0
    raw = span / ticks
    magnitude = 10.0 ** math.floor(math.log10(raw))
    return next(step * magnitude for step in NICE_STEPS if step * magnitude >= raw * 0.999)


def tick_step(unit: str, low: float, high: float, ticks: int = 5) -> float:
    """The distance between y ticks, round in the unit the ticks are written in (0.5 MiB, not 500,000 B)."""
    scale = scale_for(unit, max(abs(low), abs(high)))
    return nice_step((high - low) / scale.divisor, ticks) * scale.divisor


def tick_label(value: float, scale: Scale) -> str:
    """One tick's text: `2.5 MiB`, `40%`, `1.2k`, `1,500 ms`; never scientific notation."""
    scaled = value / scale.divisor
    if abs(scaled) < 1e-9:
        return "0" if scale.suffix in COUNT_SUFFIXES else f"0{scale.suffix}"
    text = f"{scaled:,.2f}".rstrip("0").rstrip(".")
    return f"{text}{scale.suffix}"
