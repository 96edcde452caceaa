"""HTTP mode: Slack posts to `/slack/events`; `/healthz` (liveness), `/readyz` (readiness), Prometheus `/metrics` and
chart links (`/charts/<token>`) beside it. Slash commands take a short way: verified, parsed and acknowledged here,
before anything else happens (Bolt's runner waits for the acknowledgement by polling every 10 ms, which a burst of
commands turns into a queue)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.web.async_client import AsyncWebClient

from bot.health import Readiness
from bot.language.spec import Request
from bot.metrics import Metrics
from bot.slack.connections import DEFAULT_LIMITS, BusyConnections, CappedSite, ConnectionLimits
from bot.slack.edge import FORM, malformed, signed, text_of
from bot.slack.link_pages import ROUTE as CHART_ROUTE
from bot.slack.link_pages import ChartLinkPages
from bot.slack.requests import first_delivery, replied
from bot.store.events import EventLedger

if TYPE_CHECKING:
    from bot.slack.listeners import SlackListeners

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"


REPLAY_WINDOW = 6 * 60.0  # Slack's signatures are good for five minutes
NOTE_WITHIN = 1.5  # seconds a command's note may hold its acknowledgement (Slack waits three)


class SeenRecently:
    """Signatures seen in the last `window` seconds, in this process."""

    def __init__(self, window: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._window, self._clock = window, clock
        self._seen: OrderedDict[str, float] = OrderedDict()

    def add(self, key: str) -> bool:
        """True the first time `key` is seen within the window."""
        now = self._clock()
        while self._seen and next(iter(self._seen.values())) < now - self._window:
            self._seen.popitem(last=False)
        if key in self._seen:
            return False
        self._seen[key] = now
        return True


class AckFirst:
    """Work of acknowledged commands waits while more requests keep arriving (at most `most` seconds), so a burst
    of commands is all acknowledged before any of their work takes the CPU. One watcher serves every waiter."""

    def __init__(self, *, gap: float = 0.005, most: float = 0.1, clock: Callable[[], float] = time.monotonic) -> None:
        self._gap, self._most, self._clock = gap, most, clock
        self._last = 0.0
        self._watcher: asyncio.Task[None] | None = None

    def arrived(self) -> None:
        self._last = self._clock()

    async def quiet(self) -> None:
        """Return once no request has arrived for `gap` seconds (or `most` seconds have passed)."""
        if self._watcher is None or self._watcher.done():
            self._watcher = asyncio.create_task(self._watch())
        await asyncio.shield(self._watcher)

    async def _watch(self) -> None:
        started = self._clock()
        while True:
            now = self._clock()
            if now - self._last >= self._gap or now - started >= self._most:
                return
            await asyncio.sleep(self._gap)


def _replayed() -> web.StreamResponse:
    log.warning("refused a replayed Slack request (its signature was already used)")
    return web.json_response({"error": "replayed request"}, status=401)


def web_app(
    bolt: AsyncApp,
    *,
    metrics: Metrics,
    about: Callable[[], dict[str, Any]],
    readiness: Readiness | None = None,
    ledger: EventLedger | None = None,
    signing_secret: str | None = None,
    commands: SlackListeners | None = None,
    client: AsyncWebClient | None = None,
    limits: ConnectionLimits = DEFAULT_LIMITS,
    chart_pages: ChartLinkPages | None = None,
) -> web.Application:
    """The aiohttp application of HTTP mode. Every request's signature and age are verified; a request whose
    valid signature was already seen (a replay inside Slack's five minutes) is refused. With `commands` and
    `client`, slash commands are acknowledged here and their work started in the background. `/healthz` answers
    `{"ok": true}` while the event loop does, and says nothing more; with `readiness`, `/readyz` answers 200 or 503
    naming the failing checks, with `about()` (the mode, work in flight), and every scrape of `/metrics` asks it
    first, so its gauges are current. A body that takes longer than `limits.body` seconds is answered 408."""
    seen = SeenRecently(REPLAY_WINDOW)
    ack_first = AckFirst()

    async def events(request: web.Request) -> web.StreamResponse:
        ack_first.arrived()
        encoding = request.headers.get("Content-Encoding", "identity").strip().lower()
        if encoding not in (
            "",
            "identity",
        ):  # Slack sends plain bodies; an inflated one costs CPU before its size shows
            log.warning("refused a request to %s with Content-Encoding %s", EVENTS_PATH, encoding[:40])
            return web.json_response({"error": "compressed bodies are not accepted"}, status=415)
        try:
            async with asyncio.timeout(limits.body):
                raw = await request.read()
        except TimeoutError:
            log.warning("refused a request to %s whose body took over %g s", EVENTS_PATH, limits.body)
            return web.json_response({"error": "request body too slow"}, status=408, headers={"Connection": "close"})
        if signing_secret is not None:
            stamp = request.headers.get("X-Slack-Request-Timestamp", "")
            signature = request.headers.get("X-Slack-Signature", "")
            if not signed(raw, stamp, signature, signing_secret, time.time()):  # checked on the bytes, first
                return web.json_response({"error": "invalid request"}, status=401)
        body = text_of(raw)
        problem = "a body that is not UTF-8" if body is None else malformed(request.content_type, body)
        if body is None or problem is not None:
            log.warning("refused a malformed request to %s: %s", EVENTS_PATH, problem)
            return web.json_response({"error": "malformed request", "detail": problem}, status=400)
        if signing_secret is not None:
            # Replays to this process are refused at once, with no database write before the acknowledgement;
            # the database (every replica) is asked after it, by the listeners whose requests change something.
            if not seen.add(request.headers["X-Slack-Signature"]):
                return _replayed()
            if commands is not None and client is not None and request.content_type == FORM:
                form = dict(parse_qsl(body, keep_blank_values=True))
                if form.get("command") == commands.command:
                    return await _acknowledge(commands, client, form, request.headers["X-Slack-Signature"])
        bolt_request = AsyncBoltRequest(body=body, query=request.query_string, headers=dict(request.headers))
        return await to_aiohttp_response(await bolt.async_dispatch(bolt_request))

    async def _acknowledge(
        commands: SlackListeners, client: AsyncWebClient, form: dict[str, str], signature: str
    ) -> web.StreamResponse:
        read = commands.read_command(form.get("text", ""), form.get("user_id", ""))
        if read.refusal is not None:
            return web.json_response({"text": read.refusal, "response_type": "ephemeral"})
        pending = commands.pending
        if pending is None:  # nothing to note in: the replay check comes after the acknowledgement
            commands.work.spawn(
                _take(commands, client, form, None, signature, read.request), name=f"command of {form['user_id']}"
            )
            return web.Response(status=200)
        # Noted (its signature claimed with it) before the acknowledgement, committed with the burst around it: an
        # acknowledged command survives a crash at any moment after. A database slower than NOTE_WITHIN has the
        # command acknowledged first and noted when it answers.
        noting = asyncio.ensure_future(pending.note(commands.commands.arrival(form, signature)))
        await asyncio.wait({noting}, timeout=NOTE_WITHIN)
        if noting.done():
            if noting.exception() is not None:
                log.error("could not note a command of %s: %s", form.get("user_id"), noting.exception())
                return web.json_response(
                    {"text": commands.commands.not_taken(form.get("user_id", "")), "response_type": "ephemeral"}
                )
            if noting.result() is None:
                return _replayed()  # another replica took this signature
        commands.work.spawn(
            _take(commands, client, form, noting, signature, read.request), name=f"command of {form['user_id']}"
        )
        return web.Response(status=200)

    async def _take(
        commands: SlackListeners,
        client: AsyncWebClient,
        form: dict[str, str],
        noting: asyncio.Future[int | None] | None,
        signature: str,
        read: Request | None,
    ) -> None:
        respond = AsyncRespond(response_url=form["response_url"]) if form.get("response_url") else None
        noted: int | None = None
        if noting is None:
            await ack_first.quiet()
            if ledger is not None and not await first_delivery(ledger, signature, replied(respond)):
                return
        else:
            try:
                noted = await noting
            except Exception:  # acknowledged while the database was slow, and then it failed
                log.exception("could not note a command of %s after acknowledging it", form.get("user_id"))
                if respond is not None:
                    text = commands.commands.not_taken(form.get("user_id", ""))
                    await respond(text=text, response_type="ephemeral", replace_original=False)
                return
            if noted is None:
                log.warning("dropped a replayed Slack request (its signature was already used)")
                return
        if commands.workspaces.installed:  # the workspace's own token, not the app's default client's
            key = commands.workspaces.key_of(form)
            if not await commands.workspaces.present(key):  # uninstalled: a late command is dropped quietly
                if noted is not None and commands.pending is not None:
                    await commands.pending.done(noted)
                return
            client = commands.workspaces.client(key)
        await commands.commands.start(form, client, respond, noted=noted, settle=ack_first.quiet, read=read)

    async def healthz(request: web.Request) -> web.StreamResponse:
        return web.json_response({"ok": True})  # unauthenticated: that the process answers, nothing about it

    async def readyz(request: web.Request) -> web.StreamResponse:
        assert readiness is not None
        report = await readiness.check()
        return web.json_response({**report.as_json(), "process": about()}, status=200 if report.ready else 503)

    async def prometheus(request: web.Request) -> web.StreamResponse:
        if readiness is not None:
            await readiness.check()
        return web.Response(body=metrics.exposition(), headers={"Content-Type": CONTENT_TYPE_LATEST})

    app = web.Application(client_max_size=1024 * 1024)
    app.router.add_post(EVENTS_PATH, events)
    flow = bolt.oauth_flow
    if flow is not None:  # the installable app: Bolt's OAuth flow serves both pages

        async def install(request: web.Request) -> web.StreamResponse:
            return await to_aiohttp_response(await flow.handle_installation(await to_bolt_request(request)))

        async def oauth_redirect(request: web.Request) -> web.StreamResponse:
            return await to_aiohttp_response(await flow.handle_callback(await to_bolt_request(request)))

        app.router.add_get(flow.install_path, install)
        app.router.add_get(flow.redirect_uri_path, oauth_redirect)
    app.router.add_get("/healthz", healthz)
    if readiness is not None:
        app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", prometheus)
    if chart_pages is not None:  # chart links opened in a browser lead to the chart's message in Slack
        app.router.add_get(CHART_ROUTE, chart_pages.open)
    return app


async def serve(
    app: web.Application, host: str, port: int, limits: ConnectionLimits = DEFAULT_LIMITS
) -> tuple[web.AppRunner, str]:
    """Start listening; returns the runner (for cleanup) and the base URL (port 0 picks a free one). Connections
    idle (or sending headers) past `limits.idle` are closed; past `limits.most` at once, the one idle longest is
    closed to make room (or, when every one is busy, the new one refused). Bodies are
    never inflated: Slack sends them plain, and `/slack/events` refuses a compressed one."""
    runner = web.AppRunner(
        app,
        access_log=None,
        handle_signals=False,
        shutdown_timeout=5.0,
        keepalive_timeout=limits.idle,
        auto_decompress=False,
        # aiohttp reads an unfinished body for 10 s after the answer by default; a body cut off by the 408 would
        # hold its connection that long, so the client gets one second to read its answer, then the socket closes.
        lingering_time=1.0,
    )
    busy = BusyConnections()
    app.middlewares.append(busy.middleware)  # before setup, which freezes the app
    await runner.setup()
    site = CappedSite(runner, host, port, limits.most, busy)
    await site.start()
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else host
    return runner, f"http://{shown}:{site.bound_port()}"
