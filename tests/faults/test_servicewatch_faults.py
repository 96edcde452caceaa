"""ServiceWatch faults on the image, data and catalog calls, through Slack end to end. Each ends in a
successful retry, the labelled fallback chart, or a clear message to the asker; never a crash, a hang past
the timeout, or a broken image in the channel."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.markup import for_slack
from bot.sandbox import Fault
from bot.servicewatch.client import DATA_PATH, IMAGE_PATH, METRICS_PATH
from tests.fakes.slack import FakeSlack
from tests.pngs import png_size
from tests.sandboxes import use_stock_images
from tests.stacks import BotStack, settings_for, start_stack

IMG, DATA, CAT = IMAGE_PATH, DATA_PATH, METRICS_PATH


@pytest.fixture
async def quick_stack(fake_slack: FakeSlack, tmp_path: Path) -> AsyncIterator[BotStack]:
    """Timeouts of 1 s and one retry, so faults play out quickly; the sandbox's chart is drawn beforehand, so an
    answer that is not a fault comes at once and the timeout races only the faults."""
    async for running in start_stack(
        fake_slack, settings_for(fake_slack, tmp_path, servicewatch_timeout=1, servicewatch_max_retries=1)
    ):
        await use_stock_images(running.sandbox, (1400, 500))
        yield running


CASES = [
    # (fault, where, outcome): "posted" = ServiceWatch's chart, "fallback" = drawn by the bot, else a message
    (Fault(kind="status", status=500), IMG, "posted"),
    (Fault(kind="status", status=429, retry_after="1"), IMG, "posted"),
    (Fault(kind="reset"), IMG, "posted"),
    (Fault(kind="status", status=502, times=0), IMG, "fallback"),
    (Fault(kind="status", status=503, times=0), IMG, "fallback"),
    (Fault(kind="timeout", delay=3, times=0), IMG, "fallback"),
    (Fault(kind="reset", times=0), IMG, "fallback"),
    (Fault(kind="html"), IMG, "fallback"),
    (Fault(kind="json"), IMG, "fallback"),
    (Fault(kind="empty"), IMG, "fallback"),
    (Fault(kind="truncate", times=0), IMG, "fallback"),
    (Fault(kind="status", status=400, detail="width must be >= 1000"), IMG, "width must be >= 1000"),
    (Fault(kind="status", status=401, detail="Signature mismatch"), IMG, "signature or the access keys are wrong"),
    (Fault(kind="status", status=403, detail="no permission"), IMG, "ServiceWatch read permission"),
    (Fault(kind="status", status=503, times=0), DATA, "posted"),
    (Fault(kind="timeout", delay=3, times=0), DATA, "posted"),
    (Fault(kind="status", status=503, times=0), CAT, "ServiceWatch answered 503"),
    (Fault(kind="status", status=401, detail="Signature mismatch"), CAT, "signature or the access keys are wrong"),
    (Fault(kind="timeout", delay=3, times=0), CAT, "ServiceWatch did not answer in time"),
    (Fault(kind="status", status=503, times=0), None, "ServiceWatch answered 503"),
]

# Timeouts wait out the 1 s timeout, twice. Of the faults that end in the chart drawn here (matplotlib: the table's
# most CPU), one status and one broken body run by default; the further kinds run with --slow (CI).
FURTHER_FALLBACKS = {("status", 503), ("reset", 500), ("json", 500), ("empty", 500), ("truncate", 500)}


@pytest.mark.parametrize(
    ("fault", "path", "outcome"),
    [
        pytest.param(
            f,
            p,
            o,
            id=f"{p or 'all'}-{f.kind}-{f.status}-{f.times}-{o[:12]}",
            marks=[pytest.mark.slow]
            if f.kind == "timeout" or (o == "fallback" and (f.kind, f.status) in FURTHER_FALLBACKS)
            else [],
        )
        for f, p, o in CASES
    ],
)
async def test_servicewatch_faults(quick_stack: BotStack, fault: Fault, path: str | None, outcome: str) -> None:
    stack, fake = quick_stack, quick_stack.fake
    stack.sandbox.plan.add(Fault(**{**vars(fault), "path": path}))
    await stack.post_command('"Virtual Server:CPU Usage/Core[Basic]" resource=web-01 last 1h')
    await fake.wait_for(lambda: fake.posts or fake.responses)  # bounded by the timeouts and retries: never a hang
    assert max(stack.sandbox.calls.values()) <= 2  # each call tried at most twice (one retry)
    if outcome in ("posted", "fallback"):
        (post,) = fake.posts
        assert png_size(post.data) == (1400, 500)  # a whole image, never a broken one
        assert ("_Drawn by the bot from the numbers" in post.comment) == (outcome == "fallback")
        assert fake.responses == []
    else:
        assert fake.posts == []
        (reply,) = fake.responses
        assert for_slack(outcome) in reply["text"]  # as Slack shows it: `>` escaped
        assert "Something went wrong" not in reply["text"]
