"""The documented alert states through the sandbox and the fake Slack: `ALERT` fires, `NORMAL` clears, and
`INSUFFICIENT_DATA` (no data: a stopped server) is its own state, never an incident: told only to a watch that asked
(`nodata`), and a note in the thread of an incident it interrupts, which stays open. Unknown states are logged and
never fire."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.fakes.slack import FakeSlack, Message
from tests.slack.test_alert_watches import alert_id, heading, poll, top_messages, watch
from tests.stacks import BotStack, settings_for, start_stack

NAME = "web-01 CPU high"
FIRED = "🔴 *High* · *web-01 CPU high* is ALERT on web-01"
NO_DATA = "⚪ no data: *web-01 CPU high* on web-01 sends no data (the server may be stopped)."
STAYS_OPEN = "The incident stays open until the alert reports again: it has not cleared."


@dataclass(frozen=True)
class Transition:
    """States the sandbox's alert goes through (a poll after each), and what the channel then shows: its top-level
    messages' first words (an incident's heading, or a note), and the notes in the incident's thread."""

    states: tuple[str, ...]
    top: tuple[str, ...]
    thread: tuple[str, ...] = ()
    no_data: bool = True  # the watch asked to hear of no data (`nodata`)
    incident_open: bool | None = None  # None: no incident at all


TRANSITIONS = {
    "normal to alert": Transition(("ALERT",), (FIRED,), incident_open=True),
    "alert to normal": Transition(("ALERT", "NORMAL"), ("✅ *web-01 CPU high* resolved after ",), incident_open=False),
    "normal to no data, not asked": Transition(("INSUFFICIENT_DATA",), (), no_data=False),
    "normal to no data": Transition(("INSUFFICIENT_DATA",), (NO_DATA,)),
    "no data and back": Transition(("INSUFFICIENT_DATA", "NORMAL"), (NO_DATA, "🟢 data again: *web-01 CPU high*")),
    "alert to no data": Transition(
        ("ALERT", "INSUFFICIENT_DATA"), (FIRED,), (f"{NO_DATA} {STAYS_OPEN}",), incident_open=True
    ),
    "alert to no data, not asked": Transition(
        ("ALERT", "INSUFFICIENT_DATA"), (FIRED,), (f"{NO_DATA} {STAYS_OPEN}",), no_data=False, incident_open=True
    ),
    "alert, no data, normal": Transition(
        ("ALERT", "INSUFFICIENT_DATA", "NORMAL"),
        ("✅ *web-01 CPU high* resolved after ",),
        (f"{NO_DATA} {STAYS_OPEN}",),
        incident_open=False,
    ),
    "no data to alert": Transition(("INSUFFICIENT_DATA", "ALERT"), (NO_DATA, FIRED), incident_open=True),
    "no data to alert, not asked": Transition(
        ("INSUFFICIENT_DATA", "ALERT"), (FIRED,), no_data=False, incident_open=True
    ),
    "alert, no data, alert": Transition(
        ("ALERT", "INSUFFICIENT_DATA", "ALERT"),
        (FIRED,),
        (f"{NO_DATA} {STAYS_OPEN}", f"It sends data again and is still firing: {FIRED}"),
        incident_open=True,
    ),
    "unknown": Transition(("ALARM",), ()),
    "alert to unknown": Transition(
        ("ALERT", "ALARM"),
        (FIRED,),
        (
            "❔ *web-01 CPU high* on web-01 is in the state “ALARM”, which ServiceWatch does not document; it is not "
            f"taken as firing. {STAYS_OPEN}",
        ),
        incident_open=True,
    ),
}


@pytest.mark.parametrize("transition", TRANSITIONS.values(), ids=TRANSITIONS.keys())
async def test_each_transition_is_shown_as_its_state(
    watching: BotStack, transition: Transition, caplog: pytest.LogCaptureFixture
) -> None:
    stack = watching
    answer = await watch(stack, "watch alerts web-01 cpu nodata" if transition.no_data else "watch alerts web-01 cpu")
    assert answer.startswith("Watching 1 alert in <#C0OPS> (watch #1): web-01 CPU high.")
    assert ("When one has no data" in answer) is transition.no_data
    web01 = await alert_id(stack, NAME)
    await poll(stack)  # NORMAL first: nothing said
    with caplog.at_level(logging.WARNING, logger="bot.alerting.watcher"):
        for state in transition.states:
            stack.sandbox.set_alert_state(web01, state)
            await poll(stack)
            await poll(stack)  # seen again: nothing more
    tops = top_messages(stack)
    shown = [_first_words(m) for m in tops]
    assert len(shown) == len(transition.top), shown
    assert all(text.startswith(start) for text, start in zip(shown, transition.top, strict=True)), shown
    threads = [m.text for m in stack.fake.messages.get("C0OPS", {}).values() if m.thread_ts and not m.blocks]
    notes = [text for text in threads if "fired again" not in text]
    assert len(notes) == len(transition.thread), notes
    assert all(text.startswith(start) for text, start in zip(notes, transition.thread, strict=True)), notes
    incident = await stack.bot.alerts.incidents.incident("C0OPS", web01)
    assert incident is not None
    opened = incident.fired_at is not None and incident.message_ts is not None
    assert (opened and incident.cleared_at is None) is bool(transition.incident_open)
    assert opened is (transition.incident_open is not None)
    for message in tops:
        if not message.text.startswith(("🔴", "✅")):
            assert message.blocks == []  # a note: no chart, no buttons
    unknown = [r.getMessage() for r in caplog.records if "not documented" in r.getMessage()]
    assert len(unknown) == ("ALARM" in transition.states)


def _first_words(message: Message) -> str:
    return heading(message) if message.blocks else message.text


async def test_the_listing_shows_no_data_and_unknown_states_as_they_are(watching: BotStack) -> None:
    stack = watching
    web01, web02 = await alert_id(stack, NAME), await alert_id(stack, "web-02 CPU high")
    stack.sandbox.set_alert_state(web01, "INSUFFICIENT_DATA")
    stack.sandbox.set_alert_state(web02, "ALARM")
    await stack.post_command("alerts cpu")
    await stack.fake.wait_for(lambda: stack.fake.responses)
    listing = stack.fake.responses[0]["text"]
    assert "firing" not in listing.splitlines()[0]  # neither is firing
    assert "⚪ no data · High · *web-01 CPU high*" in listing
    assert "❔ ALARM · " in listing


async def test_a_clear_whose_chart_slack_has_not_processed_still_says_resolved_in_the_message(
    fake_slack: FakeSlack, tmp_path: Path
) -> None:
    settings = settings_for(
        fake_slack, tmp_path, alert_poll_interval="1h", servicewatch_max_retries=0, slack_file_wait="1s"
    )
    async for stack in start_stack(fake_slack, settings):
        await watch(stack)
        web01 = await alert_id(stack, NAME)
        await poll(stack)
        stack.sandbox.set_alert_state(web01, "ALERT")
        await poll(stack)
        (fired,) = top_messages(stack)
        assert heading(fired).startswith(FIRED)
        fake_slack.file_ready_after = 10**6  # Slack never gets the recovery chart processed in time
        stack.sandbox.set_alert_state(web01, "NORMAL")
        await poll(stack)
        (message,) = top_messages(stack)
        assert heading(message).startswith("✅ *web-01 CPU high* resolved after ")  # the heading says so anyway
        assert not [b for b in message.blocks if b["type"] == "image"]
        in_thread = [p for p in fake_slack.posts if p.thread_ts == message.ts]
        assert in_thread  # the recovery chart as a plain upload in the incident's thread
        assert in_thread[-1].comment.startswith("✅")
