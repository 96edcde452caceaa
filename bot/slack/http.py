"""HTTP mode: Slack posts to `/slack/events`; `/healthz` and Prometheus `/metrics` beside it."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_sdk.signature import SignatureVerifier

from bot.metrics import Metrics
from bot.store.events import EventLedger

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"


def web_app(
    bolt: AsyncApp,
    *,
    metrics: Metrics,
    health: Callable[[], dict[str, Any]],
    ledger: EventLedger | None = None,
    signing_secret: str | None = None,
) -> web.Application:
    """The aiohttp application of HTTP mode. Bolt verifies every request's signature and age; a request whose
    valid signature was already seen (a replay inside Slack's five minutes) is refused here."""
    verifier = SignatureVerifier(signing_secret) if signing_secret else None

    async def events(request: web.Request) -> web.StreamResponse:
        if ledger is not None and verifier is not None:
            body = await request.text()
            signature = request.headers.get("X-Slack-Signature", "")
            timestamp = request.headers.get("X-Slack-Request-Timestamp", "")
            valid = (
                timestamp.isdigit() and signature.startswith("v0=") and verifier.is_valid(body, timestamp, signature)
            )
            if valid and not await ledger.claim(f"sig:{signature}"):
                log.warning("refused a replayed Slack request (its signature was already used)")
                return web.json_response({"error": "replayed request"}, status=401)
        return await to_aiohttp_response(await bolt.async_dispatch(await to_bolt_request(request)))

    async def healthz(request: web.Request) -> web.StreamResponse:
        return web.json_response({"ok": True, **health()})

    async def prometheus(request: web.Request) -> web.StreamResponse:
        return web.Response(body=metrics.exposition(), headers={"Content-Type": CONTENT_TYPE_LATEST})

    app = web.Application(client_max_size=1024 * 1024)
    app.router.add_post(EVENTS_PATH, events)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/metrics", prometheus)
    return app


async def serve(app: web.Application, host: str, port: int) -> tuple[web.AppRunner, str]:
    """Start listening; returns the runner (for cleanup) and the base URL (port 0 picks a free one)."""
    runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=5.0)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    server = site._server
    assert server is not None
    bound = server.sockets[0].getsockname()  # type: ignore[attr-defined]
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else host
    return runner, f"http://{shown}:{bound[1]}"
