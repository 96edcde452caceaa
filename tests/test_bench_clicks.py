"""The clicks bench (`python -m bench clicks`): the fake Slack process's `/_fake/message`, which the bench waits on
for each redraw, and the bench itself at its quick size against real processes (slow: `python -m pytest --slow`)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp
import pytest

from bench.benches import Knobs, clicks
from bench.load import message_of
from bench.slack import BenchSlack
from tests.fakes.slack import BOT_TOKEN


async def test_the_fake_slack_process_answers_a_message_once_it_is_edited() -> None:
    fake = BenchSlack(uploads_per_minute=100, burst=3)
    url = await fake.start(extra_routes=fake.app_routes)
    auth = {"Authorization": f"Bearer {BOT_TOKEN}"}
    try:
        async with aiohttp.ClientSession(headers=auth) as session:
            async with session.post(f"{url}/api/chat.postMessage", json={"channel": "C0INCIDENT", "text": "a"}) as r:
                ts = (await r.json())["ts"]
            now = await message_of(url, "C0INCIDENT", ts)
            assert (now["message"]["text"], now["edits"], now["edited_at"]) == ("a", 0, [])

            waiting = asyncio.create_task(message_of(url, "C0INCIDENT", ts, after_edits=0, within=10))
            await asyncio.sleep(0.1)
            assert not waiting.done()
            async with session.post(
                f"{url}/api/chat.update", json={"channel": "C0INCIDENT", "ts": ts, "text": "b"}
            ) as r:
                assert (await r.json())["ok"]
            edited = await asyncio.wait_for(waiting, 5)
        assert (edited["message"]["text"], edited["edits"], len(edited["edited_at"])) == ("b", 1, 1)
        unchanged = await message_of(url, "C0INCIDENT", ts, after_edits=1, within=0.05)  # gives up after `within`
        assert unchanged["edits"] == 1
    finally:
        await fake.stop()


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_the_clicks_bench_redraws_every_click_in_place(tmp_path: Path) -> None:
    figures = {f.name: f for f in asyncio.run(clicks(Knobs(quick=True, uploads_per_minute=600.0, workdir=tmp_path)))}
    for name in ("redrawn in place", "notes instead of a redraw", "upstream image calls per redraw"):
        assert figures[name].met, figures[name]
