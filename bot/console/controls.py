"""A chart's controls on the console: the console prints them as numbered choices under each chart that has a view,
and a bare number typed at the prompt clicks one on the last chart shown, as a click in Slack does (steer, redraw);
right after a question (a word with several readings), a number picks a reading instead, as its buttons do in
Slack. One person sits at a console, so there is no "just for me"."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.charts.maker import ChartMaker
from bot.charts.steering import ChartView, form_line, steer
from bot.chat import Asker, error_text
from bot.console.choices import FORMS, choices
from bot.console.outbox import ConsoleOutbox
from bot.durations import format_duration
from bot.i18n import _
from bot.router import Router


async def choose(
    number: int, router: Router, maker: ChartMaker, asker: Asker, outbox: ConsoleOutbox, *, command: str
) -> None:
    """Click choice `number` of the last chart shown: redraw it as that control asks and show the new chart with
    what changed, or print the line that saves or schedules it; say why not when it cannot. After a question, a
    number picks its reading instead: the reading's line runs as if typed."""
    if outbox.asked is not None:
        await _pick(number, router, outbox)
        return
    shown = outbox.last
    if shown is None:
        outbox.write(_("No chart has been drawn yet: draw one, then type a number to use its controls."))
        return
    destination, chart = shown
    flat = [choice for row in choices(chart) for choice in row]
    if not 1 <= number <= len(flat):
        outbox.write(
            _("There is no choice {number}: the last chart's are 1–{count}.").format(number=number, count=len(flat))
        )
        return
    control = flat[number - 1].control
    assert chart.view is not None  # a chart without a view has no choices
    if control in FORMS:
        outbox.write(_("Type: {line}").format(line=typed_form(chart.view, control, command)))
        return
    try:
        redrawn = await maker.redraw(
            steer(chart.view, control, now=datetime.now(UTC)), asker.workspace, asker.channel_id
        )
    except Exception as exc:  # as the router answers any line: a UserError as written, anything else referenced
        outbox.write(error_text(exc)[0])
        return
    if redrawn.view == chart.view:  # the same request over the same data: nothing new to draw (as in Slack)
        outbox.write(
            _("This chart is up to date: ServiceWatch has no newer point yet (one every {period}).").format(
                period=format_duration(redrawn.plan.period)
            )
        )
        return
    await outbox.show(destination, redrawn, changed_by=asker.mention)


async def _pick(number: int, router: Router, outbox: ConsoleOutbox) -> None:
    asked = outbox.asked
    assert asked is not None
    if not 1 <= number <= len(asked.choices):
        outbox.write(
            _("There is no reading {number}: pick 1–{count}, or type the chart again.").format(
                number=number, count=len(asked.choices)
            )
        )
        return
    choice = asked.choices[number - 1]
    outbox.asked = None
    outbox.write(_("Drawing {label}: `{line}`").format(label=choice.label, line=choice.line))
    await router.run(choice.line, asked.asker, asked.destination, outbox)


def typed_form(view: ChartView, form: str, command: str) -> str:
    """The line that saves (`/chart save NAME …`) or schedules (`/chart schedule … every day at 09:00`) a view."""
    if form == "save":
        return f"{command} save NAME {form_line(view)}"
    return f"{command} schedule {form_line(view)} every day at 09:00"
