"""The client against the sandbox over real HTTP on an ephemeral port: the Done-when of the foundation."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import date
from typing import Any

import httpx
import pytest
from aiohttp import web
from aiohttp.test_utils import make_mocked_request

from bot.i18n import ENGLISH, KOREAN, LOCALE_NAMES, speaking
from bot.sandbox import SANDBOX_ACCESS_KEY, SANDBOX_SECRET_KEY, Fault, Sandbox, server
from bot.servicewatch import (
    APIConnectionError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    InvalidResponseError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    ServiceWatchAuth,
    ServiceWatchClient,
)
from bot.servicewatch.client import DATA_PATH, IMAGE_PATH
from bot.servicewatch.models import MetricDataImageRequest, MetricDataImageRequestV1Dot1, MetricDataRequest
from tests.clocks import RecordedSleep
from tests.figures import texts_drawn_by
from tests.pngs import png_size
from tests.sandboxes import use_stock_images
from tests.seed import seed_bodies

SEEDS = seed_bodies()
MakeClient = Callable[..., ServiceWatchClient]


@pytest.mark.parametrize(("version", "model"), [("1.1", MetricDataImageRequestV1Dot1), ("1.0", MetricDataImageRequest)])
async def test_seed_bodies_give_real_pngs(
    version: str, model: type[Any], sandbox: Sandbox, sandbox_client: MakeClient
) -> None:
    sandbox.as_of = date(2026, 6, 1)  # before 1.0 was retired
    client = sandbox_client(api_version=version)
    image = await client.download_metric_data_image(model.model_validate(SEEDS[version][1]))
    assert image.media_type == "image/png"
    assert png_size(image.data) == (600, 400)
    assert len(image.data) > 5_000  # a drawn chart, not a blank


async def test_1_2_and_a_real_size(sandbox_client: MakeClient) -> None:
    body = dict(SEEDS["1.1"][1], width=1400, height=500, start=int(time.time()) - 3 * 3600, end=int(time.time()))
    image = await sandbox_client(api_version="1.2").download_metric_data_image(
        MetricDataImageRequestV1Dot1.model_validate(body)
    )
    assert png_size(image.data) == (1400, 500)


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        (ENGLISH, ["ServiceWatch Metric Chart", "No data in this window", "Time (UTC)", "Jan 1, 2022", "Percent (%)"]),
        (KOREAN, ["ServiceWatch 지표 차트", "이 시간대에 데이터 없음", "시간 (UTC)", "2022년 1월 1일", "백분율 (%)"]),
    ],
)
async def test_the_image_speaks_the_calls_accept_language(
    lang: str, words: list[str], sandbox: Sandbox, sandbox_client: MakeClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Like ServiceWatch, the sandbox draws its words in the call's Accept-Language: a chart without a title, of a
    resource it does not know (no line, so the note that there is no data)."""
    drawn = texts_drawn_by(monkeypatch, server)
    body = {key: value for key, value in SEEDS["1.1"][1].items() if key != "title"}
    body["metrics"] = [dict(body["metrics"][0], dimensions=[{"key": "VolumeID", "value": "nobody"}])]
    with speaking(lang):
        await sandbox_client().download_metric_data_image(MetricDataImageRequestV1Dot1.model_validate(body))
    assert sandbox.languages[LOCALE_NAMES[lang]] == 1
    (texts,) = drawn
    assert [word for word in words if word not in texts] == [], texts


async def test_a_retired_version_is_refused_and_the_message_says_which_to_use(sandbox_client: MakeClient) -> None:
    with pytest.raises(BadRequestError) as raised:  # 1.0: deprecated, not before 2026-06-30
        await sandbox_client(api_version="1.0", max_retries=0).list_metric_infos()
    message = str(raised.value)
    assert "API version servicewatch 1.0 is no longer supported" in message
    assert "set SERVICEWATCH_API_VERSION to a version it supports (try 1.2 or 1.1" in message


async def test_the_sandbox_holds_each_version_to_its_own_body(sandbox: Sandbox) -> None:
    """A 1.0 body under 1.1 is refused, so the tests above prove the client sends the right shape."""
    client = ServiceWatchClient(sandbox.url, ServiceWatchAuth(SANDBOX_ACCESS_KEY, SANDBOX_SECRET_KEY), max_retries=0)
    async with client:
        with pytest.raises(BadRequestError, match="individual_items"):
            await client._call(IMAGE_PATH, SEEDS["1.0"][1], parse=lambda r: r)


async def test_catalog(sandbox_client: MakeClient) -> None:
    catalog = await sandbox_client().catalog()
    assert set(catalog.namespaces) == {"Virtual Server", "Load Balancer", "PostgreSQL(DBaaS)"}
    cpu = catalog.named("CPU Usage/Core[Basic]", "Virtual Server")
    assert len(cpu) == 1
    assert cpu[0].dimension_keys == ("VolumeID",)
    assert cpu[0].collection_interval == 300
    assert cpu[0].recommended_stats == ("AVG", "MAX")
    names = {resource.label() for resource in cpu[0].resources}
    assert {"VirtualServer001", "web-01", "web-02", "web-03"} <= names
    lag = catalog.named("Replication Lag")[0]
    assert (lag.namespace, lag.unit, lag.collection_interval) == ("PostgreSQL(DBaaS)", "MILLISECOND", 60)


async def test_data(sandbox_client: MakeClient) -> None:
    client = sandbox_client()
    end = 1_795_000_000 - 1_795_000_000 % 300
    body = dict(SEEDS["1.1"][1], start=end - 3600, end=end)
    request = MetricDataRequest.for_chart(MetricDataImageRequestV1Dot1.model_validate(body))
    (series,) = await client.list_metric_data(request)
    assert series.display_name == "Virtual Server | VirtualServer001 | CPU Usage/Core[Basic]"
    assert [t for t, _ in series.values] == list(range(end - 3600, end, 300))
    assert all(0 <= v <= 100 for _, v in series.values)
    # Deterministic: the same window gives the same numbers.
    assert (await client.list_metric_data(request))[0].values == series.values


async def test_statistics_differ_as_they_should(sandbox_client: MakeClient) -> None:
    client = sandbox_client()
    end = 1_795_000_000 - 1_795_000_000 % 3600
    base = dict(SEEDS["1.1"][1], start=end - 6 * 3600, end=end, period=3600)
    values = {}
    for stat in ("MIN", "AVG", "MAX", "CNT"):
        request = MetricDataRequest.for_chart(
            MetricDataImageRequestV1Dot1.model_validate(
                dict(base, statistic_type=stat, metrics=[dict(base["metrics"][0], statistic_type=stat, period=3600)])
            )
        )
        values[stat] = [v for _, v in (await client.list_metric_data(request))[0].values]
    assert all(lo <= mid <= hi for lo, mid, hi in zip(values["MIN"], values["AVG"], values["MAX"], strict=True))
    assert values["CNT"] == [12.0] * 6  # twelve 5-minute samples per hour


async def test_unknown_resource_is_no_data_not_an_error(sandbox_client: MakeClient) -> None:
    body = json.loads(json.dumps(SEEDS["1.1"][1]))
    body["metrics"][0]["dimensions"][0]["value"] = "no-such-volume"
    request = MetricDataRequest.for_chart(MetricDataImageRequestV1Dot1.model_validate(body))
    (series,) = await sandbox_client().list_metric_data(request)
    assert series.values == ()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"namespace_name": "Virtual Servers"}, "Namespace 'Virtual Servers' does not exist"),
        ({"name": "CPU Usage"}, "Metric 'CPU Usage' does not exist in namespace 'Virtual Server'"),
        ({"dimensions": [{"key": "InstanceId", "value": "x"}]}, "Dimension key InstanceId is not valid"),
    ],
)
async def test_names_that_do_not_exist_are_400(
    change: dict[str, Any], message: str, sandbox_client: MakeClient
) -> None:
    body = json.loads(json.dumps(SEEDS["1.1"][1]))
    body["metrics"][0].update(change)
    with pytest.raises(BadRequestError, match=message):
        await sandbox_client().download_metric_data_image(MetricDataImageRequestV1Dot1.model_validate(body))


async def test_wrong_secret_is_401_saying_signature_or_keys(sandbox_client: MakeClient) -> None:
    client = sandbox_client(secret="not-the-secret")
    with pytest.raises(AuthenticationError) as caught:
        await client.catalog()
    message = str(caught.value)
    assert caught.value.status_code == 401
    assert "Signature mismatch" in message
    assert "signature or the access keys are wrong" in message
    assert "not-the-secret" not in message


async def test_a_stale_timestamp_is_401(sandbox: Sandbox) -> None:
    auth = ServiceWatchAuth(SANDBOX_ACCESS_KEY, SANDBOX_SECRET_KEY, clock=lambda: time.time() - 3600)
    async with ServiceWatchClient(sandbox.url, auth) as client:
        with pytest.raises(AuthenticationError, match="away from the server clock"):
            await client.catalog()


@pytest.mark.parametrize(
    ("fault", "error", "message"),
    [
        (Fault(kind="status", status=400, detail="width must be >= 1000"), BadRequestError, "width must be >= 1000"),
        (
            Fault(kind="status", status=403, detail="no permission"),
            PermissionDeniedError,
            "ServiceWatch read permission",
        ),
        (Fault(kind="html"), InvalidResponseError, "HTML page titled 'Sign in'"),
        (Fault(kind="json"), InvalidResponseError, "JSON instead of a chart image"),
        (Fault(kind="empty"), InvalidResponseError, "empty body"),
    ],
)
async def test_faults_that_are_not_retried(
    fault: Fault, error: type[Exception], message: str, sandbox: Sandbox, sandbox_client: MakeClient
) -> None:
    sandbox.plan.add(fault)
    with pytest.raises(error, match=message):
        await sandbox_client().download_metric_data_image(MetricDataImageRequestV1Dot1.model_validate(SEEDS["1.1"][1]))
    assert sandbox.calls[IMAGE_PATH] == 1


@pytest.mark.parametrize(
    "fault",
    [
        Fault(kind="status", status=503, times=2),
        Fault(kind="status", status=429, retry_after="1", times=2),
        Fault(kind="reset", times=2),
        Fault(kind="truncate", times=2),
        pytest.param(Fault(kind="timeout", delay=3.0, times=2), marks=pytest.mark.slow),
    ],
)
async def test_transient_faults_are_retried_until_the_answer_comes(
    fault: Fault, sandbox: Sandbox, sandbox_client: MakeClient, recorded_sleep: RecordedSleep
) -> None:
    # The answer that finally comes is one drawn beforehand: the client's timeout races the fault, not matplotlib.
    await use_stock_images(sandbox, (600, 400))
    sandbox.plan.add(fault)
    client = sandbox_client(timeout=1.0, max_retries=2)
    image = await client.download_metric_data_image(MetricDataImageRequestV1Dot1.model_validate(SEEDS["1.1"][1]))
    assert png_size(image.data) == (600, 400)
    assert sandbox.calls[IMAGE_PATH] == 3
    assert len(recorded_sleep.waits) == 2
    if fault.retry_after:
        assert recorded_sleep.waits == [1.0, 1.0]


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        (Fault(kind="status", status=500, times=0), ServerError),
        (Fault(kind="status", status=429, retry_after="2", times=0), RateLimitError),
        (Fault(kind="reset", times=0), APIConnectionError),
        (Fault(kind="timeout", delay=1.0, times=0), APITimeoutError),
    ],
)
async def test_retries_stop(fault: Fault, error: type[Exception], sandbox: Sandbox, sandbox_client: MakeClient) -> None:
    sandbox.plan.add(fault)
    client = sandbox_client(timeout=0.2, max_retries=3)  # no attempt is answered in time, however fast the machine
    with pytest.raises(error) as raised:
        await client.list_metric_data(
            MetricDataRequest.for_chart(MetricDataImageRequestV1Dot1.model_validate(SEEDS["1.1"][1]))
        )
    assert type(raised.value) is error  # a dropped connection is not reported as a timeout, nor the reverse
    assert sandbox.calls[DATA_PATH] == 4


async def test_control_endpoints(sandbox: Sandbox, sandbox_client: MakeClient) -> None:
    async with httpx.AsyncClient(base_url=sandbox.url) as control:
        assert (await control.get("/_sandbox/health")).json() == {"ok": True}
        queued = await control.post("/_sandbox/faults", json=[{"kind": "status", "status": 502, "path": DATA_PATH}])
        assert queued.json() == {"queued": 1}
        bad = await control.post("/_sandbox/faults", json={"kind": "explode"})
        assert bad.status_code == 400
        assert "kind must be one of" in bad.json()["errors"][0]["detail"][0]
        assert (await control.put("/_sandbox/latency", json={"seconds": 0.05})).json() == {"latency": 0.05}
        client = sandbox_client(max_retries=1)
        request = MetricDataRequest.for_chart(MetricDataImageRequestV1Dot1.model_validate(SEEDS["1.1"][1]))
        started = time.monotonic()
        await client.list_metric_data(request)
        assert time.monotonic() - started >= 0.1  # two calls, each held 0.05 s
        stats = (await control.get("/_sandbox/stats")).json()
        assert stats["calls"][DATA_PATH] == 2
        assert stats["faults"] == 0
        assert (await control.delete("/_sandbox/faults")).json() == {"queued": 0}


async def test_min_size_knob_emulates_the_reported_live_400() -> None:
    sandbox = Sandbox(min_size=(1000, 500))
    await sandbox.start()
    try:
        client = ServiceWatchClient(sandbox.url, ServiceWatchAuth(SANDBOX_ACCESS_KEY, SANDBOX_SECRET_KEY))
        async with client:
            with pytest.raises(BadRequestError, match="width must be ≥ 1000"):
                await client.download_metric_data_image(MetricDataImageRequestV1Dot1.model_validate(SEEDS["1.1"][1]))
    finally:
        await sandbox.stop()


async def test_stock_images_draw_once_per_size_and_language(sandbox: Sandbox, sandbox_client: MakeClient) -> None:
    sandbox.stock_images = True  # what `python -m bot sandbox --stock-images` sets, for benchmarks
    client = sandbox_client()
    now = int(time.time())
    bodies = [dict(SEEDS["1.1"][1], width=1400, height=500, start=now - hours * 3600, end=now) for hours in (3, 6)] + [
        dict(SEEDS["1.1"][1], width=1000, height=500, start=now - 3 * 3600, end=now)
    ]
    images = [await client.download_metric_data_image(MetricDataImageRequestV1Dot1.model_validate(b)) for b in bodies]
    assert images[0].data == images[1].data  # two charts, one drawing of that size
    assert png_size(images[2].data) == (1000, 500)
    with speaking(KOREAN):
        korean = await client.download_metric_data_image(MetricDataImageRequestV1Dot1.model_validate(bodies[0]))
    assert korean.data != images[0].data  # and of that language
    assert sandbox.calls[IMAGE_PATH] == 4  # still every call answered


async def control(app: web.Application, method: str, path: str, remote: str | None) -> web.StreamResponse:
    """The sandbox's answer to a control request from `remote`, through its router."""
    request = make_mocked_request(method, path, app=app).clone(remote=remote)
    match = await app.router.resolve(request)
    request._match_info = match  # what the server does before calling the handler
    return await match.handler(request)


@pytest.mark.parametrize("remote", ["10.0.0.5", "192.168.1.20", "2001:db8::7", "::ffff:10.0.0.5", "localhost", None])
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/_sandbox/health"),
        ("GET", "/_sandbox/stats"),
        ("POST", "/_sandbox/faults"),
        ("DELETE", "/_sandbox/faults"),
        ("PUT", "/_sandbox/latency"),
        ("GET", "/_sandbox/alerts"),
        ("PUT", "/_sandbox/alerts/84b72b4f-81ec-55d3-9752-35b6cbd39022"),
    ],
)
async def test_control_endpoints_refuse_callers_that_are_not_loopback(
    method: str, path: str, remote: str | None
) -> None:
    sandbox = Sandbox()
    sandbox.plan.add(Fault(kind="status"))
    sandbox.plan.latency = 0.5
    response = await control(sandbox.make_app(), method, path, remote)
    assert isinstance(response, web.Response)
    assert response.status == 403
    assert response.body is not None
    (error,) = json.loads(bytes(response.body))["errors"]  # type: ignore[arg-type]
    assert error["status"] == 403
    assert "only from loopback" in error["detail"][0]
    assert str(remote) in error["detail"][0]
    assert (len(sandbox.plan.faults), sandbox.plan.latency) == (1, 0.5)  # nothing changed


@pytest.mark.parametrize("remote", ["127.0.0.1", "127.3.2.1", "::1", "::ffff:127.0.0.1"])
async def test_control_endpoints_answer_loopback_callers(remote: str) -> None:
    sandbox = Sandbox()
    sandbox.plan.add(Fault(kind="status"))
    app = sandbox.make_app()
    stats = await control(app, "GET", "/_sandbox/stats", remote)
    assert isinstance(stats, web.Response)
    assert stats.status == 200
    assert stats.body is not None
    assert json.loads(bytes(stats.body))["faults"] == 1  # type: ignore[arg-type]
    cleared = await control(app, "DELETE", "/_sandbox/faults", remote)
    assert cleared.status == 200
    assert sandbox.plan.faults == []
