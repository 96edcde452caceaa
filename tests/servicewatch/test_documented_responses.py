"""The client reads ServiceWatch's answers in the shapes the API reference documents (tests/data/responses/),
over MockTransport: the catalog with its string-held quirks, the numbers, and the live error body."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from bot.servicewatch import BadRequestError, ServiceWatchAuth, ServiceWatchClient
from bot.servicewatch.models import MetricDataImageRequestV1Dot1, MetricDataRequest
from tests.seed import seed_bodies

RESPONSES = Path(__file__).resolve().parents[1] / "data" / "responses"


def client_answering(name: str, status: int = 200) -> ServiceWatchClient:
    content = (RESPONSES / name).read_bytes()

    def respond(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, content=content, headers={"content-type": "application/json"})

    return ServiceWatchClient(
        "https://servicewatch.kr-west1.e.samsungsdscloud.com",
        ServiceWatchAuth("ak", "sk"),
        transport=httpx.MockTransport(respond),
        max_retries=0,
    )


def test_every_example_is_json() -> None:
    for path in RESPONSES.glob("*.json"):
        json.loads(path.read_text(encoding="utf-8"))


async def test_the_catalog_example() -> None:
    async with client_answering("list-metric-infos.json") as client:
        catalog = await client.catalog()
    (metric,) = catalog.metrics
    assert (metric.namespace, metric.name, metric.unit) == ("Virtual Server", "CPU Usage/Core[Basic]", "BYTE")
    assert metric.recommended_stats == ("AVG", "MAX")  # a string holding a JSON array
    assert (metric.collection_interval, metric.detailed_interval) == (300, 60)  # "5m", "1m"
    assert metric.dimension_keys == ("InstanceId",)  # a plain string
    (resource,) = metric.resources
    assert [(d.key, d.value) for d in resource.dimensions] == [("VolumeID", "45fbde15-cdd2-4891-be31-4a9de75fccda")]


async def test_the_numbers_example() -> None:
    request = MetricDataRequest.for_chart(MetricDataImageRequestV1Dot1.model_validate(seed_bodies()["1.1"][1]))
    async with client_answering("list-metric-data.json") as client:
        (series,) = await client.list_metric_data(request)
    assert series.display_name == "Virtual Server | VirtualServer001 | CPU Usage/Core[Basic]"
    assert series.values == ((1640995200, 45.5),)  # a string holding [seconds, "value"] pairs


async def test_the_live_error_example() -> None:
    async with client_answering("error-400.json", status=400) as client:
        with pytest.raises(BadRequestError) as raised:
            await client.list_metric_infos()
    error = raised.value
    assert (error.code, error.request_id) == ("ValidationError", "req-5c0e8a41d2b7")
    assert error.global_request_id == "6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f"
    assert error.detail == "; ".join(["Field required"] * 5)
