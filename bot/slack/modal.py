"""The "Chart in thread" modal: a saved chart of the channel, or a metric with type-ahead; window; statistic. And the
forms a posted chart's Save… and Schedule… buttons open: the chart pre-filled, a name or a WHEN to add; submitted, they
stand for the typed `save NAME CHART…` and `schedule CHART… WHEN`."""

from __future__ import annotations

import json
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    ExternalDataSelectElement,
    InputBlock,
    Option,
    PlainTextObject,
    StaticSelectElement,
)
from slack_sdk.models.views import View
from slack_sdk.web.async_client import AsyncWebClient

from bot.errors import UserError
from bot.i18n import _, speaking
from bot.language.parse import check_saved_name, parse_chart, parse_request
from bot.language.spec import SaveRequest, ScheduleRequest
from bot.language.tokens import Kind, Token, clean, quote_word, tokenize
from bot.language.when import When, parse_when
from bot.language.when_phrases import starts_when
from bot.markup import cut
from bot.scheduling.commands import chart_text, parse_schedule
from bot.slack.blocks import field, option, placeholder, plain, section, text_input
from bot.slack.limits import OPTIONS_PER_MENU, VIEW_TITLE
from bot.store import SavedChart

CALLBACK_ID = "chart_in_thread_modal"
SHORTCUT_ID = "chart_in_thread"
METRIC_ACTION = "metric"
SAVE_CALLBACK_ID = "save_chart_modal"
SCHEDULE_CALLBACK_ID = "schedule_chart_modal"
FORM_KINDS = ("save", "schedule")
NAME_EXAMPLE = "web-cpu"
WHEN_EXAMPLES = ("every weekday 09:00", "every 15m", "매일 오전 9시")  # tests/test_forms.py reads each with the parser
ERROR_LIMIT = 300  # characters of a refusal shown under a form's field
STATISTICS = ("auto", "avg", "min", "max", "sum", "count")


def _option(text: str, value: str) -> Option:
    return option(text, value, emoji=False)  # a metric's `namespace:name` is no emoji


def _title(text: str) -> PlainTextObject:
    """A modal's title, submit or close."""
    return plain(text, VIEW_TITLE, emoji=False)


def chart_modal(saved: list[SavedChart], *, channel_id: str, thread_ts: str, default_window: str) -> View:
    """The modal a message shortcut opens; where to post travels in `private_metadata`."""
    blocks: list[Block] = []
    if saved:
        saved_menu = StaticSelectElement(
            action_id="saved",
            placeholder=placeholder(_("Pick a saved chart…")),
            options=[_option(chart.name, chart.name) for chart in saved[:OPTIONS_PER_MENU]],
        )
        blocks.append(field("saved", _("Saved chart of this channel"), saved_menu, optional=True))
    metrics = ExternalDataSelectElement(
        action_id=METRIC_ACTION, min_query_length=1, placeholder=placeholder(_("Type part of a metric's name…"))
    )
    stats = StaticSelectElement(
        action_id="stat", initial_option=_option("auto", "auto"), options=[_option(stat, stat) for stat in STATISTICS]
    )
    blocks += [
        field("metric", _("Metric") if not saved else _("…or a metric"), metrics, optional=bool(saved)),
        text_input(
            "window",
            _("Window"),
            example=f"last {default_window}",
            hint="last 3h · since 09:00 · today · yesterday · from 09:00 to 12:00",
            optional=True,
        ),
        field("stat", _("Statistic"), stats, optional=True),
    ]
    return View(
        type="modal",
        callback_id=CALLBACK_ID,
        title=_title(_("Chart in thread")),
        submit=_title(_("Post chart")),
        close=_title(_("Cancel")),
        private_metadata=json.dumps({"channel_id": channel_id, "thread_ts": thread_ts}),
        blocks=blocks,
    )


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


def metric_options(references: list[str], query: str) -> list[Option]:
    """Type-ahead: catalog metrics whose `namespace:metric` holds every word typed (Slack shows ≤ 100)."""
    words = query.lower().split()
    found = [ref for ref in references if all(word in ref.lower() for word in words)]
    return [_option(ref, ref) for ref in found[:OPTIONS_PER_MENU]]


def notice_modal(text: str) -> View:
    """A modal that only says something (why the chart cannot be made here), with a Close button."""
    return View(type="modal", title=_title(_("Chart in thread")), close=_title(_("Close")), blocks=[section(text)])


# The Save… and Schedule… forms -------------------------------------------------------------------------------------


def _chart_input(chart_line: str) -> InputBlock:
    return text_input(
        "chart",
        _("Chart"),
        initial=chart_line,
        example="cpu web-01 last 3h",
        hint=_("A saved chart's name or metrics, with a window and options, as after /chart."),
    )


def _form(callback_id: str, title: str, submit: str, channel_id: str, blocks: list[Block]) -> View:
    return View(
        type="modal",
        callback_id=callback_id,
        title=_title(title),
        submit=_title(submit),
        close=_title(_("Cancel")),
        private_metadata=json.dumps({"channel_id": channel_id}),
        blocks=blocks,
    )


def save_modal(chart_line: str, *, channel_id: str) -> View:
    """The Save… form: a name for `chart_line` (pre-filled, editable), saved for `channel_id` on submit."""
    name = text_input(
        "name",
        _("Name"),
        example=NAME_EXAMPLE,
        hint=_("1–40 letters, digits, -, _ or ., starting with a letter or digit. Saved for this channel."),
        max_length=40,
    )
    return _form(SAVE_CALLBACK_ID, _("Save chart"), _("Save"), channel_id, [name, _chart_input(chart_line)])


def schedule_modal(chart_line: str, *, channel_id: str) -> View:
    """The Schedule… form: `chart_line` (pre-filled, editable) and when it runs, posted to `channel_id`."""
    when = text_input(
        "when",
        _("When"),
        example=WHEN_EXAMPLES[0],
        hint=_("For example: {examples}").format(examples=" · ".join(WHEN_EXAMPLES)),
    )
    return _form(SCHEDULE_CALLBACK_ID, _("Schedule chart"), _("Schedule"), channel_id, [_chart_input(chart_line), when])


def chart_form(kind: str, chart_line: str, *, channel_id: str) -> View:
    """The form of `kind` (`save` or `schedule`) for `chart_line`."""
    if kind == "save":
        return save_modal(chart_line, channel_id=channel_id)
    if kind == "schedule":
        return schedule_modal(chart_line, channel_id=channel_id)
    raise ValueError(f"no form {kind!r}; the forms are {FORM_KINDS}")


async def open_chart_form(
    client: AsyncWebClient,
    trigger_id: str,
    kind: str,
    chart_line: str,
    channel_id: str,
    *,
    language: str | None = None,
) -> None:
    """Open the Save… (`kind` "save") or Schedule… ("schedule") form for `chart_line`, to post in `channel_id`.
    Its words are in `language` when given (the clicker's), else in the language of the work under way."""
    if language is not None:
        with speaking(language):
            view = chart_form(kind, chart_line, channel_id=channel_id)
    else:
        view = chart_form(kind, chart_line, channel_id=channel_id)
    await client.views_open(trigger_id=trigger_id, view=view.to_dict())


def _typed(values: dict[str, dict[str, Any]], block: str) -> str:
    """What was typed in a form's plain_text_input (Slack sends `value: null` for an empty one), cleaned."""
    element = values.get(block, {}).get(block) or {}
    value = element.get("value")
    return clean(value).strip() if isinstance(value, str) else ""


def refusal(exc: UserError) -> str:
    """A refusal's first line (the usage line after it is for typed lines), short enough for under a field."""
    return cut(str(exc).strip().splitlines()[0], ERROR_LIMIT) if str(exc).strip() else _("This cannot be read.")


def _chart_of(values: dict[str, dict[str, Any]], errors: dict[str, str]) -> str:
    chart = _typed(values, "chart")
    if not chart:
        errors["chart"] = _("Write the chart: a saved chart's name or metrics, e.g. cpu web-01 last 3h.")
        return ""
    try:
        parse_chart(chart)
    except UserError as exc:
        errors["chart"] = refusal(exc)
    return chart


def save_words(values: dict[str, dict[str, Any]]) -> tuple[str, dict[str, str]]:
    """The line `save NAME CHART…` a Save… form's answers stand for, or ("", {block id: what is wrong})."""
    errors: dict[str, str] = {}
    typed_name = _typed(values, "name")
    name = ""
    if not typed_name:
        errors["name"] = _("Give the chart a name, e.g. {example}.").format(example=NAME_EXAMPLE)
    else:
        try:
            name = check_saved_name(typed_name)
        except UserError as exc:
            errors["name"] = refusal(exc)
    chart = _chart_of(values, errors)
    if errors:
        return "", errors
    line = f"save {quote_word(name)} {chart}"
    try:
        request = parse_request(line)
    except UserError as exc:
        return "", {"chart": refusal(exc)}
    if not (isinstance(request, SaveRequest) and request.name == name and request.text == chart):
        return "", {"chart": _("This chart cannot be saved as written; check its quotes.")}
    return line, {}


def _when_of(values: dict[str, dict[str, Any]], errors: dict[str, str]) -> tuple[str, When | None]:
    """WHEN alone, as the schedule grammar reads it (`starts_when`, then `parse_when` to its last word)."""
    typed = _typed(values, "when")
    examples = " · ".join(WHEN_EXAMPLES)
    if not typed:
        errors["when"] = _("Say when it runs, e.g. {examples}.").format(examples=examples)
        return "", None
    try:
        tokens = tokenize(typed)
        if not tokens:
            raise UserError(_("Say when it runs, e.g. {examples}.").format(examples=examples))
        if not _is_word(tokens[0]) or not starts_when(tokens, 0):
            parse_when(tokens, 0)  # its refusal names the word it could not read
            raise UserError(
                _("“{when}” does not say when it runs; e.g. {examples}.").format(when=typed, examples=examples)
            )
        when, used = parse_when(tokens, 0)
    except UserError as exc:
        errors["when"] = refusal(exc)
        return typed, None
    if used != len(tokens):
        extra = " ".join(str(t) for t in tokens[used:])
        errors["when"] = _("“{extra}” is not part of when it runs; a window or options go in Chart.").format(
            extra=extra
        )
        return typed, None
    return typed, when


def _is_word(token: Token) -> bool:
    return not token.quoted and token.kind is Kind.WORD


def schedule_words(values: dict[str, dict[str, Any]]) -> tuple[str, dict[str, str]]:
    """The line `schedule CHART… WHEN` a Schedule… form's answers stand for, or ("", {block id: what is wrong})."""
    errors: dict[str, str] = {}
    chart = _chart_of(values, errors)
    when_typed, when = _when_of(values, errors)
    if errors or when is None:
        return "", errors
    chart_tokens = tokenize(chart)  # read already by parse_chart
    if any(_is_word(token) and starts_when(chart_tokens, i) for i, token in enumerate(chart_tokens)):
        return "", {"chart": _reads_as_when()}
    line = f"schedule {chart} {when_typed}"
    try:
        request = parse_request(line)
        new = parse_schedule(request.text) if isinstance(request, ScheduleRequest) else None
        same = (
            new is not None
            and isinstance(request, ScheduleRequest)
            and request.action == "schedule"
            and new.chart_text == chart_text(tokenize(chart))
            and new.when == when
            and new.channel_id is None
        )
    except UserError as exc:
        return "", {"chart": refusal(exc)}
    if not same:
        return "", {"chart": _reads_as_when()}
    return line, {}


def _reads_as_when() -> str:
    return _("Part of the chart reads as when it runs; put a metric's name that holds such words in quotes.")
