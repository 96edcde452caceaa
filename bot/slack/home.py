"""The App Home tab: your schedules (next run, last result, buttons) and the saved charts you own, in the language of
the work under way (the viewer's)."""

from __future__ import annotations

from typing import Any

from bot.i18n import _
from bot.markup import for_slack, marked
from bot.scheduling.actions import ScheduleActions
from bot.store import SavedChart
from bot.store.schedules import Schedule

ACTIONS = ("pause", "resume", "run", "delete")


def _plain(text: str) -> dict[str, str]:
    return {"type": "plain_text", "text": text}


def _button_text(action: str) -> str:
    texts = {"pause": _("Pause"), "resume": _("Resume"), "run": _("Run now"), "delete": _("Delete")}
    return texts[action]


def _button(action: str, schedule: Schedule, *, style: str | None = None) -> dict[str, Any]:
    button: dict[str, Any] = {
        "type": "button",
        "action_id": f"home_{action}",
        "text": _plain(_button_text(action)),
        "value": str(schedule.id),
    }
    if style:
        button["style"] = style
    if action == "delete":
        button["confirm"] = {
            "title": _plain(_("Delete this schedule?")),
            "text": _plain(_("#{id} {label} stops for good.").format(id=schedule.id, label=schedule.label[:100])),
            "confirm": _plain(_("Delete")),
            "deny": _plain(_("Keep")),
        }
    return button


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": for_slack(text, 3000)}}


def home_view(
    schedules: list[Schedule], saved: list[SavedChart], actions: ScheduleActions, command: str
) -> dict[str, Any]:
    """The Home tab's view for one person."""
    blocks: list[dict[str, Any]] = [{"type": "header", "text": _plain(_("Your scheduled charts"))}]
    if not schedules:
        blocks.append(
            _section(
                _("None yet. In a channel: `{command} schedule web-cpu every day at 09:00`.").format(command=command)
            )
        )
    for schedule in schedules[:40]:
        buttons = [
            _button("resume" if schedule.paused else "pause", schedule),
            _button("run", schedule, style="primary"),
            _button("delete", schedule, style="danger"),
        ]
        blocks += [
            _section(actions.describe(schedule)),
            {"type": "actions", "block_id": f"schedule_{schedule.id}", "elements": buttons},
        ]
    blocks += [{"type": "divider"}, {"type": "header", "text": _plain(_("Your saved charts"))}]
    if not saved:
        blocks.append(_section(_("None yet: `{command} save NAME CHART …` in a channel.").format(command=command)))
    for chart in saved[:40]:
        blocks.append(
            _section(
                _("• `{name}` in <#{channel}>: {text}").format(
                    name=chart.name, channel=marked(chart.channel_id), text=chart.text
                )
            )
        )
    return {"type": "home", "blocks": blocks[:100]}
