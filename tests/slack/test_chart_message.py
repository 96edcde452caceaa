"""A chart message's own blocks (an alert's heading, a follow button) around the chart survive a redraw."""

from __future__ import annotations

from bot.slack.chart_message import KEEP, kept_blocks


def test_a_messages_own_blocks_are_kept_above_and_below_the_chart() -> None:
    head = {"type": "section", "block_id": f"{KEEP}head", "text": {"type": "mrkdwn", "text": "🔴 fired"}}
    follow = {"type": "actions", "block_id": f"{KEEP}follow", "elements": []}
    chart = [
        {"type": "section", "block_id": "a1b2", "text": {"type": "mrkdwn", "text": "*CPU*"}},
        {"type": "image", "block_id": "c3d4", "slack_file": {"id": "F1"}, "alt_text": "cpu"},
        {"type": "actions", "block_id": "chart_when", "elements": []},
    ]
    assert kept_blocks({"blocks": [head, *chart, follow]}) == ([head], [follow])
    assert kept_blocks({"blocks": chart}) == ([], [])
    assert kept_blocks(None) == ([], [])
