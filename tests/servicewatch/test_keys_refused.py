"""The client remembers that ServiceWatch refused its keys (401, 403) until a later call is accepted; nothing else
(a 400, 404, 429 or 5xx, a dropped connection) counts as refused keys. Real HTTP against the sandbox."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.sandbox import Fault, Sandbox
from bot.servicewatch import ServiceWatchClient, ServiceWatchError


@pytest.mark.parametrize("status", [401, 403])
async def test_a_refusal_of_the_keys_is_kept_until_a_call_is_accepted(
    sandbox: Sandbox, sandbox_client: Callable[..., ServiceWatchClient], status: int
) -> None:
    client = sandbox_client(max_retries=0)
    sandbox.plan.add(Fault(kind="status", status=status, detail="refused", times=2))
    for _ in range(2):
        with pytest.raises(ServiceWatchError):
            await client.list_metric_infos()
        assert client.keys_refused is not None
        assert client.keys_refused.startswith(f"ServiceWatch answered {status}")
    await client.list_metric_infos()
    assert client.keys_refused is None


@pytest.mark.parametrize(
    "fault",
    [
        Fault(kind="status", status=400, detail="bad"),
        Fault(kind="status", status=404),
        Fault(kind="status", status=429, retry_after="1"),
        Fault(kind="status", status=500),
        Fault(kind="status", status=503),
        Fault(kind="reset"),
    ],
    ids=["400", "404", "429", "500", "503", "reset"],
)
async def test_other_failures_are_not_refused_keys(
    sandbox: Sandbox, sandbox_client: Callable[..., ServiceWatchClient], fault: Fault
) -> None:
    client = sandbox_client(max_retries=0)
    sandbox.plan.add(fault)
    with pytest.raises(ServiceWatchError):
        await client.list_metric_infos()
    assert client.keys_refused is None
