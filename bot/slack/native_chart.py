"""A chart as Slack's own clients draw it, beside the ServiceWatch image: a `data_visualization` line chart of the
numbers the bot already has (`bot.charts.downsample`: honest buckets within the block's limits), a line saying how
they were bucketed, and a `table` of each line's min, avg, max and last. Slack's clients draw these in their theme
and width, at once: no file, no upload, no processing wait.

slack_sdk has no model for `data_visualization` yet (python-slack-sdk#1899 is open), so it is written here, as a
`Block` like the SDK's own; the table is the SDK's `TableBlock`. Every block made here has a block_id starting with
NATIVE, so a message can be sent again without them when a workspace's Slack refuses them (`without_native`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from slack_sdk.models.basic_objects import JsonValidator
from slack_sdk.models.blocks import Block, RawTextObject, TableBlock, TableBlockColumnSettings

from bot.charts.alerts import amount
from bot.charts.downsample import Downsampled, downsample, time_labels
from bot.charts.service import RenderedChart, Threshold
from bot.charts.summary import format_value
from bot.i18n import _
from bot.markup import cut
from bot.slack.blocks import context
from bot.slack.limits import (
    NATIVE_AXIS_LABEL,
    NATIVE_LABEL,
    NATIVE_LINES,
    NATIVE_POINTS,
    NATIVE_TITLE,
    TABLE_CELLS,
    TABLE_ROWS,
)

NATIVE = "native_"  # the block_id prefix of the blocks made here
NATIVE_KINDS = ("data_visualization", "table")


class DataVisualizationBlock(Block):
    """Slack's `data_visualization` block (docs.slack.dev/reference/block-kit/blocks/data-visualization-block): a
    chart drawn by the client. `chart` is its chart object (`type`, `series`, `axis_config`) as Slack takes it."""

    type = "data_visualization"

    @property
    def attributes(self) -> set[str]:  # type: ignore[override]
        return super().attributes | {"title", "chart"}

    def __init__(self, *, title: str, chart: dict[str, Any], block_id: str | None = None) -> None:
        super().__init__(type=self.type, block_id=block_id)
        self.title = title
        self.chart = chart

    @JsonValidator(f"title must be 1 to {NATIVE_TITLE} characters")
    def _validate_title(self) -> bool:
        return 0 < len(self.title) <= NATIVE_TITLE


def drawn_at_once(chart: RenderedChart) -> bool:
    """Whether Slack's clients can draw this chart (it has numbers in its window): its message can come before its
    image."""
    return any(block.type == DataVisualizationBlock.type for block in native_blocks(chart))


def native_blocks(chart: RenderedChart) -> list[Block]:
    """The chart drawn by Slack's client and the line that says how (none when the chart has no numbers: a chart
    compared with earlier days, or one whose numbers were unavailable), then the numbers table."""
    blocks: list[Block] = []
    thresholds = chart.thresholds[: NATIVE_LINES - 1]
    sampled = (
        downsample(chart.plan, chart.series, most_points=NATIVE_POINTS, most_lines=NATIVE_LINES - len(thresholds))
        if chart.series
        else None
    )
    if sampled is not None:
        blocks += [line_chart(chart.title, sampled, thresholds), context(_how(sampled), block_id=f"{NATIVE}how")]
    table = numbers_table(chart)
    if table is not None:
        blocks.append(table)
    return blocks


def line_chart(title: str, sampled: Downsampled, thresholds: Sequence[Threshold] = ()) -> DataVisualizationBlock:
    """A line chart of `sampled`: one series a line, a point a bucket, the buckets' times on the x axis; each of
    `thresholds` a flat series across it."""
    categories = time_labels(sampled.starts, sampled.bucket, most=NATIVE_LABEL)
    values = [line.values for line in sampled.lines]
    values += [(mark.value / sampled.divisor,) * len(categories) for mark in thresholds]
    names = _distinct([line.label for line in sampled.lines] + [mark.label for mark in thresholds], NATIVE_LABEL)
    series = [
        {"name": name, "data": [{"label": at, "value": v} for at, v in zip(categories, line, strict=True)]}
        for name, line in zip(names, values, strict=True)
    ]
    axis = {
        "categories": list(categories),
        "x_label": cut(sampled.how, NATIVE_AXIS_LABEL),
        "y_label": cut(sampled.unit_label, NATIVE_AXIS_LABEL),
    }
    return DataVisualizationBlock(
        title=cut(title, NATIVE_TITLE) or "ServiceWatch",
        chart={"type": "line", "series": series, "axis_config": axis},
        block_id=f"{NATIVE}chart",
    )


def numbers_table(chart: RenderedChart) -> TableBlock | None:
    """Each line's min, avg, max and last in the metric's unit, and an alert's threshold (no table when the chart has
    no numbers)."""
    shown = [summary for summary in chart.summaries if summary.points]
    if not shown:
        return None
    heading = [_("Line"), _("min"), _("avg"), _("max"), _("last")][:TABLE_CELLS]
    rows = [[_cell(text) for text in heading]]
    marks = chart.thresholds[: TABLE_ROWS - 1]
    for summary in shown[: TABLE_ROWS - 1 - len(marks)]:
        values = (summary.minimum, summary.average, summary.maximum, summary.last)
        rows.append([_cell(summary.label), *(_cell(format_value(v, summary.unit)) for v in values)])
    unit = shown[0].unit
    rows += [
        [_cell(_("alert {threshold}").format(threshold=mark.label))] + [_cell(amount(mark.value, unit))] * 4
        for mark in marks
    ]
    columns = [TableBlockColumnSettings(is_wrapped=True)]
    columns += [TableBlockColumnSettings(align="right") for _heading in heading[1:]]
    return TableBlock(rows=rows, column_settings=columns, block_id=f"{NATIVE}numbers")


def without_native(blocks: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """A message's blocks (as Slack takes them) without those made here: what a Slack that refuses them is sent."""
    return [block for block in blocks if not str(block.get("block_id", "")).startswith(NATIVE)]


def _how(sampled: Downsampled) -> str:
    text = _("Drawn by Slack from the numbers: {how}.").format(how=sampled.how)
    if not sampled.notes:
        return text
    notes = "; ".join(sampled.notes)
    return f"{text} {notes[:1].upper()}{notes[1:]}."


def _cell(text: str) -> RawTextObject:
    return RawTextObject(text=text or "–")


def _distinct(labels: Sequence[str], most: int) -> list[str]:
    """`labels` within `most` characters, each one different (a number added where cutting made two alike)."""
    out: list[str] = []
    for label in labels:
        parts = label.split(" | ")
        if len(parts) > 2 and len(label) > most:
            label = " | ".join(parts[1:])  # `Virtual Server | web-01 | CPU Usage` → `web-01 | CPU Usage`
        name = cut(label, most) or "–"
        n = 2
        while name in out:
            tail = f" {n}"
            name = cut(label, most - len(tail)) + tail
            n += 1
        out.append(name)
    return out
