"""The client over MockTransport: every status and fault of the error tree, bounded retries, Retry-After, images."""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from bot.i18n import KOREAN, speaking
from bot.servicewatch import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    InvalidResponseError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    ServiceWatchAuth,
    ServiceWatchClient,
)
from bot.servicewatch.client import IMAGE_PATH, METRICS_PATH
from bot.servicewatch.errors import AnswerTooLargeError, read_error_body
from bot.servicewatch.images import TruncatedImageError
from bot.servicewatch.models import MetricDataImageRequestV1Dot1, MetricDataRequest
from tests.clocks import RecordedSleep
from tests.images import small_png
from tests.seed import seed_bodies

PNG = small_png()
CHART = MetricDataImageRequestV1Dot1.model_validate(seed_bodies()["1.1"][1])
Responder = Callable[[httpx.Request], httpx.Response]


def make_client(responder: Responder, sleep: RecordedSleep, **options: Any) -> ServiceWatchClient:
    return ServiceWatchClient(
        "https://servicewatch.kr-west1.e.samsungsdscloud.com",
        ServiceWatchAuth("ak", "sk", clock=lambda: 1605290625.682),
        transport=httpx.MockTransport(responder),
        sleep=sleep,
        rng=lambda: 0.5,
        **options,
    )


def sequence(*responses: httpx.Response | Exception) -> tuple[Responder, list[httpx.Request]]:
    """A responder that answers with `responses` in order and fails the test on one request too many."""
    seen: list[httpx.Request] = []
    queue = list(responses)

    def respond(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        assert queue, f"unexpected extra request {request.method} {request.url}"
        item = queue.pop(0)
        if isinstance(item, Exception):
            raise item
        return item

    return respond, seen


def error(status: int, detail: Any = "nope", headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(status, json={"errors": [{"status": status, "detail": detail}]}, headers=headers)


async def test_headers_on_the_wire(recorded_sleep: RecordedSleep) -> None:
    responder, seen = sequence(httpx.Response(200, content=PNG, headers={"content-type": "image/png"}))
    async with make_client(responder, recorded_sleep, api_version="1.2") as client:
        with speaking(KOREAN):  # Accept-Language: the language of the work under way (the asker's)
            image = await client.download_metric_data_image(CHART)
    assert image.data == PNG
    assert image.media_type == "image/png"
    request = seen[0]
    assert request.url.path == IMAGE_PATH
    assert request.headers["Scp-Api-Version"] == "servicewatch 1.2"
    assert request.headers["Accept-Language"] == "ko-KR"
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["Scp-Timestamp"] == "1605290625682"
    assert json.loads(request.content) == seed_bodies()["1.1"][1]


@pytest.mark.parametrize(
    ("version", "seed"),
    [(None, "1.1"), ("1.0", "1.0"), ("1.1", "1.1"), ("1.2", "1.1"), ("1.5", "1.1"), ("1.13", "1.1")],
)
async def test_every_version_carries_its_header_and_its_body(
    version: str | None, seed: str, recorded_sleep: RecordedSleep
) -> None:
    """The version table: 1.2 by default; 1.0 with `individual_items`; 1.1, 1.2 and any later 1.N with the 1.1 body."""
    responder, seen = sequence(httpx.Response(200, content=PNG), httpx.Response(200, json={"count": 0}))
    options = {"api_version": version} if version else {}
    async with make_client(responder, recorded_sleep, **options) as client:
        await client.download_metric_data_image(CHART)
        await client.list_metric_infos()
    assert {r.headers["Scp-Api-Version"] for r in seen} == {f"servicewatch {version or '1.2'}"}
    assert json.loads(seen[0].content) == seed_bodies()[seed][1]


@pytest.mark.parametrize("version", ["1", "v1.2", "2.0", "1.02", "1.2.0", "", "servicewatch 1.2"])
def test_a_wrong_version_string_is_refused_with_the_forms_accepted(version: str) -> None:
    with pytest.raises(ValueError, match=r"is not a ServiceWatch API version: write it as the API reference lists it"):
        make_client(lambda request: httpx.Response(200), RecordedSleep(), api_version=version)


async def test_version_1_0_sends_the_1_0_body(recorded_sleep: RecordedSleep) -> None:
    responder, seen = sequence(httpx.Response(200, content=PNG))
    async with make_client(responder, recorded_sleep, api_version="1.0") as client:
        await client.download_metric_data_image(CHART)
    assert json.loads(seen[0].content) == seed_bodies()["1.0"][1]
    assert seen[0].headers["Scp-Api-Version"] == "servicewatch 1.0"


@pytest.mark.parametrize(
    ("status", "cls", "hint"),
    [
        (400, BadRequestError, "Check the namespace"),
        (401, AuthenticationError, "signature or the access keys are wrong"),
        (403, PermissionDeniedError, "ServiceWatch read permission"),
        (404, NotFoundError, "SERVICEWATCH_ENDPOINT"),
        (409, APIStatusError, "Try again"),
    ],
)
async def test_client_errors_are_not_retried(
    status: int, cls: type[APIStatusError], hint: str, recorded_sleep: RecordedSleep
) -> None:
    responder, seen = sequence(error(status, "the server's own words"))
    async with make_client(responder, recorded_sleep) as client:
        with pytest.raises(cls) as caught:
            await client.download_metric_data_image(CHART)
    assert type(caught.value) is cls
    assert caught.value.status_code == status
    assert "the server's own words" in str(caught.value)
    assert hint in str(caught.value)
    assert len(seen) == 1
    assert recorded_sleep.waits == []


@pytest.mark.parametrize("status", [500, 502, 503, 504])
async def test_server_errors_are_retried_a_bounded_number_of_times(status: int, recorded_sleep: RecordedSleep) -> None:
    responder, seen = sequence(*[error(status)] * 4)
    async with make_client(responder, recorded_sleep, max_retries=3) as client:
        with pytest.raises(ServerError):
            await client.list_metric_data(MetricDataRequest.for_chart(CHART))
    assert len(seen) == 4
    assert recorded_sleep.waits == [0.375, 0.75, 1.5]  # 0.5·2ⁿ with the jitter fixed at its middle


async def test_a_retry_that_succeeds_returns_the_answer(recorded_sleep: RecordedSleep) -> None:
    responder, seen = sequence(error(503), httpx.ConnectError("refused"), httpx.Response(200, content=PNG))
    async with make_client(responder, recorded_sleep) as client:
        image = await client.download_metric_data_image(CHART)
    assert image.data == PNG
    assert len(seen) == 3
    assert seen[0].headers["Scp-Signature"]  # every try is signed
    assert client.calls[IMAGE_PATH] == 3


@pytest.mark.parametrize(
    ("header", "wait"),
    [("7", 7.0), ("0", 0.0), ("Wed, 21 Oct 2099 07:28:00 GMT", None)],
)
async def test_retry_after_is_honoured(header: str, wait: float | None, recorded_sleep: RecordedSleep) -> None:
    responder, seen = sequence(error(429, "slow down", {"Retry-After": header}), httpx.Response(200, content=PNG))
    async with make_client(responder, recorded_sleep, max_retry_after=30) as client:
        if wait is None:  # a date decades away is past the cap: give up at once rather than hang
            with pytest.raises(RateLimitError) as caught:
                await client.download_metric_data_image(CHART)
            assert caught.value.retry_after is not None
            assert caught.value.retry_after > 30
            assert len(seen) == 1
            return
        await client.download_metric_data_image(CHART)
    assert recorded_sleep.waits == [wait]
    assert len(seen) == 2


async def test_429_without_retry_after_backs_off_and_gives_up(recorded_sleep: RecordedSleep) -> None:
    responder, seen = sequence(*[error(429)] * 3)
    async with make_client(responder, recorded_sleep, max_retries=2) as client:
        with pytest.raises(RateLimitError) as caught:
            await client.download_metric_data_image(CHART)
    assert caught.value.retry_after is None
    assert len(seen) == 3
    assert len(recorded_sleep.waits) == 2


@pytest.mark.parametrize(
    ("exc", "cls"),
    [
        (httpx.ConnectError("refused"), APIConnectionError),
        (httpx.ReadError("reset by peer"), APIConnectionError),
        (httpx.RemoteProtocolError("disconnected"), APIConnectionError),
        (httpx.ConnectTimeout("slow"), APITimeoutError),
        (httpx.ReadTimeout("slow"), APITimeoutError),
    ],
)
async def test_transport_failures_retry_then_raise(
    exc: Exception, cls: type[Exception], recorded_sleep: RecordedSleep
) -> None:
    responder, seen = sequence(exc, exc, exc)
    async with make_client(responder, recorded_sleep, max_retries=2) as client:
        with pytest.raises(cls) as caught:
            await client.catalog()
    assert type(caught.value) is cls
    assert len(seen) == 3
    assert "try again" in str(caught.value).lower() or "check the network" in str(caught.value)


async def test_no_retries_when_none_allowed(recorded_sleep: RecordedSleep) -> None:
    responder, seen = sequence(error(500))
    async with make_client(responder, recorded_sleep, max_retries=0) as client:
        with pytest.raises(ServerError):
            await client.download_metric_data_image(CHART)
    assert len(seen) == 1


@pytest.mark.parametrize(
    ("body", "content_type", "message"),
    [
        (b"", "image/png", "empty body"),
        (b"<!DOCTYPE html><html><head><title>Login</title></head></html>" * 3, "text/html", "HTML page titled 'Login'"),
        (b'{"message": "queued"}', "application/json", "JSON instead of a chart image"),
        (b"GIF? no, plain text" * 20, "text/plain", r"text/plain \(380 bytes\) that is not a PNG"),
    ],
)
async def test_a_2xx_that_is_not_an_image_is_an_error(
    body: bytes, content_type: str, message: str, recorded_sleep: RecordedSleep
) -> None:
    responder, seen = sequence(httpx.Response(200, content=body, headers={"content-type": content_type}))
    async with make_client(responder, recorded_sleep) as client:
        with pytest.raises(InvalidResponseError, match=message):
            await client.download_metric_data_image(CHART)
    assert len(seen) == 1  # a proxy page will not change on a second try


async def test_a_truncated_image_is_retried_then_reported(recorded_sleep: RecordedSleep) -> None:
    cut = httpx.Response(200, content=PNG[:30], headers={"content-type": "image/png"})
    responder, seen = sequence(cut, cut)
    async with make_client(responder, recorded_sleep, max_retries=1) as client:
        with pytest.raises(TruncatedImageError, match="cut short"):
            await client.download_metric_data_image(CHART)
    assert len(seen) == 2


async def test_an_image_wrapped_in_json_base64_is_unwrapped(recorded_sleep: RecordedSleep) -> None:
    wrapped = json.dumps({"image": base64.b64encode(PNG).decode()}).encode()
    responder, _ = sequence(httpx.Response(200, content=wrapped, headers={"content-type": "application/json"}))
    async with make_client(responder, recorded_sleep) as client:
        assert (await client.download_metric_data_image(CHART)).data == PNG


async def test_an_oversized_image_is_refused(recorded_sleep: RecordedSleep) -> None:
    responder, _ = sequence(httpx.Response(200, content=PNG + b"\x00" * 100))
    async with make_client(responder, recorded_sleep, max_image_bytes=64) as client:
        with pytest.raises(AnswerTooLargeError, match="larger than 64 bytes for DownloadMetricDataImage"):
            await client.download_metric_data_image(CHART)


async def test_a_json_answer_the_bot_cannot_read_is_named(recorded_sleep: RecordedSleep) -> None:
    responder, _ = sequence(httpx.Response(200, json={"metrics": [{"values": "not json"}]}))
    async with make_client(responder, recorded_sleep) as client:
        with pytest.raises(InvalidResponseError, match="body the bot does not understand"):
            await client.list_metric_data(MetricDataRequest.for_chart(CHART))


LIVE_400 = (
    b'{"errors":[{"code":"ValidationError","detail":["Field required","Field required"],"global_request_id":"g-7f3",'
    b'"request_id":"req-42a","status":400,"title":"ValidationError"}]}'
)


@pytest.mark.parametrize(
    ("content", "content_type", "detail", "code", "request_id", "global_request_id"),
    [
        (LIVE_400, "application/json", "Field required; Field required", "ValidationError", "req-42a", "g-7f3"),
        (
            b'{"errors": [{"status": 400, "detail": "width must be >= 1000"}]}',
            "application/json",
            "width must be >= 1000",
            None,
            None,
            None,
        ),
        (b'{"errors": [{"detail": ["a", "b"]}, {"detail": "c", "title": "Bad"}]}', "", "a; b; c", "Bad", None, None),
        (b'{"message": "SWT_CUSTOM_NAMESPACE"}', "application/json", "SWT_CUSTOM_NAMESPACE", None, None, None),
        (b'{"errors": [{"detail": {"field": "start"}, "code": 17}]}', "", '{"field":"start"}', "17", None, None),
        (b'{"errors": "weird"}', "", "weird", None, None, None),
        (b"[1, 2]", "", "[1,2]", None, None, None),
        (b"", "", "", None, None, None),
        (
            b"<html><head><title>Sign in</title></head></html>",
            "text/html",
            "an HTML page titled 'Sign in'",
            None,
            None,
            None,
        ),
        (
            b"upstream  connect\nerror",
            "text/plain",
            "text/plain that is not JSON: upstream connect error",
            None,
            None,
            None,
        ),
        (b'{"request_id": "req-top", "message": "no"}', "", "no", None, "req-top", None),
    ],
)
def test_every_error_body_gives_a_readable_reason(
    content: bytes,
    content_type: str,
    detail: str,
    code: str | None,
    request_id: str | None,
    global_request_id: str | None,
) -> None:
    said = read_error_body(content, content_type)
    assert said.detail.startswith(detail)
    assert (said.code, said.request_id, said.global_request_id) == (code, request_id, global_request_id)


async def test_the_live_400_shows_its_reason_and_request_id(
    recorded_sleep: RecordedSleep, caplog: pytest.LogCaptureFixture
) -> None:
    responder, _ = sequence(httpx.Response(400, content=LIVE_400, headers={"content-type": "application/json"}))
    async with make_client(responder, recorded_sleep) as client:
        with pytest.raises(BadRequestError) as raised:
            await client.download_metric_data_image(CHART)
    assert str(raised.value).startswith(
        "ServiceWatch answered 400 ValidationError: Field required; Field required (request id req-42a). "
    )
    assert raised.value.global_request_id == "g-7f3"
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "request id req-42a, global request id g-7f3" in logged


@pytest.mark.parametrize(
    ("status", "body", "names_the_setting"),
    [
        (400, {"errors": [{"detail": "Unsupported Scp-Api-Version 'servicewatch 1.9'"}]}, True),
        (404, {"errors": [{"code": "VersionNotFound", "detail": "not found"}]}, True),
        (400, {"errors": [{"detail": "width must be >= 1000"}]}, False),
        (403, {"errors": [{"detail": "api version not allowed for this account"}]}, False),
    ],
)
async def test_a_refusal_naming_the_version_says_which_setting_and_versions_to_try(
    status: int, body: dict[str, Any], names_the_setting: bool, recorded_sleep: RecordedSleep
) -> None:
    responder, _ = sequence(httpx.Response(status, json=body))
    async with make_client(responder, recorded_sleep, api_version="1.9") as client:
        with pytest.raises(APIStatusError) as raised:
            await client.list_metric_infos()
    message = str(raised.value)
    assert ("set SERVICEWATCH_API_VERSION to a version it supports (try 1.2 or 1.1" in message) == names_the_setting


async def test_request_id_is_kept(recorded_sleep: RecordedSleep) -> None:
    response = httpx.Response(403, json={"errors": [{"detail": "denied"}], "request_id": "req-9"})
    responder, _ = sequence(response)
    async with make_client(responder, recorded_sleep) as client:
        with pytest.raises(PermissionDeniedError, match=r"request id req-9"):
            await client.list_metric_infos()


def _catalog_response() -> httpx.Response:
    return httpx.Response(
        200,
        json={
            "count": 1,
            "namespaces": [
                {
                    "name": "Virtual Server",
                    "dimensions": [
                        {
                            "keys": "VolumeID",
                            "metrics": [
                                {
                                    "name": "CPU Usage/Core[Basic]",
                                    "default_collection_interval": "5m",
                                    "recommended_stat_types": '["AVG", "MAX"]',
                                    "dimensions": [{"key": "VolumeID", "value": "v1"}],
                                }
                            ],
                        }
                    ],
                }
            ],
        },
    )


async def test_catalog_is_cached_for_its_ttl(recorded_sleep: RecordedSleep) -> None:
    now = [1000.0]
    responder, seen = sequence(_catalog_response(), _catalog_response(), _catalog_response())
    async with make_client(responder, recorded_sleep, catalog_ttl=60, clock=lambda: now[0]) as client:
        first = await client.catalog()
        now[0] += 59
        assert await client.catalog() is first
        assert len(seen) == 1
        now[0] += 2
        second = await client.catalog()
        assert second is not first
        assert len(seen) == 2
        await client.catalog(refresh=True)
        assert len(seen) == 3
    metric = first.named("CPU Usage/Core[Basic]")[0]
    assert (metric.collection_interval, metric.recommended_stats) == (300, ("AVG", "MAX"))
    assert seen[0].url.path == METRICS_PATH
    assert json.loads(seen[0].content) == {}


async def test_concurrent_catalog_calls_share_one_fetch(recorded_sleep: RecordedSleep) -> None:
    gate = asyncio.Event()
    calls = 0

    async def slow(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        await gate.wait()
        return _catalog_response()

    client = ServiceWatchClient(
        "https://sw.example", ServiceWatchAuth("ak", "sk"), transport=httpx.MockTransport(slow), catalog_ttl=60
    )
    async with client:
        tasks = [asyncio.create_task(client.catalog()) for _ in range(5)]
        await asyncio.sleep(0.01)
        gate.set()
        results = await asyncio.gather(*tasks)
    assert calls == 1
    assert all(result is results[0] for result in results)


async def test_a_failed_catalog_fetch_is_not_cached(recorded_sleep: RecordedSleep) -> None:
    responder, seen = sequence(error(403), _catalog_response())
    async with make_client(responder, recorded_sleep) as client:
        with pytest.raises(PermissionDeniedError):
            await client.catalog()
        assert (await client.catalog()).namespaces == ("Virtual Server",)
    assert len(seen) == 2


def test_unknown_api_version_is_refused() -> None:
    with pytest.raises(ValueError, match=r"2\.0"):
        ServiceWatchClient("https://sw.example", ServiceWatchAuth("ak", "sk"), api_version="2.0")


class CountedBody(httpx.AsyncByteStream):
    """A body of `chunks` chunks of `size` bytes (a PNG's start first) that counts how many were read."""

    def __init__(self, chunks: int, size: int = 1024, start: bytes = PNG[:8]) -> None:
        self.chunks, self.size, self.start = chunks, size, start
        self.read = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for index in range(self.chunks):
            self.read += 1
            yield (self.start if index == 0 else b"").ljust(self.size, b"\x00")


async def test_an_image_whose_length_is_over_the_limit_is_refused_before_its_body_is_read(
    recorded_sleep: RecordedSleep,
) -> None:
    body = CountedBody(1000)
    responder, _ = sequence(httpx.Response(200, headers={"content-length": str(1000 * 1024)}, stream=body))
    async with make_client(responder, recorded_sleep, max_image_bytes=64 * 1024) as client:
        with pytest.raises(
            AnswerTooLargeError, match=r"larger than 64 KB for DownloadMetricDataImage \(it announced 1,000 KB\)"
        ):
            await client.download_metric_data_image(CHART)
    assert body.read == 0


async def test_an_error_with_a_huge_body_is_read_up_to_the_limit_and_still_the_error(
    recorded_sleep: RecordedSleep,
) -> None:
    body = CountedBody(1000, start=b'{"errors": [{"status": 503, "detail": "down"}]}')
    responder, _ = sequence(httpx.Response(503, stream=body))
    async with make_client(responder, recorded_sleep, max_image_bytes=64 * 1024, max_retries=0) as client:
        with pytest.raises(ServerError) as raised:
            await client.download_metric_data_image(CHART)
    assert raised.value.status_code == 503
    assert body.read <= 65  # stopped once past the limit


async def test_an_image_sent_without_a_length_is_read_no_further_than_the_limit(recorded_sleep: RecordedSleep) -> None:
    """A chunked answer that would not end: the client stops reading once past the limit and hangs up, rather than
    take the whole body into memory before checking its size."""
    chunk, total = 64 * 1024, 64 * 1024 * 1024
    server_saw: dict[str, Any] = {"sent": 0}
    ended = asyncio.Event()

    async def endless_image(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "image/png"})
        response.enable_chunked_encoding()
        await response.prepare(request)
        try:
            while server_saw["sent"] < total:
                await response.write((PNG[:8] if server_saw["sent"] == 0 else b"").ljust(chunk, b"\x00"))
                server_saw["sent"] += chunk
            await response.write_eof()
            server_saw["outcome"] = "sent it all"
        except (ConnectionError, asyncio.CancelledError):
            server_saw["outcome"] = "the client hung up"
            raise
        finally:
            ended.set()
        return response

    app = web.Application()
    app.router.add_post(IMAGE_PATH, endless_image)
    async with TestServer(app, host="127.0.0.1") as server:
        client = ServiceWatchClient(
            str(server.make_url("")), ServiceWatchAuth("ak", "sk"), sleep=recorded_sleep, max_image_bytes=1024 * 1024
        )
        async with client:
            with pytest.raises(AnswerTooLargeError, match="ServiceWatch sent an answer larger than 1 MB for Download"):
                await client.download_metric_data_image(CHART)
        await asyncio.wait_for(ended.wait(), 30)
    assert server_saw["outcome"] == "the client hung up"
    assert server_saw["sent"] < total
