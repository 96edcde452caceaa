"""A chart message's own blocks (an alert's heading, a follow button) around the chart survive a redraw; and no words,
however long, make a payload Slack refuses."""

from __future__ import annotations

from bot.charts.service import RenderedChart
from bot.language.answers import Pick
from bot.router import Destination
from bot.slack.accounts_home import accounts_blocks
from bot.slack.alerts import heading_blocks
from bot.slack.blocks import sent
from bot.slack.chart_message import KEEP, chart_blocks, kept_blocks
from bot.slack.modal import chart_modal, metric_options, notice_modal, save_modal, schedule_modal
from bot.slack.question import question_blocks
from tests.fakes.blocks import problems, view_problems


def test_a_messages_own_blocks_are_kept_above_and_below_the_chart() -> None:
    head = {"type": "section", "block_id": f"{KEEP}head", "text": {"type": "mrkdwn", "text": "🔴 fired"}}
    button = {"type": "button", "action_id": "alert_follow", "text": {"type": "plain_text", "text": "Follow"}}
    follow = {"type": "actions", "block_id": f"{KEEP}follow", "elements": [{**button, "value": "follow lag every 5m"}]}
    chart = [
        {"type": "section", "block_id": "a1b2", "text": {"type": "mrkdwn", "text": "*CPU*"}},
        {"type": "image", "block_id": "c3d4", "slack_file": {"id": "F1"}, "alt_text": "cpu"},
        {"type": "actions", "block_id": "chart_when", "elements": []},
    ]
    above, below = kept_blocks({"blocks": [head, *chart, follow]})
    assert ([b.to_dict() for b in above], [b.to_dict() for b in below]) == ([head], [follow])  # sent again as they came
    assert kept_blocks({"blocks": chart}) == ([], [])
    assert kept_blocks(None) == ([], [])


LONG = "a&b <x> " * 2000  # 16,000 characters, with an entity and a `<` everywhere a cut may fall


def test_long_words_make_valid_payloads_everywhere() -> None:
    """slack_sdk refuses a too-long text when a payload is made: every text people can make long is cut first, and
    what comes out is what Slack (the strict fake) takes."""
    chart = RenderedChart(b"", "c.png", LONG, LONG, LONG, (), plan=None)  # type: ignore[arg-type]
    picks = [Pick(LONG, f"cpu {n}") for n in range(3)]
    messages = [
        chart_blocks(chart, "F0123456789", above=heading_blocks(LONG)),
        question_blocks(LONG, picks, "U1", Destination("C1")),
    ]
    for blocks in messages:
        assert problems(sent(blocks), lambda ref: None) == []
    assert view_problems({"type": "home", "blocks": sent(accounts_blocks([], LONG))}) == []
    views = [
        notice_modal(LONG),
        save_modal(LONG, channel_id="C1"),
        schedule_modal(LONG, channel_id="C1"),
        chart_modal([], channel_id="C1", thread_ts="1.2", default_window=LONG),
    ]
    for view in views:
        assert view_problems(view.to_dict()) == []
    assert all(len(found.to_dict()["value"]) <= 150 for found in metric_options([LONG], "a"))
