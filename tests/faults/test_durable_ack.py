"""Acknowledged means noted (issue 26, item 8): a command is in the database before its acknowledgement leaves, its
response_url sealed; a command that cannot be noted is refused in words; a burst shares its commits."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from sqlalchemy import select

from bot.slack.requests import first_delivery
from bot.store.grouping import GroupCommit
from bot.store.pending import Arrival, PendingRequests
from bot.store.retention import pruner_for
from bot.store.tables import PendingRequestRow
from tests.slack_payloads import slash_command
from tests.stacks import BotStack

CPU = '"Virtual Server:CPU Usage/Core[Basic]" resource=web-01'


def _stored(folder: Path) -> bytes:
    """The database file, its WAL and its shared memory, as they are on disk."""
    return b"".join(path.read_bytes() for path in folder.glob("bot.db*"))


async def _noted(stack: BotStack) -> list[PendingRequestRow]:
    async with stack.services.database.sessions() as session:
        return list(await session.scalars(select(PendingRequestRow)))


async def test_an_acknowledged_command_is_already_noted(stack: BotStack) -> None:
    stack.sandbox.plan.latency = 30  # the chart is far from drawn when the acknowledgement arrives
    responses = await asyncio.gather(*(stack.post_command(f"{CPU} last {n + 1}h") for n in range(20)))
    assert [response.status_code for response in responses] == [200] * 20
    noted = await _noted(stack)  # straight after the acknowledgements: a SIGKILL now would lose none
    assert sorted(row.text for row in noted) == sorted(f"{CPU} last {n + 1}h" for n in range(20))
    stack.sandbox.plan.clear()  # the held calls are answered, so the stack stops at once


async def test_response_urls_are_never_at_rest_in_plain_text(stack: BotStack, tmp_path: Path) -> None:
    stack.sandbox.plan.latency = 30
    urls = [stack.fake.response_url() for _ in range(5)]
    for n, url in enumerate(urls):
        form = slash_command(f"{CPU} last {n + 1}h", user="U0KIM", channel="C0OPS", response_url=url)
        assert (await stack.post_signed(urlencode(form), "application/x-www-form-urlencoded")).status_code == 200
    noted = await _noted(stack)
    assert len(noted) == 5
    assert all((row.response_url or "").startswith("fernet:") for row in noted)
    stored = await asyncio.to_thread(_stored, tmp_path)
    for url in urls:
        assert url.encode() not in stored
        assert url.rsplit("/", 1)[1].encode() not in stored  # not even the secret part
    stack.sandbox.plan.clear()  # the held calls are answered, so the stack stops at once


async def test_a_command_that_cannot_be_noted_is_refused_in_words(
    stack: BotStack, monkeypatch: pytest.MonkeyPatch
) -> None:
    pending = stack.slack.listeners.pending
    assert pending is not None

    async def broken(_arrival: Arrival) -> int | None:
        raise OSError("database or disk is full")

    monkeypatch.setattr(pending, "note", broken)
    response = await stack.post_command(f"{CPU} last 1h")
    assert response.status_code == 200
    assert response.json()["response_type"] == "ephemeral"
    assert "not taken" in response.json()["text"]
    await stack.work.drain(5)
    assert stack.fake.posts == []
    assert stack.sandbox.calls == {}


async def test_a_signature_noted_by_another_replica_is_a_replay(stack: BotStack) -> None:
    other = PendingRequests(stack.services.database, holder="another-replica")
    arrival = Arrival(text="lag", user_id="U0KIM", channel_id="C0OPS", signature="v0=" + "ab" * 32)
    first, again = await asyncio.gather(other.note(arrival), other.note(arrival))  # in one write, too
    assert isinstance(first, int)
    assert again is None
    assert await other.note(arrival) is None


async def test_a_burst_shares_its_writes() -> None:
    writes: list[list[int]] = []

    async def write(items: list[int]) -> list[int]:
        writes.append(items)
        await asyncio.sleep(0.01)
        return [item * 10 for item in items]

    group: GroupCommit[int, int] = GroupCommit(write)
    assert await asyncio.gather(*(group(n) for n in range(100))) == [n * 10 for n in range(100)]
    assert sum(len(batch) for batch in writes) == 100
    assert len(writes) < 10
    assert await group(7) == 70  # a quiet moment's write goes at once, alone
    assert writes[-1] == [7]


async def test_a_failed_write_fails_its_items_only() -> None:
    async def write(items: list[int]) -> list[int]:
        if 13 in items:
            raise ValueError("unlucky")
        return items

    group: GroupCommit[int, int] = GroupCommit(write)
    results: list[Any] = await asyncio.gather(group(13), return_exceptions=True)
    assert isinstance(results[0], ValueError)
    assert await group(1) == 1


async def test_a_caller_that_gives_up_leaves_the_write_to_the_others() -> None:
    release = asyncio.Event()

    async def write(items: list[int]) -> list[int]:
        await release.wait()
        return items

    group: GroupCommit[int, int] = GroupCommit(write)
    impatient = asyncio.create_task(group(1))
    patient = asyncio.create_task(group(2))
    await asyncio.sleep(0.01)
    impatient.cancel()
    release.set()
    assert await patient == 2
    with pytest.raises(asyncio.CancelledError):
        await impatient


class FlakyLedger:
    """A ledger whose database fails the first `failures` claims."""

    def __init__(self, failures: int, taken: bool = False) -> None:
        self.failures, self.taken, self.asked = failures, taken, 0

    async def claim(self, _event_id: str) -> bool:
        self.asked += 1
        if self.asked <= self.failures:
            raise OSError("database is locked")
        return not self.taken


@pytest.mark.parametrize(
    ("failures", "taken", "delivered", "told"),
    [
        (0, False, True, False),  # the first delivery
        (0, True, False, False),  # a replay: dropped quietly
        (2, False, True, False),  # a hiccup outlasted
        (3, False, False, True),  # the check cannot be made: refused, and the asker told (fails closed)
    ],
)
async def test_a_replay_check_that_cannot_be_made_refuses(
    failures: int, taken: bool, delivered: bool, told: bool
) -> None:
    ledger = FlakyLedger(failures, taken)
    heard: list[str] = []

    async def tell(text: str) -> None:
        heard.append(text)

    assert await first_delivery(ledger, "v0=abc", tell, pauses=(0, 0)) is delivered  # type: ignore[arg-type]
    assert bool(heard) is told
    assert all("nothing was done" in text for text in heard)


async def test_pruning_empties_the_wal(stack: BotStack, tmp_path: Path) -> None:
    for n in range(5):
        assert (await stack.post_command(f"{CPU} last {n + 1}h")).status_code == 200
    await stack.fake.wait_for(lambda: len(stack.fake.posts) == 5)
    await stack.work.drain(5)
    wal = tmp_path / "bot.db-wal"  # without TRUNCATE a checkpoint leaves the file its size: never 0 once written
    await pruner_for(stack.services.database, stack.services.settings).prune()
    assert wal.stat().st_size == 0
