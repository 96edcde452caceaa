"""Connections that hold the HTTP edge: idle, sending headers a byte at a time, a body that never ends, more at once
than the bot allows. Over real sockets against the bot in HTTP mode (issue 26)."""

from __future__ import annotations

import asyncio
import os
import resource
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.slack import connections
from bot.slack.connections import RESERVED_DESCRIPTORS, descriptor_budget
from tests.fakes.slack import FakeSlack
from tests.stacks import BotStack, settings_for, start_stack

# Generous: what is checked is that the bot closes the connection, not how fast; a busy machine may take a while.
CLOSED_WITHIN = 30.0


@pytest.fixture
async def tight(fake_slack: FakeSlack, tmp_path: Path) -> AsyncIterator[BotStack]:
    settings = settings_for(
        fake_slack,
        tmp_path,
        bot_http_idle_timeout="1s",
        bot_http_body_timeout="1s",
        bot_http_max_connections=8,
    )
    async for running in start_stack(fake_slack, settings):
        yield running


def _address(stack: BotStack) -> tuple[str, int]:
    host, port = stack.url.removeprefix("http://").split(":")
    return host, int(port)


async def _closed_by_the_bot(reader: asyncio.StreamReader) -> bytes:
    """Everything the bot sends until it closes the connection."""
    async with asyncio.timeout(CLOSED_WITHIN):
        return await reader.read()


async def test_an_idle_connection_is_closed(tight: BotStack) -> None:
    reader, writer = await asyncio.open_connection(*_address(tight))
    assert await _closed_by_the_bot(reader) == b""
    writer.close()


async def test_headers_sent_a_byte_at_a_time_are_cut_off(tight: BotStack) -> None:
    reader, writer = await asyncio.open_connection(*_address(tight))
    request = b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + b"X-Slow: " + b"a" * 10_000

    async def trickle() -> None:
        for byte in request:
            writer.write(bytes([byte]))
            await asyncio.sleep(0.05)

    sending = asyncio.create_task(trickle())
    try:
        assert await _closed_by_the_bot(reader) == b""
    finally:
        sending.cancel()
        writer.close()
    assert not sending.done() or sending.cancelled()  # still sending when the bot hung up


async def test_a_kept_alive_connection_is_closed_once_idle(tight: BotStack) -> None:
    reader, writer = await asyncio.open_connection(*_address(tight))
    writer.write(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
    await writer.drain()
    answer = await _closed_by_the_bot(reader)
    assert answer.startswith(b"HTTP/1.1 200")
    assert answer.endswith(b'{"ok": true}')
    writer.close()


async def test_a_body_that_never_ends_is_a_408(tight: BotStack) -> None:
    reader, writer = await asyncio.open_connection(*_address(tight))
    writer.write(
        b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b'Content-Length: 1000\r\n\r\n{"type":'
    )
    await writer.drain()
    answer = await _closed_by_the_bot(reader)
    assert answer.startswith(b"HTTP/1.1 408")
    assert b"request body too slow" in answer
    writer.close()


async def test_at_the_cap_the_longest_idle_connection_makes_room(tight: BotStack) -> None:
    address = _address(tight)
    held = [await asyncio.open_connection(*address) for _ in range(8)]
    for _, writer in held:
        writer.write(b"GET /healthz HTTP/1.1\r\n")  # headers that never end: idle, as far as the cap goes
        await writer.drain()
    await asyncio.sleep(0.1)  # each accepted before the next is counted
    for _ in range(3):  # Slack's commands still get in
        assert (await tight.post_command("lag")).status_code == 200
    oldest = await _closed_by_the_bot(held[0][0])
    assert not oldest.startswith(b"HTTP/1.1 503")
    for _, writer in held:
        writer.close()


@pytest.fixture
async def busy_cap(fake_slack: FakeSlack, tmp_path: Path) -> AsyncIterator[BotStack]:
    settings = settings_for(fake_slack, tmp_path, bot_http_body_timeout="1m", bot_http_max_connections=4)
    async for running in start_stack(fake_slack, settings):
        yield running


async def test_when_every_connection_is_busy_the_next_is_refused(busy_cap: BotStack) -> None:
    address = _address(busy_cap)
    busy = [await asyncio.open_connection(*address) for _ in range(4)]
    for _, writer in busy:  # each in the middle of a request: its body still coming
        writer.write(
            b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b'Content-Length: 1000\r\n\r\n{"type":'
        )
        await writer.drain()
    await asyncio.sleep(0.2)
    reader, writer = await asyncio.open_connection(*address)
    refused = await _closed_by_the_bot(reader)
    assert refused.startswith(b"HTTP/1.1 503")
    assert b"too many connections" in refused
    writer.close()
    for _, held in busy:
        held.close()
    for _ in range(200):  # the bot sees the closes
        response = await busy_cap.http.get(f"{busy_cap.url}/healthz")
        if response.status_code == 200:
            break
        await asyncio.sleep(0.05)
    assert response.json() == {"ok": True}


def _open_descriptors() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.mark.skipif(not Path("/proc/self/fd").exists(), reason="counts descriptors in /proc")
async def test_stalled_clients_give_their_descriptors_back(tight: BotStack) -> None:
    before = _open_descriptors()
    address = _address(tight)
    stalled = [await asyncio.open_connection(*address) for _ in range(40)]
    for _, writer in stalled:
        writer.write(b"GET /healthz HTTP/1.1\r\n")  # headers that never end
    ended = await asyncio.gather(*(_closed_by_the_bot(reader) for reader, _ in stalled))
    assert ended == [b""] * 40  # each closed: made room for the next, or past the idle timeout
    for _, writer in stalled:
        writer.close()
        await writer.wait_closed()
    assert _open_descriptors() <= before + 4  # the database pool may have opened one meanwhile


@pytest.mark.parametrize(
    ("limits", "wanted", "raised_to", "fits"),
    [
        ((1024, 1024), 1000, None, 1024 - RESERVED_DESCRIPTORS),  # the common default: fewer than asked
        ((1024, 4096), 1000, 1000 + RESERVED_DESCRIPTORS, 1000),  # raised within the hard limit
        ((1024, 1100), 1000, 1100, 1100 - RESERVED_DESCRIPTORS),  # raised as far as the hard limit goes
        ((65536, 65536), 1000, None, 1000),  # already room
        ((100, 100), 1000, None, 1),  # never none
        ((resource.RLIM_INFINITY, resource.RLIM_INFINITY), 1000, None, 1000),
    ],
)
def test_the_descriptor_budget(
    monkeypatch: pytest.MonkeyPatch, limits: tuple[int, int], wanted: int, raised_to: int | None, fits: int
) -> None:
    raised: list[Any] = []
    monkeypatch.setattr(connections.resource, "getrlimit", lambda _kind: limits)
    monkeypatch.setattr(connections.resource, "setrlimit", lambda _kind, value: raised.append(value))
    assert descriptor_budget(wanted) == fits
    assert raised == ([] if raised_to is None else [(raised_to, limits[1])])


def test_a_refused_raise_keeps_the_old_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(_kind: int, _value: Any) -> None:
        raise ValueError("not allowed")

    monkeypatch.setattr(connections.resource, "getrlimit", lambda _kind: (256, 4096))
    monkeypatch.setattr(connections.resource, "setrlimit", refuse)
    assert descriptor_budget(1000) == 256 - RESERVED_DESCRIPTORS
