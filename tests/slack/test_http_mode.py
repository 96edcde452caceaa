"""End to end in HTTP mode, over real sockets: signed requests in, charts uploaded to the fake Slack."""

from __future__ import annotations

import json
import time
from datetime import timedelta
from urllib.parse import urlencode

import httpx
import pytest

from bot.charts.summary import SANDBOX_NOTE
from bot.sandbox import Fault as SandboxFault
from bot.servicewatch.client import IMAGE_PATH, METRICS_PATH
from bot.store.pending import PendingRequests
from tests.fakes.slack import Fault
from tests.pngs import png_size
from tests.slack_payloads import event_deliveries, mention_event, metric_suggestion, slash_command
from tests.stacks import SECRET, BotStack

CPU = '"Virtual Server:CPU Usage/Core[Basic]"'


async def test_a_signed_slash_command_uploads_the_chart(stack: BotStack) -> None:
    stack.fake.user("U0KIM", tz="Asia/Seoul")
    response = await stack.post_command(f"{CPU} resource=web-01 last 3h")
    assert response.status_code == 200
    assert response.text == ""  # a bare acknowledgement: the chart comes as its own post
    await stack.fake.wait_for(lambda: stack.fake.posts)
    (post,) = stack.fake.posts
    assert post.channel == "C0OPS"
    assert post.thread_ts is None
    assert png_size(post.data) == (1400, 500)
    assert post.title == "CPU Usage/Core[Basic] · web-01"
    assert post.comment.startswith("*CPU Usage/Core[Basic] · web-01* · last 3h (")
    first, sandbox_note = post.comment.split("\n")
    assert first.endswith(" KST) · period 5m (auto) · AVG · asked by <@U0KIM>")  # the asker's Slack timezone
    assert sandbox_note == f"_{SANDBOX_NOTE}_"  # synthetic data says so, in the comment …
    assert post.alt_txt.startswith(SANDBOX_NOTE)  # … and in the alt text (the image's title: test_plan)
    assert post.alt_txt.removeprefix(SANDBOX_NOTE + " ").startswith(
        "Chart of Virtual Server:CPU Usage/Core[Basic], last 3h, AVG per 5m. web-01: min "
    )
    assert post.filename.startswith("servicewatch-cpu-usage-core-basic-web-01-")
    assert "files.upload" not in stack.fake.methods()  # the retired method is never used
    assert stack.fake.methods().count("auth.test") == 1  # checked once at start, not per request


async def test_a_usage_error_is_the_acknowledgement(stack: BotStack) -> None:
    response = await stack.post_command("cpu last")
    assert response.status_code == 200
    body = response.json()
    assert body["response_type"] == "ephemeral"
    assert "`last` needs a length" in body["text"]
    assert body["text"].endswith("`/chart help` for the whole language")
    assert stack.sandbox.calls == {}  # nothing ran


async def test_failures_reach_the_asker_privately(stack: BotStack) -> None:
    await stack.post_command("cpu 3h")
    await stack.fake.wait_for(lambda: stack.fake.responses)
    (reply,) = stack.fake.responses
    assert reply["response_type"] == "ephemeral"
    assert reply["text"].startswith("“cpu” could be 2 metrics")
    assert stack.fake.posts == []


async def test_help_metrics_save_saved_forget(stack: BotStack) -> None:
    for n, text in enumerate(
        ("help", "metrics Load Balancer", f"save web-cpu {CPU} resource=web-01 last 6h", "saved", "forget web-cpu"),
        start=1,
    ):  # one after another, as a person types them: each is answered before the next is sent
        await stack.post_command(text)
        await stack.fake.wait_for(lambda n=n: len(stack.fake.responses) == n)
    texts = [r["text"] for r in stack.fake.responses]
    assert any(t.startswith("*ServiceWatch charts*") for t in texts)
    assert any("`Load Balancer:Active Connections`" in t for t in texts)
    assert any(t.startswith("Saved `web-cpu` for this channel") for t in texts)
    assert any("• `web-cpu`:" in t for t in texts)
    assert any(t.startswith("Forgot `web-cpu`") for t in texts)


async def test_bad_signature_and_stale_timestamp_are_refused_and_nothing_runs(stack: BotStack) -> None:
    wrong = await stack.post_command(f"{CPU} last 3h", secret="not-the-secret")
    stale = await stack.post_command(f"{CPU} last 3h", timestamp=int(time.time()) - 301)
    assert (wrong.status_code, stale.status_code) == (401, 401)
    async with httpx.AsyncClient() as client:
        unsigned = await client.post(
            f"{stack.url}/slack/events", content=urlencode(slash_command("x", user="U1", channel="C1", response_url=""))
        )
    assert unsigned.status_code == 401
    assert stack.sandbox.calls == {}
    assert stack.fake.posts == []
    assert stack.work.pending == 0


@pytest.mark.slow  # waits out a Retry-After
async def test_429_is_retried_after_retry_after(stack: BotStack) -> None:
    stack.fake.faults.append(Fault("files.getUploadURLExternal", "ratelimited", retry_after=1))
    started = time.monotonic()
    await stack.post_command(f"{CPU} resource=web-01")
    await stack.fake.wait_for(lambda: stack.fake.posts)
    assert time.monotonic() - started >= 1.0
    assert stack.fake.methods().count("files.getUploadURLExternal") == 2
    assert len(stack.fake.posts) == 1


async def test_not_in_channel_joins_and_retries_once(stack: BotStack) -> None:
    stack.fake.channel("C0NEW", members=["U0KIM"], bot_member=False)
    await stack.post_command(f"{CPU} resource=web-01", channel="C0NEW")
    await stack.fake.wait_for(lambda: stack.fake.posts)
    assert stack.fake.methods().count("conversations.join") == 1
    assert [p.channel for p in stack.fake.posts] == ["C0NEW"]


async def test_a_private_channel_asks_to_be_invited(stack: BotStack) -> None:
    stack.fake.channel("G0SECRET", members=["U0KIM"], bot_member=False, private=True)
    await stack.post_command(f"{CPU} resource=web-01", channel="G0SECRET")
    await stack.fake.wait_for(lambda: stack.fake.responses)
    assert "Invite me with `/invite @servicewatch`" in stack.fake.responses[0]["text"]
    assert stack.fake.posts == []


async def test_a_connection_reset_after_the_chart_message_was_posted_posts_once(stack: BotStack) -> None:
    stack.fake.faults.append(Fault("chat.postMessage", "reset_after"))
    await stack.post_command(f"{CPU} resource=web-01")
    await stack.fake.wait_for(lambda: stack.fake.responses)
    assert len(stack.fake.chart_messages()) == 1  # done once (with its numbers), never repeated
    assert stack.fake.methods().count("chat.postMessage") == 1
    assert "It may still appear here" in stack.fake.responses[0]["text"]


async def test_a_connection_reset_of_the_unshared_upload_is_tried_again(stack: BotStack) -> None:
    """Nobody sees a chart's file until its message shows it, so an upload that broke off is simply made again."""
    stack.fake.faults.append(Fault("files.completeUploadExternal", "reset_after"))
    await stack.post_command(f"{CPU} resource=web-01")
    await stack.fake.wait_for(lambda: stack.fake.posts)
    assert stack.fake.methods().count("files.completeUploadExternal") == 2
    assert len(stack.fake.posts) == 1
    assert stack.fake.responses == []  # nothing to say: the chart arrived


async def test_a_mention_in_a_thread_lands_in_that_thread(stack: BotStack) -> None:
    event = mention_event("<@UBOT0001> lag last 1h", event_id="Ev01", thread_ts="1700000000.000100")
    response = await stack.post_signed(json.dumps(event), "application/json")
    assert response.status_code == 200
    await stack.fake.wait_for(lambda: stack.fake.posts)
    assert [(p.channel, p.thread_ts) for p in stack.fake.posts] == [("C0OPS", "1700000000.000100")]


async def test_a_top_level_mention_starts_a_thread_under_it(stack: BotStack) -> None:
    event = mention_event("<@UBOT0001> lag", event_id="Ev02", ts="1700000200.000300")
    await stack.post_signed(json.dumps(event), "application/json")
    await stack.fake.wait_for(lambda: stack.fake.posts)
    assert stack.fake.posts[0].thread_ts == "1700000200.000300"


async def test_an_event_redelivered_by_slack_posts_once(stack: BotStack) -> None:
    """Slack's retries are signed anew (new timestamp, new signature), so the replay guard lets each one in: the
    event id is what stops them."""
    body = json.dumps(mention_event("<@UBOT0001> lag", event_id="Ev03"))
    deliveries = event_deliveries(retries=2)
    for delivery in deliveries:
        response = await stack.post_signed(
            body, "application/json", timestamp=delivery.timestamp, headers=delivery.retry_headers
        )
        assert response.status_code == 200  # taken (and acknowledged), not refused as a replay
    assert len({d.headers(body, SECRET)["X-Slack-Signature"] for d in deliveries}) == 3
    await stack.fake.wait_for(lambda: stack.fake.posts)
    await stack.work.drain(5)
    assert len(stack.fake.posts) == 1


async def test_mention_errors_are_ephemeral_in_the_thread(stack: BotStack) -> None:
    event = mention_event("<@UBOT0001> cpuxyz", event_id="Ev04", thread_ts="1700000000.000100")
    await stack.post_signed(json.dumps(event), "application/json")
    await stack.fake.wait_for(lambda: stack.fake.calls_to("chat.postEphemeral"))
    (call,) = stack.fake.calls_to("chat.postEphemeral")
    assert (call.params["channel"], call.params["user"], call.params["thread_ts"]) == (
        "C0OPS",
        "U0KIM",
        "1700000000.000100",
    )
    assert "There is no metric “cpuxyz”" in call.params["text"]


async def test_thread_permalink_from_the_slash_command(stack: BotStack) -> None:
    link = "<https://acme.slack.com/archives/C0INC/p1700000000123456|msg>"
    await stack.post_command(f"lag thread {link}")
    await stack.fake.wait_for(lambda: stack.fake.posts)
    assert [(p.channel, p.thread_ts) for p in stack.fake.posts] == [("C0INC", "1700000000.123456")]


async def test_the_fallback_is_posted_and_labelled(stack: BotStack) -> None:
    stack.sandbox.plan.add(SandboxFault(kind="status", status=503, path=IMAGE_PATH, times=0))
    await stack.post_command("lag")
    await stack.fake.wait_for(lambda: stack.fake.posts)
    assert "_Drawn by the bot from the numbers" in stack.fake.posts[0].comment


async def test_shortcut_opens_the_modal_and_its_submission_lands_in_the_thread(stack: BotStack) -> None:
    await stack.post_command(f"save web-cpu {CPU} resource=web-01")
    await stack.fake.wait_for(lambda: stack.fake.responses)
    shortcut = {
        "type": "message_action",
        "callback_id": "chart_in_thread",
        "trigger_id": "13345.abc",
        "team": {"id": "T0TEAM001"},
        "user": {"id": "U0KIM"},
        "channel": {"id": "C0OPS", "name": "ops"},
        "message": {"type": "message", "ts": "1700000300.000400", "text": "DB is slow"},
        "message_ts": "1700000300.000400",
        "response_url": stack.fake.response_url(),
    }
    response = await stack.post_signed(
        urlencode({"payload": json.dumps(shortcut)}), "application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    await stack.fake.wait_for(lambda: stack.fake.calls_to("views.open"))
    view = (
        json.loads(stack.fake.calls_to("views.open")[0].params["view"])
        if isinstance(stack.fake.calls_to("views.open")[0].params["view"], str)
        else stack.fake.calls_to("views.open")[0].params["view"]
    )
    assert [b["block_id"] for b in view["blocks"]] == ["saved", "metric", "window", "stat"]
    assert view["blocks"][0]["element"]["options"][0]["value"] == "web-cpu"
    suggestion = metric_suggestion("lag", view)
    options = await stack.post_signed(
        urlencode({"payload": json.dumps(suggestion)}), "application/x-www-form-urlencoded"
    )
    assert [o["value"] for o in options.json()["options"]] == ["PostgreSQL(DBaaS):Replication Lag"]
    submission = {
        "type": "view_submission",
        "team": {"id": "T0TEAM001"},
        "user": {"id": "U0KIM"},
        "view": {
            **view,
            "id": "V0001",
            "state": {
                "values": {
                    "saved": {"saved": {"type": "static_select", "selected_option": None}},
                    "metric": {
                        "metric": {
                            "type": "external_select",
                            "selected_option": {"value": "PostgreSQL(DBaaS):Replication Lag"},
                        }
                    },
                    "window": {"window": {"type": "plain_text_input", "value": "last 6h"}},
                    "stat": {"stat": {"type": "static_select", "selected_option": {"value": "max"}}},
                }
            },
        },
    }
    submitted = await stack.post_signed(
        urlencode({"payload": json.dumps(submission)}), "application/x-www-form-urlencoded"
    )
    assert submitted.status_code == 200
    await stack.fake.wait_for(lambda: stack.fake.posts)
    (post,) = stack.fake.posts
    assert (post.channel, post.thread_ts) == ("C0OPS", "1700000300.000400")
    assert post.comment.startswith("*Replication Lag* · last 6h (")
    assert " · MAX · asked by <@U0KIM>" in post.comment


async def test_an_empty_modal_says_what_is_missing(stack: BotStack) -> None:
    view = {
        "type": "modal",
        "callback_id": "chart_in_thread_modal",
        "private_metadata": json.dumps({"channel_id": "C0OPS", "thread_ts": "1.2"}),
        "state": {"values": {"metric": {"metric": {"selected_option": None}}, "window": {"window": {"value": "lst"}}}},
    }
    submission = {"type": "view_submission", "team": {"id": "T0TEAM001"}, "user": {"id": "U0KIM"}, "view": view}
    response = await stack.post_signed(
        urlencode({"payload": json.dumps(submission)}), "application/x-www-form-urlencoded"
    )
    assert response.json() == {"response_action": "errors", "errors": {"metric": "Pick a saved chart or a metric."}}


async def test_healthz_and_metrics(stack: BotStack) -> None:
    await stack.post_command(f"{CPU} resource=web-01")
    await stack.fake.wait_for(lambda: stack.fake.posts)
    await stack.work.drain(5)
    schedules = stack.schedules
    assert schedules is not None
    await stack.fake.wait_for(lambda: schedules.loaded is not None)  # loaded in the background
    async with httpx.AsyncClient() as client:
        health = await client.get(f"{stack.url}/healthz")
        ready = await client.get(f"{stack.url}/readyz")
        metrics = await client.get(f"{stack.url}/metrics")
    assert health.json() == {"ok": True}  # unauthenticated: nothing of what it talks to, or how
    assert ready.json()["process"] == {"mode": "http", "in_flight": 0, "schedules": 0}  # as `python -m bot` serves it
    assert "127.0.0.1" not in health.text + ready.text
    assert 'servicewatch_bot_requests_total{surface="slack"} 1.0' in metrics.text
    assert 'servicewatch_bot_charts_posted_total{drawn_by="servicewatch"} 1.0' in metrics.text
    assert 'servicewatch_bot_upstream_calls_total{path="/v1/metrics/data/download/image"} 1.0' in metrics.text


@pytest.mark.slow
async def test_the_type_ahead_answers_in_time_while_the_catalog_hangs(stack: BotStack) -> None:
    """Slack drops an options answer after 3 s: with ListMetricInfos hanging and no catalog held yet, the answer
    comes anyway (empty) instead of waiting for it; once a catalog is held it answers from that, however old."""
    # Held longer than the type-ahead waits (1.5 s), then answered: the order is the timers', not the machine's.
    stack.sandbox.plan.add(SandboxFault(kind="timeout", delay=3.5, times=1, path=METRICS_PATH))
    suggestion = metric_suggestion("lag", {"id": "V1", "type": "modal", "callback_id": "chart_modal", "blocks": []})
    body = urlencode({"payload": json.dumps(suggestion)})
    cold = await stack.post_signed(body, "application/x-www-form-urlencoded")
    assert cold.status_code == 200
    assert cold.json()["options"] == []
    await stack.services.charts.catalog()  # the held call is answered at last, and the catalog is held
    warm = await stack.post_signed(body, "application/x-www-form-urlencoded")
    assert [o["value"] for o in warm.json()["options"]] == ["PostgreSQL(DBaaS):Replication Lag"]


async def test_a_request_cut_off_by_shutdown_stays_noted_for_takeover(stack: BotStack) -> None:
    """Shutdown waits a grace, then cancels what is left: such a request is neither answered nor forgotten."""
    pending = stack.slack.listeners.pending
    assert pending is not None
    stack.sandbox.plan.latency = 30  # the chart is still being drawn when the bot stops
    assert (await stack.post_command(f"{CPU} resource=web-01")).status_code == 200
    await stack.fake.wait_for(lambda: stack.sandbox.in_flight > 0)
    assert await stack.work.drain(0.1) == 1  # cut off
    stack.sandbox.plan.clear()  # the held calls are answered, so the stack stops at once
    after_the_lease = pending.now() + pending.lease * 2  # the stopped process renews nothing any more
    later = PendingRequests(stack.services.database, holder="the-next-process", clock=lambda: after_the_lease)
    (noted,) = await later.orphans(timedelta(0))
    assert noted.text == f"{CPU} resource=web-01"
    assert stack.fake.posts == []


@pytest.mark.parametrize("status", [404, 500])
async def test_a_refused_response_url_still_tells_the_asker(stack: BotStack, status: int) -> None:
    """Issue 26: a response_url that is expired, used up or down must not swallow a failure: it goes ephemeral."""
    stack.fake.response_url_status = status
    await stack.post_command("lag of web-10")
    await stack.fake.wait_for(lambda: stack.fake.calls_to("chat.postEphemeral"))
    (call,) = stack.fake.calls_to("chat.postEphemeral")
    assert (call.params["channel"], call.params["user"]) == ("C0OPS", "U0KIM")
    assert "web-10" in call.params["text"]
    assert stack.fake.responses == []
