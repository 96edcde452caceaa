"""The "Chart in thread" modal: a saved chart of the channel, or a metric with type-ahead; window; statistic."""

from __future__ import annotations

import json
from typing import Any

from bot.charts.tokens import quote_word
from bot.i18n import _
from bot.store import SavedChart

CALLBACK_ID = "chart_in_thread_modal"
SHORTCUT_ID = "chart_in_thread"
METRIC_ACTION = "metric"
STATISTICS = ("auto", "avg", "min", "max", "sum", "count")


def _text(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text[:75], "emoji": False}


def _option(text: str, value: str) -> dict[str, Any]:
    return {"text": _text(text), "value": value[:150]}


def chart_modal(saved: list[SavedChart], *, channel_id: str, thread_ts: str, default_window: str) -> dict[str, Any]:
    """The modal a message shortcut opens; where to post travels in `private_metadata`."""
    blocks: list[dict[str, Any]] = []
    if saved:
        blocks.append(
            {
                "type": "input",
                "block_id": "saved",
                "optional": True,
                "label": _text(_("Saved chart of this channel")),
                "element": {
                    "type": "static_select",
                    "action_id": "saved",
                    "placeholder": _text(_("Pick a saved chart…")),
                    "options": [_option(chart.name, chart.name) for chart in saved[:100]],
                },
            }
        )
    blocks += [
        {
            "type": "input",
            "block_id": "metric",
            "optional": bool(saved),
            "label": _text(_("Metric") if not saved else _("…or a metric")),
            "element": {
                "type": "external_select",
                "action_id": METRIC_ACTION,
                "min_query_length": 1,
                "placeholder": _text(_("Type part of a metric's name…")),
            },
        },
        {
            "type": "input",
            "block_id": "window",
            "optional": True,
            "label": _text(_("Window")),
            "hint": _text("last 3h · since 09:00 · today · yesterday · from 09:00 to 12:00"),
            "element": {
                "type": "plain_text_input",
                "action_id": "window",
                "placeholder": _text(f"last {default_window}"),
            },
        },
        {
            "type": "input",
            "block_id": "stat",
            "optional": True,
            "label": _text(_("Statistic")),
            "element": {
                "type": "static_select",
                "action_id": "stat",
                "initial_option": _option("auto", "auto"),
                "options": [_option(stat, stat) for stat in STATISTICS],
            },
        },
    ]
    return {
        "type": "modal",
        "callback_id": CALLBACK_ID,
        "title": _text(_("Chart in thread")),
        "submit": _text(_("Post chart")),
        "close": _text(_("Cancel")),
        "private_metadata": json.dumps({"channel_id": channel_id, "thread_ts": thread_ts}),
        "blocks": blocks,
    }


def chart_words(values: dict[str, dict[str, Any]]) -> tuple[str, str | None]:
    """The chat-language line the modal's answers stand for, or (``, block id) naming what is missing."""

    def selected(block: str) -> str | None:
        element = values.get(block, {}).get(block) or {}
        option = element.get("selected_option") or {}
        value = option.get("value")
        return value if isinstance(value, str) and value else None

    chart = selected("saved") or (quote_word(m) if (m := selected("metric")) else None)
    if chart is None:
        return "", "metric"
    words = [chart]
    window = ((values.get("window", {}).get("window") or {}).get("value") or "").strip()
    if window:
        words.append(window)
    stat = selected("stat")
    if stat and stat != "auto":
        words += ["stat", stat]
    return " ".join(words), None


def metric_options(references: list[str], query: str) -> list[dict[str, Any]]:
    """Type-ahead: catalog metrics whose `namespace:metric` holds every word typed (Slack shows ≤ 100)."""
    words = query.lower().split()
    found = [ref for ref in references if all(word in ref.lower() for word in words)]
    return [_option(ref, ref) for ref in found[:100]]


def notice_modal(text: str) -> dict[str, Any]:
    """A modal that only says something (why the chart cannot be made here), with a Close button."""
    return {
        "type": "modal",
        "title": _text(_("Chart in thread")),
        "close": _text(_("Close")),
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": text[:3000]}}],
    }


async def open_chart_form(client: Any, trigger_id: str, kind: str, chart_line: str, channel_id: str) -> None:
    """(temporary: replaced by the forms branch)"""
    await client.views_open(trigger_id=trigger_id, view=notice_modal(chart_line))
