"""The alerts bench (`python -m bench alerts`): the fake Slack process's `/_fake/messages` and `/_fake/responses`,
which the bench reads for each alert's message and the watch command's answer, and the bench itself at its quick
size against real processes (slow: `python -m pytest --slow`)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp
import pytest

from bench.benches import Knobs, alerts
from bench.slack import BenchSlack
from tests.fakes.slack import BOT_TOKEN


async def test_the_fake_slack_process_lists_a_channels_messages_with_their_times_and_the_answers() -> None:
    fake = BenchSlack(uploads_per_minute=100, burst=3)
    url = await fake.start(extra_routes=fake.app_routes)
    auth = {"Authorization": f"Bearer {BOT_TOKEN}"}
    try:
        async with aiohttp.ClientSession(headers=auth) as session:
            async with session.post(f"{url}/api/chat.postMessage", json={"channel": "C0INCIDENT", "text": "a"}) as r:
                ts = (await r.json())["ts"]
            async with session.post(
                f"{url}/api/chat.postMessage", json={"channel": "C0INCIDENT", "text": "in thread", "thread_ts": ts}
            ):
                pass
            async with session.post(f"{url}/api/chat.update", json={"channel": "C0INCIDENT", "ts": ts, "text": "b"}):
                pass
            async with session.post(f"{url}/commands/T0TEAM001/1/watch000001", json={"text": "Watching 3 alerts"}):
                pass
            async with session.get(f"{url}/_fake/messages", params={"channel": "C0INCIDENT"}) as r:
                messages = (await r.json())["messages"]
            async with session.get(f"{url}/_fake/responses") as r:
                responses = (await r.json())["responses"]
        first, reply = messages
        assert (first["ts"], first["text"], first["thread_ts"], first["edits"]) == (ts, "b", None, 1)
        assert first["posted_at"] == float(ts) <= first["edited_at"][0]
        assert (reply["text"], reply["thread_ts"]) == ("in thread", ts)
        assert responses == [{"text": "Watching 3 alerts"}]
    finally:
        await fake.stop()


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_the_alerts_bench_announces_every_flip_once(tmp_path: Path) -> None:
    figures = {f.name: f for f in asyncio.run(alerts(Knobs(quick=True, workdir=tmp_path)))}
    for name in ("one watch of 50 alerts", "ShowAlert calls a minute", "lost (no message or no edit)"):
        assert figures[name].met, figures[name]
    assert figures["doubled (messages / edits)"].met, figures["doubled (messages / edits)"]
