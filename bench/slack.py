"""`python -m bench.slack`: the fake Slack of the tests as a process of its own, with Slack's upload limit
enforced (429 + Retry-After) and what it received readable at `/_fake/stats`; a message as it stands, and when
each chat.update edited it, at `/_fake/message` (which can wait for the next edit); every message of a channel with
its times at `/_fake/messages`, and the slash commands' answers (response_url) at `/_fake/responses`."""

from __future__ import annotations

import argparse
import asyncio
import re
import signal
import time
from collections import Counter
from typing import Any

from aiohttp import web

from tests.fakes.slack import FakeSlack, RateLimit
from tests.fakes.slack_oauth import Grant

UPLOAD_METHODS = ("files.getUploadURLExternal", "files.completeUploadExternal")
# The benches' workspace (bench/load.py, bench/benches.py): askers and schedule owners U0000–U0099; the channels
# commands come from, and those schedules post to (C0000–C0399); everyone and the bot in every channel.
PEOPLE = [f"U{n:04d}" for n in range(100)]
CHANNELS = ["C0WARM", "C0INCIDENT", *(f"C{n:04d}" for n in range(400))]
SCHEDULE = re.compile(r"schedule #(\d+)")
TEAM_CHANNELS = 5  # channels of each bench team (`--teams`): C<team number><0–4>


def bench_teams(count: int) -> list[str]:
    """The team ids of `--teams COUNT`."""
    return [f"T{n:04d}" for n in range(count)]


def team_token(team_id: str) -> str:
    """The bot token this fake issued to a bench team: what the bench stores as the app's installation there."""
    return f"xoxb-bench-{team_id}"


def team_channel(team_id: str, k: int) -> str:
    return f"C{team_id[1:]}{k % TEAM_CHANNELS}"


class BenchSlack(FakeSlack):
    """Serves its counts and the posts it accepted."""

    def __init__(self, uploads_per_minute: float, burst: int, teams: int = 0) -> None:
        super().__init__()
        self.rate_limits = {method: RateLimit(uploads_per_minute, burst) for method in UPLOAD_METHODS}
        self.counts: Counter[str] = Counter()
        self.edited_at: dict[tuple[str, str], list[float]] = {}  # (channel, ts) → time.time() of each chat.update
        self._edited = asyncio.Event()  # set (and replaced) on every edit: what `/_fake/message` waits on
        for user_id in PEOPLE:
            self.user(user_id)
        for channel_id in CHANNELS:
            self.channel(channel_id, members=PEOPLE)
        for n, team_id in enumerate(bench_teams(teams)):  # the app installed in each (bench/benches.py workspaces)
            self.installs.add_team(team_id, f"Team {n}")
            self.installs.grants[team_token(team_id)] = Grant(team_token(team_id), team_id)
            for k in range(TEAM_CHANNELS):
                self.channel(team_channel(team_id, k), members=PEOPLE, team=team_id)

    def app_routes(self, app: web.Application) -> None:
        app.router.add_get("/_fake/stats", self._stats)
        app.router.add_delete("/_fake/stats", self._reset)
        app.router.add_get("/_fake/message", self._message)
        app.router.add_get("/_fake/messages", self._messages)
        app.router.add_get("/_fake/responses", self._responses)

    async def _stats(self, request: web.Request) -> web.StreamResponse:
        if request.query.get("brief"):  # polled while waiting: only the count
            return web.json_response({"count": len(self.posts)})
        posts = [
            {
                "channel": p.channel,
                "team": p.team,
                "ts": p.ts,
                "at": p.at,
                "schedule": _schedule_of(p.comment),
                "bytes": len(p.data),
            }
            for p in self.posts
        ]
        refused = {method: limit.refused for method, limit in self.rate_limits.items()}
        calls = Counter(call.method for call in self.calls)
        return web.json_response(
            {"posts": posts, "ratelimited": refused, "calls": calls, "responses": len(self.responses)}
        )

    async def _message(self, request: web.Request) -> web.StreamResponse:
        """`?channel=C…&ts=…`: the message as Slack returns it (`message`), how many times it was edited (`edits`)
        and when (`edited_at`, time.time() of each chat.update). With `&edits=N&within=S`, answers once it has
        more than N edits, or after S seconds."""
        channel, ts = request.query.get("channel", ""), request.query.get("ts", "")
        found = self.messages.get(channel, {}).get(ts)
        if found is None:
            return web.json_response({"error": "message_not_found"}, status=404)
        seen = int(request.query.get("edits", "-1"))
        deadline = time.monotonic() + float(request.query.get("within", "0"))
        while len(found.edits) <= seen and (left := deadline - time.monotonic()) > 0:
            edited = self._edited
            try:
                await asyncio.wait_for(edited.wait(), left)
            except TimeoutError:
                break
        shown: dict[str, Any] = {"message": found.shown(), "edits": len(found.edits)}
        return web.json_response(shown | {"edited_at": self.edited_at.get((channel, ts), [])})

    async def _messages(self, request: web.Request) -> web.StreamResponse:
        """`?channel=C…`: its messages, oldest first: `ts`, `thread_ts`, `text`, `posted_at` (time.time() when posted,
        from the ts), `edits`, `edited_at`, and `kinds` (its blocks' types as posted, then after each edit)."""
        channel = request.query.get("channel", "")
        found = sorted(self.messages.get(channel, {}).values(), key=lambda m: float(m.ts))
        return web.json_response(
            {
                "messages": [
                    {
                        "ts": m.ts,
                        "thread_ts": m.thread_ts,
                        "text": m.text,
                        "posted_at": float(m.ts),
                        "edits": len(m.edits),
                        "edited_at": self.edited_at.get((channel, m.ts), []),
                        # the block kinds of the message as first posted, and of each edit after it
                        "kinds": [[b["type"] for b in blocks] for _text, blocks in [*m.edits, (m.text, m.blocks)]],
                    }
                    for m in found
                ]
            }
        )

    async def _responses(self, request: web.Request) -> web.StreamResponse:
        """What the bot sent to response_urls, oldest first, as sent."""
        return web.json_response({"responses": self.responses})

    def _chat_update(self, params: dict[str, Any]) -> dict[str, Any]:
        answer = super()._chat_update(params)
        self.edited_at.setdefault((answer["channel"], answer["ts"]), []).append(time.time())
        self._edited.set()
        self._edited = asyncio.Event()
        return answer

    async def _reset(self, request: web.Request) -> web.StreamResponse:
        self.posts.clear()
        self.calls.clear()
        self.responses.clear()
        for limit in self.rate_limits.values():
            limit.refused = 0
        return web.json_response({"ok": True})


def _schedule_of(comment: str) -> int | None:
    found = SCHEDULE.search(comment)
    return int(found.group(1)) if found else None


async def _serve(uploads_per_minute: float, burst: int, teams: int) -> None:
    fake = BenchSlack(uploads_per_minute, burst, teams)
    url = await fake.start(extra_routes=fake.app_routes)
    print(f"fake Slack listening on {url}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    await fake.stop()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.slack", description=__doc__)
    parser.add_argument("--uploads-per-minute", type=float, default=100.0, help="files.* calls allowed a minute")
    parser.add_argument("--burst", type=int, default=3, help="calls allowed at once before the limit applies")
    parser.add_argument("--teams", type=int, default=0, help="more workspaces with the app installed (T0000…)")
    args = parser.parse_args()
    asyncio.run(_serve(args.uploads_per_minute, args.burst, args.teams))


if __name__ == "__main__":
    main()
