"""The App Home tab: your schedules (next run, last result, buttons) and the saved charts you own."""

from __future__ import annotations

from typing import Any

from bot.scheduling.actions import ScheduleActions
from bot.store import SavedChart
from bot.store.schedules import Schedule

ACTIONS = ("pause", "resume", "run", "delete")


def _button(action: str, schedule: Schedule, *, style: str | None = None) -> dict[str, Any]:
    button: dict[str, Any] = {
        "type": "button",
        "action_id": f"home_{action}",
        "text": {"type": "plain_text", "text": {"run": "Run now"}.get(action, action.title())},
        "value": str(schedule.id),
    }
    if style:
        button["style"] = style
    if action == "delete":
        button["confirm"] = {
            "title": {"type": "plain_text", "text": "Delete this schedule?"},
            "text": {"type": "plain_text", "text": f"#{schedule.id} {schedule.label[:100]} stops for good."},
            "confirm": {"type": "plain_text", "text": "Delete"},
            "deny": {"type": "plain_text", "text": "Keep"},
        }
    return button


def home_view(
    schedules: list[Schedule], saved: list[SavedChart], actions: ScheduleActions, command: str
) -> dict[str, Any]:
    """The Home tab's view for one person."""
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": "Your scheduled charts"}},
    ]
    if not schedules:
        blocks.append(
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": f"None yet. In a channel: `{command} schedule web-cpu every day at 09:00`.",
                },
            }
        )
    for schedule in schedules[:40]:
        buttons = [
            _button("resume" if schedule.paused else "pause", schedule),
            _button("run", schedule, style="primary"),
        ]
        buttons.append(_button("delete", schedule, style="danger"))
        blocks += [
            {"type": "section", "text": {"type": "mrkdwn", "text": actions.describe(schedule)}},
            {"type": "actions", "block_id": f"schedule_{schedule.id}", "elements": buttons},
        ]
    blocks += [
        {"type": "divider"},
        {"type": "header", "text": {"type": "plain_text", "text": "Your saved charts"}},
    ]
    if not saved:
        blocks.append(
            {
                "type": "section",
                "text": {"type": "mrkdwn", "text": f"None yet: `{command} save NAME CHART …` in a channel."},
            }
        )
    for chart in saved[:40]:
        blocks.append(
            {
                "type": "section",
                "text": {"type": "mrkdwn", "text": f"• `{chart.name}` in <#{chart.channel_id}>: {chart.text}"},
            }
        )
    return {"type": "home", "blocks": blocks[:100]}
