"""No answer is read past its limit: over real HTTP from the sandbox (with and without a Content-Length, a gzip bomb)
and over MockTransport (how far the body was read); the bytes counted are the decoded ones."""

from __future__ import annotations

import gzip
import zlib
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest

from bot.sandbox import Fault, Sandbox
from bot.sandbox.bad_answers import gzipped, oversized_body
from bot.servicewatch import ServiceWatchAuth, ServiceWatchClient
from bot.servicewatch.client import DATA_PATH, IMAGE_PATH, METRICS_PATH
from bot.servicewatch.errors import AnswerTooLargeError, InvalidResponseError
from bot.servicewatch.models import MetricDataImageRequestV1Dot1, MetricDataRequest
from bot.servicewatch.reading import LimitExceeded, read_within
from tests.clocks import RecordedSleep
from tests.seed import seed_bodies

CHART = MetricDataImageRequestV1Dot1.model_validate(seed_bodies()["1.1"][1])
LIMIT = 256 * 1024
SIZE = 64 * 1024 * 1024
CALLS: dict[str, tuple[str, Callable[[ServiceWatchClient], Any]]] = {
    DATA_PATH: ("ListMetricData", lambda c: c.list_metric_data(MetricDataRequest.for_chart(CHART))),
    METRICS_PATH: ("ListMetricInfos", lambda c: c.list_metric_infos()),
    IMAGE_PATH: ("DownloadMetricDataImage", lambda c: c.download_metric_data_image(CHART)),
}
HINTS = {
    DATA_PATH: "ask for a shorter window or a longer period",
    METRICS_PATH: "SERVICEWATCH_MAX_ANSWER_MB",
    IMAGE_PATH: "ask for a smaller chart size",
}


@pytest.mark.parametrize("path", list(CALLS))
@pytest.mark.parametrize("how", ["length", "chunked", "gzip"])
async def test_an_answer_past_the_limit_is_refused_as_it_arrives(
    sandbox: Sandbox, sandbox_client: Callable[..., ServiceWatchClient], path: str, how: str
) -> None:
    client = sandbox_client(max_answer_bytes=LIMIT, max_image_bytes=LIMIT, max_retries=2)
    sandbox.plan.add(Fault(kind="oversize", path=path, size=SIZE, length=how == "length", gzip=how == "gzip"))
    operation, call = CALLS[path]
    with pytest.raises(AnswerTooLargeError) as raised:
        await call(client)
    message = str(raised.value)
    assert message.startswith(f"ServiceWatch sent an answer larger than 256 KB for {operation}")
    assert HINTS[path] in message
    assert ("(it announced 64 MB)" in message) == (how == "length")
    assert sandbox.calls[path] == 1  # too much once is too much again: not tried twice
    if how != "gzip":  # the bomb is 64 KB on the wire: loopback's buffers take all of it at once
        assert sandbox.sent[path] < SIZE // 4  # the client hung up: the sandbox stopped writing


class RawBody(httpx.AsyncByteStream):
    """`chunks` as the raw (still encoded) body, counting how many were read."""

    def __init__(self, chunks: list[bytes]) -> None:
        self.chunks, self.read = chunks, 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self.chunks:
            self.read += 1
            yield chunk


def client_over(response: httpx.Response, **options: Any) -> ServiceWatchClient:
    return ServiceWatchClient(
        "https://servicewatch.kr-west1.e.samsungsdscloud.com",
        ServiceWatchAuth("ak", "sk"),
        transport=httpx.MockTransport(lambda request: response),
        sleep=RecordedSleep(),
        **options,
    )


async def test_a_gzip_bomb_is_counted_in_decoded_bytes_and_read_no_further() -> None:
    chunks = [piece for piece in gzipped(oversized_body(SIZE, b'{"metrics": [')) if piece]
    body = RawBody(chunks)
    response = httpx.Response(
        200, headers={"content-encoding": "gzip", "content-type": "application/json"}, stream=body
    )
    async with client_over(response, max_answer_bytes=LIMIT) as client:
        with pytest.raises(AnswerTooLargeError, match="larger than 256 KB for ListMetricData;"):
            await client.list_metric_data(MetricDataRequest.for_chart(CHART))
    assert sum(map(len, chunks)) < LIMIT  # all of it would pass a count of the bytes on the wire
    assert body.read < len(chunks)


async def test_a_bomb_in_one_chunk_is_inflated_no_more_than_the_limit_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """64 MB of zeros in one 64 KB chunk: inflated a piece of at most limit + 1 bytes at a time, not all at once."""
    pieces: list[int] = []
    inflate = zlib.decompressobj

    class Counting:
        def __init__(self, wbits: int) -> None:
            self._inner = inflate(wbits)

        def decompress(self, data: bytes, max_length: int = 0) -> bytes:
            out = self._inner.decompress(data, max_length)
            pieces.append(len(out))
            return out

        def __getattr__(self, name: str) -> Any:
            return getattr(self._inner, name)

    monkeypatch.setattr("bot.servicewatch.reading.zlib.decompressobj", Counting)
    bomb = gzip.compress(bytes(SIZE))
    response = httpx.Response(200, headers={"content-encoding": "gzip"}, stream=RawBody([bomb]))
    with pytest.raises(LimitExceeded):
        await read_within(response, LIMIT)
    assert max(pieces) <= LIMIT + 1


async def test_an_answer_within_the_limit_is_read_whole_gzipped_or_not() -> None:
    text = b'{"metrics": []}' + b" " * (LIMIT - 15)
    for headers, content in (({}, text), ({"content-encoding": "gzip"}, gzip.compress(text))):
        response = httpx.Response(200, headers=headers, stream=RawBody([content[:100], content[100:]]))
        assert await read_within(response, LIMIT) == text


async def test_an_error_body_past_the_limit_is_cut_not_refused() -> None:
    start = b'{"errors": [{"status": 503, "detail": "down"}]}'
    response = httpx.Response(503, headers={"content-length": str(SIZE)}, stream=RawBody([start + b" " * LIMIT] * 4))
    assert (await read_within(response, LIMIT, cut=True)).startswith(start)


async def test_a_gzip_answer_that_does_not_inflate_is_an_invalid_response() -> None:
    response = httpx.Response(200, headers={"content-encoding": "gzip"}, stream=RawBody([b"\x1f\x8b not gzip at all"]))
    async with client_over(response) as client:
        with pytest.raises(InvalidResponseError, match="gzip answer does not inflate"):
            await client.list_metric_infos()
