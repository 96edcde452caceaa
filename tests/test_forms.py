"""A posted chart's Save… and Schedule… forms: what they show, the line their answers stand for (or the field that is
wrong), and, through the fake Slack and the whole bot, that submitting one does what typing its line does."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from slack_sdk.web.async_client import AsyncWebClient

from bot.i18n import ENGLISH, KOREAN, LOCALES, speaking
from bot.language.parse import parse_request
from bot.language.spec import SaveRequest, ScheduleRequest
from bot.language.tokens import clean, tokenize
from bot.scheduling.commands import chart_text, parse_schedule
from bot.slack.modal import (
    FORM_KINDS,
    SAVE_CALLBACK_ID,
    SCHEDULE_CALLBACK_ID,
    WHEN_EXAMPLES,
    chart_form,
    open_chart_form,
    save_modal,
    save_words,
    schedule_modal,
    schedule_words,
)
from tests.fakes.slack import FakeSlack
from tests.slack_payloads import view_submission
from tests.stacks import TOKEN, BotStack
from tests.test_replies_catalog import blanks, entries

CPU = '"Virtual Server:CPU Usage/Core[Basic]" resource=web-01'
FORM = "application/x-www-form-urlencoded"


def typed(**fields: str | None) -> dict[str, dict[str, Any]]:
    """A submission's `view["state"]["values"]` with `fields` typed in its plain_text_inputs."""
    return {block: {block: {"type": "plain_text_input", "value": text}} for block, text in fields.items()}


# What the forms show ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", [ENGLISH, KOREAN])
@pytest.mark.parametrize("kind", FORM_KINDS)
def test_each_form_is_prefilled_and_within_slacks_limits(kind: str, language: str) -> None:
    with speaking(language):
        view = chart_form(kind, f"{CPU} last 6h", channel_id="C0OPS").to_dict()
    assert view["type"] == "modal"
    assert view["callback_id"] == {"save": SAVE_CALLBACK_ID, "schedule": SCHEDULE_CALLBACK_ID}[kind]
    assert json.loads(view["private_metadata"]) == {"channel_id": "C0OPS"}
    for field in ("title", "submit", "close"):
        assert view[field]["type"] == "plain_text"
        assert 0 < len(view[field]["text"]) <= 24, (field, view[field]["text"])  # Slack's limit for a modal
    blocks = {block["block_id"]: block for block in view["blocks"]}
    assert list(blocks) == (["name", "chart"] if kind == "save" else ["chart", "when"])
    for block_id, block in blocks.items():
        assert block["type"] == "input"
        assert not block.get("optional", False)  # every field is required
        assert block["element"] == {**block["element"], "type": "plain_text_input", "action_id": block_id}
        assert block["element"]["multiline"] is False
        assert 0 < len(block["label"]["text"]) <= 2000
        assert len(block.get("hint", {}).get("text", "")) <= 2000
        assert len(block["element"].get("placeholder", {}).get("text", "")) <= 150
    assert blocks["chart"]["element"]["initial_value"] == f"{CPU} last 6h"
    if kind == "save":
        assert blocks["name"]["element"]["max_length"] == 40
        assert blocks["name"]["element"]["placeholder"]["text"] == "web-cpu"
    else:
        assert blocks["when"]["element"]["placeholder"]["text"] == "every weekday 09:00"
    if language == KOREAN:
        assert view["title"]["text"] == {"save": "차트 저장", "schedule": "차트 예약"}[kind]


def test_the_forms_builders_are_the_kinds() -> None:
    assert chart_form("save", "lag", channel_id="C1") == save_modal("lag", channel_id="C1")
    assert chart_form("schedule", "lag", channel_id="C1") == schedule_modal("lag", channel_id="C1")
    with pytest.raises(ValueError, match="no form"):
        chart_form("forget", "lag", channel_id="C1")


@pytest.mark.parametrize("when", WHEN_EXAMPLES)
def test_the_when_examples_are_what_the_scheduler_reads(when: str) -> None:
    new = parse_schedule(f"lag {when}")
    assert (new.chart_text, new.when.text) == ("lag", when)
    assert schedule_words(typed(chart="lag", when=when)) == (f"schedule lag {when}", {})


def test_the_korean_of_the_forms_fills_the_same_blanks() -> None:
    for english, korean in entries(LOCALES / "ko" / "LC_MESSAGES" / "forms.po"):
        assert blanks(korean) == blanks(english), english


async def test_open_chart_form_opens_the_form_of_its_kind(fake_slack: FakeSlack) -> None:
    client = AsyncWebClient(token=TOKEN, base_url=fake_slack.api_url)
    await open_chart_form(client, "1.2.abc", "schedule", "lag last 3h", "C0OPS")
    await open_chart_form(client, "1.2.def", "save", "lag", "C0INC", language=KOREAN)
    opened = fake_slack.calls_to("views.open")
    views = [json.loads(c.params["view"]) if isinstance(c.params["view"], str) else c.params["view"] for c in opened]
    assert [c.params["trigger_id"] for c in opened] == ["1.2.abc", "1.2.def"]
    assert [v["callback_id"] for v in views] == [SCHEDULE_CALLBACK_ID, SAVE_CALLBACK_ID]
    assert views[0]["blocks"][0]["element"]["initial_value"] == "lag last 3h"
    assert views[1]["submit"]["text"] == "저장"
    assert json.loads(views[1]["private_metadata"]) == {"channel_id": "C0INC"}


# The line a form stands for ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "line"),
    [
        ({"name": "web-cpu", "chart": "cpu web-01 last 3h"}, "save web-cpu cpu web-01 last 3h"),
        ({"name": "Web-CPU", "chart": "  cpu web-01  "}, "save web-cpu cpu web-01"),  # names are lower-cased
        ({"name": "db.lag_2", "chart": f"{CPU} stat max"}, f"save db.lag_2 {CPU} stat max"),
        ({"name": "lag", "chart": "lag 지난 3시간 최대"}, "save lag lag 지난 3시간 최대"),
    ],
)
def test_a_good_save_form_is_the_save_line(fields: dict[str, str], line: str) -> None:
    assert save_words(typed(**fields)) == (line, {})
    request = parse_request(line)
    assert isinstance(request, SaveRequest)
    assert request.name == fields["name"].lower()
    assert request.text == fields["chart"].strip()


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"name": None, "chart": "cpu"}, {"name": "Give the chart a name, e.g. web-cpu."}),
        ({"name": "   ", "chart": "cpu"}, {"name": "Give the chart a name, e.g. web-cpu."}),
        ({"chart": "cpu"}, {"name": "Give the chart a name, e.g. web-cpu."}),
        ({"name": "web cpu", "chart": "cpu"}, {"name": "“web cpu” cannot be a saved chart's name"}),
        ({"name": "-web", "chart": "cpu"}, {"name": "“-web” cannot be a saved chart's name"}),
        ({"name": "last", "chart": "cpu"}, {"name": "“last” is a word of the chart language"}),
        ({"name": "3h", "chart": "cpu"}, {"name": "“3h” is a word of the chart language"}),
        ({"name": "web-cpu", "chart": None}, {"chart": "Write the chart"}),
        ({"name": "web-cpu", "chart": " "}, {"chart": "Write the chart"}),
        ({"name": "web-cpu", "chart": "cpu last"}, {"chart": "`last` needs a length"}),
        ({"name": "web-cpu", "chart": 'cpu "web'}, {"chart": 'The quote " before “web” is never closed'}),
        ({"name": "web-cpu", "chart": "cpu <#C0OPS|ops>"}, {"chart": "“#ops” is a channel"}),
        ({"name": "x y", "chart": ""}, {"name": "“x y” cannot be", "chart": "Write the chart"}),
    ],
)
def test_a_bad_save_form_names_the_field(fields: dict[str, str | None], errors: dict[str, str]) -> None:
    line, found = save_words(typed(**fields))
    assert line == ""
    assert set(found) == set(errors)
    for block, start in errors.items():
        assert found[block].startswith(start), found[block]
        assert "\n" not in found[block]  # one line under the field, no usage line
        assert len(found[block]) <= 300


@pytest.mark.parametrize(
    ("fields", "line"),
    [
        (
            {"chart": "cpu web-01 last 3h", "when": "every weekday 09:00"},
            "schedule cpu web-01 last 3h every weekday 09:00",
        ),
        ({"chart": CPU, "when": "every day at 09:00"}, f"schedule {CPU} every day at 09:00"),
        ({"chart": "web-cpu", "when": "매주 월요일 18시"}, "schedule web-cpu 매주 월요일 18시"),
        ({"chart": '"every login" 3h', "when": "every 15m"}, 'schedule "every login" 3h every 15m'),
        ({"chart": "lag", "when": "  every mon,wed at 18:00 "}, "schedule lag every mon,wed at 18:00"),
    ],
)
def test_a_good_schedule_form_is_the_schedule_line(fields: dict[str, str], line: str) -> None:
    assert schedule_words(typed(**fields)) == (line, {})
    request = parse_request(line)
    assert isinstance(request, ScheduleRequest)
    assert request.action == "schedule"
    new = parse_schedule(request.text)
    assert new.chart_text == chart_text(tokenize(fields["chart"]))
    assert new.when.text == fields["when"].strip().lower()
    assert new.channel_id is None  # posted where the chart was


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"chart": "lag", "when": None}, {"when": "Say when it runs, e.g. every weekday 09:00"}),
        ({"chart": "lag"}, {"when": "Say when it runs"}),
        ({"chart": "lag", "when": "sometimes"}, {"when": "“sometimes” in `sometimes` is not a day or how often."}),
        (
            {"chart": "lag", "when": "every dya"},
            {"when": "“dya” in `every dya` is not a day or how often. Did you mean"},
        ),
        ({"chart": "lag", "when": "at noon"}, {"when": "WHEN is missing: write it like"}),
        ({"chart": "lag", "when": 'cron "0 9 * *"'}, {"when": "“0 9 * *” has 4 fields; a crontab line has five"}),
        ({"chart": "lag", "when": "every day at 09:00 last 3h"}, {"when": "“last 3h” is not part of when it runs"}),
        ({"chart": "lag", "when": "every day at 25:00"}, {"when": ""}),
        ({"chart": None, "when": "every 15m"}, {"chart": "Write the chart"}),
        ({"chart": "cpu last", "when": "every 15m"}, {"chart": "`last` needs a length"}),
        ({"chart": "every", "when": "every 15m"}, {"chart": "Part of the chart reads as when it runs"}),
        ({"chart": "lag daily", "when": "every 15m"}, {"chart": "Part of the chart reads as when it runs"}),
        ({"chart": "lag in #ops", "when": "every 15m"}, {"chart": "“#ops” is not a channel link"}),
        ({"chart": "", "when": ""}, {"chart": "Write the chart", "when": "Say when it runs"}),
    ],
)
def test_a_bad_schedule_form_names_the_field(fields: dict[str, str | None], errors: dict[str, str]) -> None:
    line, found = schedule_words(typed(**fields))
    assert line == ""
    assert set(found) == set(errors)
    for block, start in errors.items():
        assert found[block].startswith(start), found[block]
        assert "\n" not in found[block]
        assert 0 < len(found[block]) <= 300


def test_refusals_are_in_the_language_spoken() -> None:
    with speaking(KOREAN):
        _line, errors = save_words(typed(name=None, chart=""))
        assert errors == {"name": "차트 이름을 정해 주세요. 예: web-cpu.", "chart": errors["chart"]}
        assert errors["chart"].startswith("차트를 적어 주세요")
        assert schedule_words(typed(chart="lag", when="every 15m last 3h"))[1]["when"].startswith("“last 3h”는")


# Any chart line round-trips ---------------------------------------------------------------------------------------

WORDS = [
    "cpu",
    "web-01",
    "lag",
    "last",
    "3h",
    "지난",
    "3시간",
    "최대",
    "stat",
    "max",
    "title",
    '"Web CPU"',
    '"a b"',
    "'x y'",
    "“curly name”",
    "every",
    "daily",
    "매일",
    "15분마다",
    "at",
    "9am",
    "in",
    "#ops",
    "<#C0OPS|ops>",
    "<https://x.io|x>",
    "<@U1|kim>",
    "+",
    'lag+"A B"',
    "k=v",
    "resource=web-01",
    ",",
    "and",
    "cron",
    '"',
    "'",
    "&amp;",
    "for",
    "4h",
    "yesterday",
    "from",
    "to",
    "09:00",
    "period",
    "5m",
    "dry-run",
    "\t",
    "\u200b",
    "Virtual Server:CPU",
]
CHART_LINES = st.one_of(
    st.lists(st.sampled_from(WORDS) | st.text(min_size=1, max_size=6), max_size=7).map(" ".join),
    st.text(max_size=40),
)
SETTINGS = settings(max_examples=100, deadline=None)


@SETTINGS
@given(CHART_LINES)
def test_any_chart_line_saves_as_itself_or_is_refused_in_the_chart_field(chart: str) -> None:
    line, errors = save_words(typed(name="web-cpu", chart=chart))
    if errors:
        assert (line, set(errors)) == ("", {"chart"})
        return
    request = parse_request(line)
    assert isinstance(request, SaveRequest)
    assert (request.name, request.text) == ("web-cpu", clean(chart).strip())


@SETTINGS
@given(CHART_LINES, st.sampled_from([*WHEN_EXAMPLES, "every day at 09:00", "평일 9시"]))
def test_any_chart_line_schedules_as_itself_or_is_refused_in_the_chart_field(chart: str, when: str) -> None:
    line, errors = schedule_words(typed(chart=chart, when=when))
    if errors:
        assert (line, set(errors)) == ("", {"chart"})
        return
    request = parse_request(line)
    assert isinstance(request, ScheduleRequest)
    assert request.action == "schedule"
    new = parse_schedule(request.text)
    assert (new.chart_text, new.when.text, new.channel_id) == (chart_text(tokenize(chart)), when, None)


@SETTINGS
@given(CHART_LINES)
def test_any_when_is_read_or_refused_in_the_when_field(when: str) -> None:
    line, errors = schedule_words(typed(chart="lag", when=when))
    if errors:
        assert (line, set(errors)) == ("", {"when"})
        return
    request = parse_request(line)
    assert isinstance(request, ScheduleRequest)
    new = parse_schedule(request.text)
    assert (new.chart_text, new.channel_id) == ("lag", None)


# Through Slack and the whole bot ----------------------------------------------------------------------------------


async def submit(stack: BotStack, payload: dict[str, Any]) -> dict[str, Any]:
    """Post a view_submission as Slack does; the acknowledgement's body ({} for a bare one)."""
    response = await stack.post_signed(urlencode({"payload": json.dumps(payload)}), FORM)
    assert response.status_code == 200
    return response.json() if response.text else {}


def ephemerals(stack: BotStack, user: str = "U0KIM") -> list[str]:
    return [c.params["text"] for c in stack.fake.calls_to("chat.postEphemeral") if c.params.get("user") == user]


async def test_the_save_form_saves_the_chart_for_the_channel(stack: BotStack) -> None:
    view = save_modal(f"{CPU} last 6h", channel_id="C0OPS").to_dict()
    ack = await submit(stack, view_submission(view, {"name": "Web-CPU", "chart": f"{CPU} last 6h"}))
    assert ack == {}
    await stack.fake.wait_for(lambda: ephemerals(stack))
    assert ephemerals(stack)[0].startswith("Saved `web-cpu` for this channel: ")
    saved = await stack.services.saved.get("C0OPS", "web-cpu")
    assert saved is not None
    assert saved.text == f"{CPU} last 6h"
    assert stack.fake.posts == []  # saving posts no chart


async def test_the_schedule_form_schedules_the_chart_in_the_channel(stack: BotStack) -> None:
    view = schedule_modal(CPU, channel_id="C0INC").to_dict()
    ack = await submit(stack, view_submission(view, {"chart": CPU, "when": "every weekday 09:00"}))
    assert ack == {}
    await stack.fake.wait_for(lambda: ephemerals(stack))
    assert ephemerals(stack)[0].startswith("Scheduled #1: CPU Usage/Core[Basic] · web-01, every weekday 09:00 (")
    (schedule,) = await stack.schedules.schedules.all()
    assert (schedule.channel_id, schedule.owner_id, schedule.when_text) == ("C0INC", "U0KIM", "every weekday 09:00")


async def test_a_bad_when_is_refused_in_the_form_and_nothing_runs(stack: BotStack) -> None:
    view = schedule_modal(CPU, channel_id="C0OPS").to_dict()
    ack = await submit(stack, view_submission(view, {"chart": CPU, "when": "every dya at 9"}))
    assert ack["response_action"] == "errors"
    assert list(ack["errors"]) == ["when"]
    assert "Did you mean `day`?" in ack["errors"]["when"]
    bad_name = await submit(
        stack, view_submission(save_modal(CPU, channel_id="C0OPS").to_dict(), {"name": "today", "chart": CPU})
    )
    assert bad_name["response_action"] == "errors"
    assert list(bad_name["errors"]) == ["name"]
    await stack.work.drain(5)
    assert await stack.schedules.schedules.all() == []
    assert stack.sandbox.calls == {}  # nothing ran
    assert stack.fake.calls_to("chat.postEphemeral") == []
