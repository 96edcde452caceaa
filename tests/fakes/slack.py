"""A fake Slack over real HTTP on an ephemeral port: the Web API methods the bot calls, the upload URL, a
response_url sink and a Socket Mode websocket. It records what it receives and can be told to misbehave."""

from __future__ import annotations

import asyncio
import json
import math
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from aiohttp import WSMsgType, web

BOT_USER = "UBOT0001"
APP_TOKEN = "xapp-1-test"
TEAM = "T0TEAM001"


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    headers: dict[str, str]


@dataclass
class Post:
    """A chart as Slack would show it: a completed upload with its bytes."""

    channel: str
    thread_ts: str | None
    comment: str
    title: str
    filename: str
    alt_txt: str
    data: bytes
    file_id: str = ""
    at: float = 0.0  # time.time() when Slack accepted it


@dataclass
class Fault:
    method: str
    kind: str  # "error" (ok: false), "ratelimited" (429), "status" (an HTTP error), "reset_after" (do it, then drop it)
    error: str = ""
    retry_after: int = 1
    times: int = 1
    status: int = 503


class RateLimit:
    """Slack's per-method limit as a token bucket: `per_minute` calls, bursts of up to `burst`; beyond it, 429."""

    def __init__(self, per_minute: float, burst: int = 1, clock: Any = time.monotonic) -> None:
        self.rate, self.burst, self._clock = per_minute / 60.0, burst, clock
        self._tokens, self._at = float(burst), clock()
        self.refused = 0

    def take(self) -> float:
        """0 when the call may go ahead; else the seconds until it may (Slack's Retry-After, rounded up)."""
        now = self._clock()
        self._tokens = min(self.burst, self._tokens + (now - self._at) * self.rate)
        self._at = now
        if self._tokens >= 1:
            self._tokens -= 1
            return 0.0
        self.refused += 1
        return (1 - self._tokens) / self.rate


@dataclass
class Channel:
    is_private: bool = False
    is_member: bool = True
    is_archived: bool = False


class FakeSlack:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.posts: list[Post] = []
        self.responses: list[dict[str, Any]] = []
        self.users: dict[str, str] = {}  # user id → tz
        self.channels: dict[str, Channel] = {}  # unknown channels: public, bot is a member
        self.faults: list[Fault] = []
        self.rate_limits: dict[str, RateLimit] = {}  # method → its limit
        self.token_error = ""  # e.g. "token_revoked": Slack's answer to every call with the bot token, auth.test too
        self.socket_acks: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._uploads: dict[str, dict[str, Any]] = {}
        self._sockets: list[web.WebSocketResponse] = []
        self._socket_ready = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.url = ""

    # Life cycle -----------------------------------------------------------------------------------------------

    async def start(self, extra_routes: Any = None) -> str:
        app = web.Application(client_max_size=50 * 1024 * 1024)
        if extra_routes is not None:
            extra_routes(app)
        app.router.add_post("/api/{method}", self._api)
        app.router.add_get("/api/{method}", self._api)
        app.router.add_post("/upload/{file_id}", self._upload)
        app.router.add_post("/commands/{team}/{number}/{key}", self._response)
        app.router.add_get("/socket", self._socket)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"
        return self.url

    async def stop(self) -> None:
        for ws in list(self._sockets):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/"

    def response_url(self) -> str:
        """Shaped like Slack's (`…/commands/T…/…/…`), so the log filter treats it as Slack's."""
        return f"{self.url}/commands/{TEAM}/{secrets.randbelow(10**9)}/{secrets.token_hex(12)}"

    # What tests look at ---------------------------------------------------------------------------------------

    def methods(self) -> list[str]:
        return [call.method for call in self.calls]

    def calls_to(self, method: str) -> list[Call]:
        return [call for call in self.calls if call.method == method]

    async def wait_for(self, predicate: Any, within: float = 15.0) -> None:
        """Wait until `predicate()` is true (the bot works after acknowledging, so results come later)."""
        deadline = asyncio.get_running_loop().time() + within
        while not predicate():
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"timed out; the fake Slack saw {self.methods()}")
            await asyncio.sleep(0.02)

    # The Web API ----------------------------------------------------------------------------------------------

    async def _params(self, request: web.Request) -> dict[str, Any]:
        """Slack's clients send arguments as a query string, a form or JSON; take them from all three."""
        params: dict[str, Any] = dict(request.query)
        if request.method == "POST":
            if request.content_type == "application/json":
                body = await request.json()
                params.update(body if isinstance(body, dict) else {})
            else:
                form = await request.post()
                params.update({key: form.get(key) for key in form})
        return params

    def _fault(self, method: str) -> Fault | None:
        for fault in self.faults:
            if fault.method == method:
                fault.times -= 1
                if fault.times <= 0:
                    self.faults.remove(fault)
                return fault
        return None

    async def _api(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        params = await self._params(request)
        self.calls.append(Call(method, params, dict(request.headers)))
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if method == "apps.connections.open":  # the one method of app-level tokens, as Slack has it
            if token.startswith("xoxb-"):
                return web.json_response({"ok": False, "error": "not_allowed_token_type"})
            if token != APP_TOKEN:
                return web.json_response({"ok": False, "error": "invalid_auth"})
        elif token != "xoxb-test-token":
            return web.json_response({"ok": False, "error": "invalid_auth"})
        elif self.token_error:
            return web.json_response({"ok": False, "error": self.token_error})
        limit = self.rate_limits.get(method)
        wait = limit.take() if limit is not None else 0.0
        if wait:
            return web.json_response(
                {"ok": False, "error": "ratelimited"}, status=429, headers={"Retry-After": str(math.ceil(wait))}
            )
        fault = self._fault(method)
        if fault and fault.kind == "ratelimited":
            return web.json_response(
                {"ok": False, "error": "ratelimited"}, status=429, headers={"Retry-After": str(fault.retry_after)}
            )
        if fault and fault.kind == "status":
            return web.Response(status=fault.status, text="Service Unavailable")
        if fault and fault.kind == "error":
            return web.json_response({"ok": False, "error": fault.error})
        handler = getattr(self, "_" + method.replace(".", "_"), None)
        body = handler(params) if handler else {"ok": True}
        if fault and fault.kind == "reset_after":
            assert request.transport is not None
            request.transport.abort()
            raise asyncio.CancelledError
        return web.json_response(body)

    def _auth_test(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "user_id": BOT_USER,
            "user": "servicewatch",
            "team_id": TEAM,
            "team": "Acme",
            "bot_id": "B0001",
            "url": "https://acme.slack.com/",
        }

    def _apps_connections_open(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "url": f"{self.url.replace('http', 'ws')}/socket"}

    def _users_info(self, params: dict[str, Any]) -> dict[str, Any]:
        user = params.get("user", "")
        return {"ok": True, "user": {"id": user, "tz": self.users.get(user, "America/New_York")}}

    def _files_getUploadURLExternal(self, params: dict[str, Any]) -> dict[str, Any]:
        file_id = f"F{secrets.token_hex(5).upper()}"
        self._uploads[file_id] = {"params": params, "data": None}
        return {"ok": True, "upload_url": f"{self.url}/upload/{file_id}", "file_id": file_id}

    def _channel(self, channel_id: str) -> Channel:
        return self.channels.get(channel_id, Channel())

    def _files_completeUploadExternal(self, params: dict[str, Any]) -> dict[str, Any]:
        channel_id = params.get("channel_id", "")
        channel = self._channel(channel_id)
        if channel.is_archived:
            return {"ok": False, "error": "is_archived"}
        if not channel.is_member:
            return {"ok": False, "error": "channel_not_found" if channel.is_private else "not_in_channel"}
        files = json.loads(params.get("files") or "[]")
        for item in files:
            upload = self._uploads[item["id"]]
            assert upload["data"] is not None, "completed before the bytes were uploaded"
            self.posts.append(
                Post(
                    channel=channel_id,
                    thread_ts=params.get("thread_ts"),
                    comment=params.get("initial_comment") or "",
                    title=item.get("title") or "",
                    filename=upload["params"].get("filename", ""),
                    alt_txt=upload["params"].get("alt_txt", ""),
                    data=upload["data"],
                    file_id=item["id"],
                    at=time.time(),
                )
            )
        return {"ok": True, "files": [{"id": item["id"], "title": item.get("title")} for item in files]}

    def _views_publish(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "view": {"id": "VHOME"}}

    def _conversations_join(self, params: dict[str, Any]) -> dict[str, Any]:
        channel_id = params.get("channel", "")
        channel = self._channel(channel_id)
        if channel.is_private:
            return {"ok": False, "error": "method_not_supported_for_channel_type"}
        self.channels[channel_id] = Channel(is_member=True)
        return {"ok": True, "channel": {"id": channel_id}}

    def _conversations_info(self, params: dict[str, Any]) -> dict[str, Any]:
        channel = self._channel(params.get("channel", ""))
        return {
            "ok": True,
            "channel": {"id": params.get("channel"), "is_private": channel.is_private, "is_member": channel.is_member},
        }

    def _views_open(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "view": {"id": "V0001"}}

    def _chat_postEphemeral(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "message_ts": "1.000001"}

    def _chat_postMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "ts": "1.000002", "channel": params.get("channel")}

    async def _upload(self, request: web.Request) -> web.StreamResponse:
        file_id = request.match_info["file_id"]
        if file_id not in self._uploads:
            return web.Response(status=404, text="no such upload")
        self._uploads[file_id]["data"] = await request.read()
        self.calls.append(Call("upload", {"file_id": file_id}, dict(request.headers)))
        return web.Response(text="OK - 1")

    async def _response(self, request: web.Request) -> web.StreamResponse:
        self.responses.append(await request.json())
        return web.Response(text="ok")

    # Socket Mode ----------------------------------------------------------------------------------------------

    async def _socket(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._sockets.append(ws)
        await ws.send_json({"type": "hello", "num_connections": len(self._sockets), "debug_info": {"host": "fake"}})
        self._socket_ready.set()
        async for message in ws:
            if message.type == WSMsgType.TEXT:
                ack = json.loads(message.data)
                future = self.socket_acks.get(ack.get("envelope_id", ""))
                if future is not None and not future.done():
                    future.set_result(ack)
        self._sockets.remove(ws)
        return ws

    async def send_envelope(self, kind: str, payload: dict[str, Any], *, retry_attempt: int = 0) -> dict[str, Any]:
        """Deliver one payload over the socket, as Slack does, and return the app's acknowledgement."""
        await asyncio.wait_for(self._socket_ready.wait(), 10)
        envelope_id = secrets.token_hex(8)
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self.socket_acks[envelope_id] = future
        await self._sockets[-1].send_json(
            {
                "envelope_id": envelope_id,
                "type": kind,
                "payload": payload,
                "accepts_response_payload": kind != "events_api",
                "retry_attempt": retry_attempt,
                "retry_reason": "timeout" if retry_attempt else "",
            }
        )
        return await asyncio.wait_for(future, 10)


@contextmanager
def fake_slack_in_thread() -> Iterator[FakeSlack]:
    """The fake Slack on its own event loop in a thread, for tests that block on a subprocess."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    fake = FakeSlack()
    asyncio.run_coroutine_threadsafe(fake.start(), loop).result(10)
    try:
        yield fake
    finally:
        asyncio.run_coroutine_threadsafe(fake.stop(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()
