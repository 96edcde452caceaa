"""The HTTP edge's hold on connections: how long a connection may sit idle or send its headers, how long a body
may take, how many connections are open at once, and the file descriptors that allows (docs/limits.md)."""

from __future__ import annotations

import asyncio
import logging
import resource
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiohttp import web

log = logging.getLogger(__name__)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

# Descriptors kept for everything that is not an inbound connection: the database pool, ServiceWatch and Slack
# clients, log files, the event loop's own.
RESERVED_DESCRIPTORS = 128

_REFUSAL_BODY = b'{"error":"too many connections","detail":"try again in a moment"}'
_REFUSAL = (
    b"HTTP/1.1 503 Service Unavailable\r\n"
    b"Content-Type: application/json\r\n"
    b"Content-Length: " + str(len(_REFUSAL_BODY)).encode() + b"\r\n"
    b"Retry-After: 1\r\n"
    b"Connection: close\r\n\r\n" + _REFUSAL_BODY
)


@dataclass(frozen=True)
class ConnectionLimits:
    """`idle`: seconds a connection may stay open without a whole request's headers (a new one, or one kept alive
    after its last answer; this also ends headers sent a byte at a time). `body`: seconds a request's body may take.
    `most`: connections open at once; past it the one idle longest is closed, or when none is idle, the new one is
    answered 503 and closed before anything is read."""

    idle: float = 15.0
    body: float = 10.0
    most: int = 1000


DEFAULT_LIMITS = ConnectionLimits()


def descriptor_budget(wanted: int) -> int:
    """Raise this process's limit of open files towards its hard limit (as far as the OS allows), and return how many
    inbound connections fit in it beside `RESERVED_DESCRIPTORS`: at most `wanted`, at least 1."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return wanted
    needed = wanted + RESERVED_DESCRIPTORS
    target = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
    if target > soft:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError) as error:
            log.warning("could not raise the limit of open files from %d to %d: %s", soft, target, error)
    fits = max(1, soft - RESERVED_DESCRIPTORS)
    if fits < wanted:
        log.warning(
            "the limit of open files (%d) leaves room for %d connections, not %d (BOT_HTTP_MAX_CONNECTIONS); raise "
            "it with `ulimit -n` or the service manager's LimitNOFILE",
            soft,
            fits,
            wanted,
        )
    return min(wanted, fits)


class _Refused(asyncio.Protocol):
    """A connection over the cap: told 503 at once and closed, nothing read."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.WriteTransport)
        transport.write(_REFUSAL)
        transport.close()


class _Sparing:
    """Counts what the cap did (connections closed to make room, refused) and logs it at most every `every` s."""

    def __init__(self, every: float = 10.0) -> None:
        self.closed = self.refused = 0
        self._every, self._logged = every, float("-inf")
        self._unlogged = {"closed": 0, "refused": 0}

    def one(self, kind: str, cap: int) -> None:
        if kind == "closed":
            self.closed += 1
        else:
            self.refused += 1
        self._unlogged[kind] += 1
        now = time.monotonic()
        if now - self._logged >= self._every:
            log.warning(
                "%d connections open, the most allowed: closed %d idle one(s) to make room, refused %d",
                cap,
                self._unlogged["closed"],
                self._unlogged["refused"],
            )
            self._logged, self._unlogged = now, {"closed": 0, "refused": 0}


class BusyConnections:
    """The connections in the middle of a request: its middleware must be the app's, added before it starts."""

    def __init__(self) -> None:
        self._busy: set[object] = set()

    def __contains__(self, connection: object) -> bool:
        return connection in self._busy

    @web.middleware
    async def middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        self._busy.add(request.protocol)
        try:
            return await handler(request)
        finally:
            self._busy.discard(request.protocol)


class CappedSite(web.BaseSite):
    """A TCP site that hands at most `most` open connections to aiohttp. At the cap, the connection idle longest
    (between requests, or still sending its headers) is closed to make room for the new one; only when every
    connection is in the middle of a request is the new one refused, with a 503, before anything is read. So
    clients that hold connections open cannot keep Slack out, and no request under way is cut off."""

    def __init__(self, runner: web.BaseRunner, host: str, port: int, most: int, busy: BusyConnections) -> None:
        super().__init__(runner)
        self._host, self._port, self._most, self._busy = host, port, most, busy
        self.sparing = _Sparing()

    @property
    def name(self) -> str:
        return f"http://{self._host}:{self._port}"

    def _protocol(self) -> asyncio.BaseProtocol:
        server = self._runner.server
        assert server is not None
        connections = server.connections  # oldest first
        if len(connections) >= self._most:
            idle = next((connection for connection in connections if connection not in self._busy), None)
            if idle is None:
                self.sparing.one("refused", self._most)
                return _Refused()
            idle.force_close()
            self.sparing.one("closed", self._most)
        return server()

    async def start(self) -> None:
        await super().start()
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(self._protocol, self._host, self._port, backlog=self._backlog)

    def bound_port(self) -> int:
        """The port listened on (port 0 picks a free one)."""
        assert isinstance(self._server, asyncio.Server)
        return int(self._server.sockets[0].getsockname()[1])
