"""The App Home tab: your schedules (next run, last result, buttons) and the saved charts you own, in the language of
the work under way (the viewer's)."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement, DividerBlock
from slack_sdk.models.views import View

from bot.i18n import _
from bot.markup import cut, marked
from bot.scheduling.actions import ScheduleActions
from bot.slack.blocks import button, confirmation, header, section
from bot.slack.limits import BLOCKS_PER_VIEW
from bot.store import SavedChart
from bot.store.schedules import Schedule

ACTIONS = ("pause", "resume", "run", "delete")
CONFIRMED_LABEL = 100  # of a schedule's label in its Delete dialog, so that the dialog's words fit CONFIRM_TEXT whole
SHOWN = 40  # schedules, and saved charts, listed (the tab holds BLOCKS_PER_VIEW blocks; `/chart schedules` lists all)


def _button_text(action: str) -> str:
    texts = {"pause": _("Pause"), "resume": _("Resume"), "run": _("Run now"), "delete": _("Delete")}
    return texts[action]


def _button(action: str, schedule: Schedule, *, style: str | None = None) -> ButtonElement:
    confirm = None
    if action == "delete":
        confirm = confirmation(
            _("Delete this schedule?"),
            _("#{id} {label} stops for good.").format(id=schedule.id, label=cut(schedule.label, CONFIRMED_LABEL)),
            _("Delete"),
            _("Keep"),
        )
    return button(_button_text(action), f"home_{action}", value=str(schedule.id), style=style, confirm=confirm)


def home_view(
    schedules: list[Schedule],
    saved: list[SavedChart],
    actions: ScheduleActions,
    command: str,
    *,
    below: Sequence[Block] = (),
) -> View:
    """The Home tab's view for one person, with `below` (App Home's *SCP accounts* part) at its end."""
    blocks: list[Block] = [header(_("Your scheduled charts"))]
    if not schedules:
        blocks.append(
            section(
                _("None yet. In a channel: `{command} schedule web-cpu every day at 09:00`.").format(command=command)
            )
        )
    for schedule in schedules[:SHOWN]:
        buttons = [
            _button("resume" if schedule.paused else "pause", schedule),
            _button("run", schedule, style="primary"),
            _button("delete", schedule, style="danger"),
        ]
        blocks += [
            section(actions.describe(schedule)),
            ActionsBlock(block_id=f"schedule_{schedule.id}", elements=buttons),
        ]
    blocks += [DividerBlock(), header(_("Your saved charts"))]
    if not saved:
        blocks.append(section(_("None yet: `{command} save NAME CHART …` in a channel.").format(command=command)))
    for chart in saved[:SHOWN]:
        blocks.append(
            section(
                _("• `{name}` in <#{channel}>: {text}").format(
                    name=chart.name, channel=marked(chart.channel_id), text=chart.text
                )
            )
        )
    return View(type="home", blocks=[*blocks[: BLOCKS_PER_VIEW - len(below)], *below])
