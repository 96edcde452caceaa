"""A chart as a Slack message: its words, the image (an uploaded file, by `slack_file`), what the last click changed,
and the controls that steer it. Every button carries the chart's view (`bot.charts.steering`); the menus, whose
option values are too short for it, are read with the view of the message they are in."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    ImageBlock,
    MarkdownTextObject,
    Option,
    StaticSelectElement,
)
from slack_sdk.models.blocks.basic_components import SlackFile

from bot.charts.service import RenderedChart
from bot.charts.steering import (
    PRESETS,
    STEERABLE_STATS,
    ChartView,
    UnreadableButton,
    control_labels,
    decode_view,
    encode_view,
)
from bot.i18n import _
from bot.markup import cut, slack_escape
from bot.slack.blocks import button, context, option, parsed, plain, section
from bot.slack.limits import ALT_TEXT, IMAGE_TITLE
from bot.slack.native_chart import native_blocks

ACTION_PREFIX = "chart_"
REFRESH = "chart_refresh"
STAT_MENU = "chart_stat"
PRIVATE_MENU = "chart_private"
SAVE = "chart_save"
SCHEDULE = "chart_schedule"
PRIVATE_CONTROLS = ("refresh", *PRESETS, "earlier", "compare")
KEEP = "keep_"  # block ids of a chart message's own blocks, kept when the chart is redrawn
LINK_BLOCK = f"{KEEP}link"  # the chart's link (bot/slack/links.py): the message's own, so a redraw keeps it


def _button(action: str, label: str, value: str, *, primary: bool = False) -> ButtonElement:
    return button(label, f"{ACTION_PREFIX}{action}", value=value, style="primary" if primary else None)


def chart_blocks(
    chart: RenderedChart,
    file_id: str | None,
    *,
    changed_by: str = "",
    above: Sequence[Block] = (),
    below: Sequence[Block] = (),
) -> list[Block]:
    """The message of a posted chart: its comment line, the chart drawn by Slack's clients (bot/slack/native_chart.py),
    the ServiceWatch image, the numbers table, who changed it last (`changed_by`: their mention, after a click), and
    its controls (none when the chart has no view, or its view is too long to carry).
    `above` and `below` are the message's own blocks around the chart (an alert's heading, its follow button):
    their block_ids start with KEEP, so a redraw keeps them (`kept_blocks`)."""
    drawn = native_blocks(chart)
    blocks: list[Block] = [
        *above,
        section(chart.comment),
        *(block for block in drawn if block.type != "table"),
    ]
    if file_id is not None:  # None: the message before its image joins it, or one that cannot show it
        blocks.append(
            ImageBlock(
                slack_file=SlackFile(id=file_id),
                alt_text=cut(chart.alt_text, ALT_TEXT) or cut(chart.title, ALT_TEXT),
                title=plain(chart.title, IMAGE_TITLE),
            )
        )
    blocks += [block for block in drawn if block.type == "table"]
    view = chart.view
    if view is not None and changed_by:
        blocks.append(context(_("{change} — changed by {who}").format(change=view.change(), who=changed_by)))
    value = encode_view(view) if view is not None else None
    if view is not None and value is not None:
        blocks += controls(view, value, chart.plan.lines[0].metric.recommended_stats)
    if chart.link:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=link_markup(chart.link))], block_id=LINK_BLOCK))
    return [*blocks, *below]


def link_markup(link: str) -> str:
    """The chart's link as mrkdwn (`<https://…/charts/…|🔗 Link to this chart>`): paste it anywhere in Slack."""
    label = _("🔗 Link to this chart: paste it anywhere in Slack")
    return f"<{link}|{slack_escape(label)}>"


def kept_blocks(message: dict[str, Any] | None) -> tuple[list[Block], list[Block]]:
    """The blocks of a chart message that are its own, not the chart's (block_id starting with KEEP): those before
    the chart, and those after it, as they came (to be sent again)."""
    above: list[dict[str, Any]] = []
    below: list[dict[str, Any]] = []
    seen_chart = False
    for block in (message or {}).get("blocks", []):
        if not isinstance(block, dict):
            continue
        if str(block.get("block_id", "")).startswith(KEEP):
            (below if seen_chart else above).append(block)
        else:
            seen_chart = True
    return parsed(above), parsed(below)


def controls(view: ChartView, value: str, allowed_stats: tuple[str, ...]) -> list[Block]:
    """Two rows: the window (↻, presets, ◀ ▶), then the statistic, compare, save…, schedule… and just-for-me."""
    labels = control_labels()
    when = [_button("refresh", labels["refresh"], value)]
    when += [
        _button(preset, preset, value, primary=view.end is None and view.span == span)
        for preset, span in PRESETS.items()
    ]
    when += [_button("earlier", labels["earlier"], value)]
    if view.end is not None:
        when.append(_button("later", labels["later"], value))
    stats = [stat for stat in STEERABLE_STATS if stat in allowed_stats] or list(STEERABLE_STATS)
    if view.stat not in stats:
        stats.append(view.stat)
    stat_options: list[Option] = [option(stat, f"stat:{stat}") for stat in stats]
    how = [
        StaticSelectElement(
            action_id=STAT_MENU,
            placeholder=plain(_("Statistic")),
            options=stat_options,
            initial_option=next(o for o in stat_options if o.value == f"stat:{view.stat}"),
        ),
        _button("compare", _("Hide comparison") if view.compare else labels["compare"], value, primary=view.compare),
        _button("save", _("Save…"), value),
        _button("schedule", _("Schedule…"), value),
        StaticSelectElement(
            action_id=PRIVATE_MENU,
            placeholder=plain(_("Just for me…")),
            options=[option(labels[control], control) for control in PRIVATE_CONTROLS],
        ),
    ]
    return [ActionsBlock(block_id="chart_when", elements=when), ActionsBlock(block_id="chart_how", elements=how)]


def clicked(action: dict[str, Any], message: dict[str, Any] | None) -> tuple[str, ChartView]:
    """What a click on a chart's control asks (`refresh`, `6h`, `stat:MAX`, `save`, `private:6h`, …) and the view
    of the chart it was made on; UnreadableButton when either is not what the bot wrote."""
    action_id = str(action.get("action_id", ""))
    if action_id in (STAT_MENU, PRIVATE_MENU):
        chosen = str((action.get("selected_option") or {}).get("value", ""))
        control = chosen if action_id == STAT_MENU else f"private:{chosen}"
        return control, decode_view(_value_in(message, REFRESH))
    control = action_id.removeprefix(ACTION_PREFIX)
    if not action_id.startswith(ACTION_PREFIX) or not control:
        raise UnreadableButton(_("The bot does not know the control “{control}”.").format(control=action_id[:40]))
    return control, decode_view(action.get("value"))


def _value_in(message: dict[str, Any] | None, action_id: str) -> object:
    """The value of the element `action_id` in the message a menu was used in (None when it is not there)."""
    for block in (message or {}).get("blocks", []):
        for element in block.get("elements", []) if isinstance(block, dict) else []:
            if isinstance(element, dict) and element.get("action_id") == action_id:
                return element.get("value")
    return None
