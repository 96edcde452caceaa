"""Alerts (API 1.2): AlertDetail reads ShowAlert's answer tolerantly, the catalog carries each metric's alerts, and
`show_alert` is a signed GET with the retries and error tree of every call, sent as 1.2 by a 1.0/1.1 client."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.servicewatch import (
    APIStatusError,
    AuthenticationError,
    InvalidResponseError,
    NotFoundError,
    PermissionDeniedError,
    ServerError,
    ServiceWatchAuth,
    ServiceWatchClient,
)
from bot.servicewatch.auth import sign
from bot.servicewatch.catalog import Catalog, CatalogAlert
from bot.servicewatch.client import ALERT_CALLS_KEY, ALERTS_PATH
from bot.servicewatch.endpoints import version_at_least
from bot.servicewatch.models import AlertDetail, AlertRef, MetricInfo, MetricsResponse
from tests.clocks import RecordedSleep
from tests.servicewatch.test_client import error, make_client, sequence

EXAMPLE = json.loads(
    (Path(__file__).resolve().parents[1] / "data" / "responses" / "show-alert.json").read_text(encoding="utf-8")
)
ALERT_ID = "a1b2c3d4-0000-4000-8000-000000000001"


# AlertDetail ----------------------------------------------------------------------------------------------


def test_the_reference_example_parses() -> None:
    alert = AlertDetail.model_validate(EXAMPLE)
    assert (alert.name, alert.level, alert.state, alert.type) == ("Alert1", "HIGH", "NORMAL", "METRIC_ALERT")
    assert (alert.metric_name, alert.metric_unit, alert.namespace_name) == (
        "CPU Usage/Core[Basic]",
        "BYTE",
        "Virtual Server",
    )
    assert [(d.key, d.value) for d in alert.dimensions] == [("InstanceId", "45fbde15-cdd2-4891-be31-4a9de75fccda")]
    assert (alert.statistic, alert.period, alert.operator) == ("AVG", 300, "RANGE")
    assert (alert.threshold, alert.lower_bound, alert.upper_bound) == (80.0, 80.0, 90.0)
    assert (alert.evaluation_count, alert.evaluation_time_window, alert.violation_count) == (3, 900, 2)
    assert alert.srn.startswith("srn:")
    assert alert.active
    assert not alert.firing


def test_numbers_may_come_as_strings_and_unreadable_ones_are_none() -> None:
    alert = AlertDetail.model_validate(
        {
            "name": "a",
            "period": "300",
            "threshold": " 80.5 ",
            "lower_bound": "",
            "upper_bound": "n/a",
            "evaluation_count": "3.0",
            "evaluation_time_window": 900.0,
            "violation_count": "2.5",
        }
    )
    assert (alert.period, alert.threshold, alert.lower_bound, alert.upper_bound) == (300, 80.5, None, None)
    assert (alert.evaluation_count, alert.evaluation_time_window, alert.violation_count) == (3, 900, None)


def test_only_the_name_is_required_and_nulls_are_empty() -> None:
    alert = AlertDetail.model_validate({"name": "bare", "state": None, "level": None, "activated_yn": None})
    assert (alert.state, alert.level, alert.activated_yn, alert.dimensions, alert.threshold) == ("", "", "Y", (), None)
    assert not alert.firing
    assert alert.active
    with pytest.raises(ValueError, match="name"):
        AlertDetail.model_validate({"state": "ALERT"})


@pytest.mark.parametrize(
    ("fields", "dimensions"),
    [
        ({"dimension": {"key": "InstanceId", "value": "i-1"}}, [("InstanceId", "i-1")]),
        ({"dimension": {"key": "InstanceId", "value": "i-1"}, "dimensions": []}, [("InstanceId", "i-1")]),
        ({"dimension": {"key": "A", "value": "1"}, "dimensions": [{"key": "B", "value": "2"}]}, [("B", "2")]),
        ({"dimensions": '[{"key": "B", "value": null}]'}, [("B", "")]),
        ({"dimension": None, "dimensions": None}, []),
    ],
)
def test_dimensions_fall_back_to_the_single_dimension(
    fields: dict[str, Any], dimensions: list[tuple[str, str]]
) -> None:
    alert = AlertDetail.model_validate({"name": "a", **fields})
    assert [(d.key, d.value) for d in alert.dimensions] == dimensions


@pytest.mark.parametrize(
    ("state", "firing"),
    [
        ("NORMAL", False),
        ("normal", False),
        (" Normal ", False),
        ("", False),
        ("  ", False),
        ("ALERT", True),
        ("Alert", True),
        ("INSUFFICIENT_DATA", False),  # documented: no data, its own state
        ("경보", False),  # undocumented: kept verbatim, never firing
        ("ALARM", False),
    ],
)
def test_only_alert_is_firing(state: str, firing: bool) -> None:
    alert = AlertDetail.model_validate({"name": "a", "state": state})
    assert alert.firing is firing
    assert alert.state == state


@pytest.mark.parametrize(("value", "active"), [("Y", True), ("N", False), ("n", False), (True, True), (False, False)])
def test_active(value: object, active: bool) -> None:
    assert AlertDetail.model_validate({"name": "a", "activated_yn": value}).active is active


def test_a_wrapped_answer_is_unwrapped() -> None:
    assert AlertDetail.model_validate({"alert": {"name": "a", "state": "ALERT"}}).firing


# Alerts in the catalog ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("alerts", "expected"),
    [
        ('[{"id": "x1", "name": "High CPU"}]', (AlertRef(id="x1", name="High CPU"),)),
        ([{"id": "x1", "name": "High CPU"}], (AlertRef(id="x1", name="High CPU"),)),
        ([{"id": 7, "name": None}, {"name": "no id"}, "junk", {"id": ""}], (AlertRef(id="7", name=""),)),
        ("", ()),
        (None, ()),
        ([], ()),
    ],
)
def test_alerts_on_a_metric_info(alerts: Any, expected: tuple[AlertRef, ...]) -> None:
    assert MetricInfo.model_validate({"name": "m", "alerts": alerts}).alerts == expected


def test_missing_alerts_are_none() -> None:
    assert MetricInfo.model_validate({"name": "m"}).alerts == ()


def _info(resource: str, *alerts: tuple[str, str], metric: str = "CPU") -> dict[str, Any]:
    return {
        "name": metric,
        "dimensions": [{"key": "InstanceId", "value": resource}],
        "alerts": [{"id": i, "name": n} for i, n in alerts],
    }


def test_the_catalog_carries_alerts_per_resource_and_lists_each_once_by_name() -> None:
    response = MetricsResponse.model_validate(
        {
            "namespaces": [
                {
                    "name": "Virtual Server",
                    "dimensions": [
                        {
                            "keys": "InstanceId",
                            "metrics": [
                                _info("i-1", ("b", "web-01 CPU"), ("a", "Alpha")),
                                _info("i-2", ("c", "web-02 CPU")),
                                _info("i-1", ("b", "web-01 CPU"), ("d", "again")),  # the same resource listed twice
                                _info("i-3"),
                                _info("i-1", ("m", "memory"), metric="Memory"),
                            ],
                        }
                    ],
                }
            ]
        }
    )
    catalog = Catalog.from_response(response)
    (cpu,) = catalog.named("CPU")
    by_resource = {r.dimensions[0].value: [a.id for a in r.alerts] for r in cpu.resources}
    assert by_resource == {"i-1": ["b", "a", "d"], "i-2": ["c"], "i-3": []}
    alerts = catalog.alerts()
    assert [a.name for a in alerts] == ["again", "Alpha", "memory", "web-01 CPU", "web-02 CPU"]  # case aside
    first = alerts[1]
    assert isinstance(first, CatalogAlert)
    assert (first.id, first.metric.name, first.resource.dimensions[0].value) == ("a", "CPU", "i-1")
    assert next(a for a in alerts if a.id == "m").metric.name == "Memory"
    # Alerts are no part of a resource's identity: web-01 is the same resource under CPU and Memory.
    (memory,) = catalog.named("Memory")
    assert memory.resources[0] == cpu.resources[0]


def test_a_catalog_without_alerts_has_none() -> None:
    assert Catalog().alerts() == ()


# show_alert ----------------------------------------------------------------------------------------------


def ok(body: dict[str, Any] = EXAMPLE) -> httpx.Response:
    return httpx.Response(200, json=body)


async def test_show_alert_is_a_signed_get(recorded_sleep: RecordedSleep) -> None:
    responder, seen = sequence(ok())
    async with make_client(responder, recorded_sleep) as client:
        alert = await client.show_alert(ALERT_ID)
    assert alert.name == "Alert1"
    (request,) = seen
    assert request.method == "GET"
    assert str(request.url) == f"https://servicewatch.kr-west1.e.samsungsdscloud.com{ALERTS_PATH}/{ALERT_ID}"
    assert request.content == b""
    assert "Content-Type" not in request.headers
    assert request.headers["Accept"] == "application/json"
    assert request.headers["Scp-Api-Version"] == "servicewatch 1.2"
    assert request.headers["Scp-Signature"] == sign("GET", str(request.url), "1605290625682", "ak", "sk")
    assert client.calls == {ALERT_CALLS_KEY: 1}  # one key for every alert: no label per id in /metrics


@pytest.mark.parametrize(
    ("configured", "sent"), [("1.0", "1.2"), ("1.1", "1.2"), ("1.2", "1.2"), ("1.5", "1.5"), ("1.13", "1.13")]
)
async def test_show_alert_is_sent_as_1_2_at_least(configured: str, sent: str, recorded_sleep: RecordedSleep) -> None:
    responder, seen = sequence(ok(), httpx.Response(200, json={"count": 0}))
    async with make_client(responder, recorded_sleep, api_version=configured) as client:
        await client.show_alert(ALERT_ID)
        await client.list_metric_infos()  # the other calls keep the configured version
    assert [r.headers["Scp-Api-Version"] for r in seen] == [f"servicewatch {sent}", f"servicewatch {configured}"]
    assert version_at_least(configured, "1.2") == sent


@pytest.mark.parametrize(
    "alert_id", ["", ".", "..", "a/b", "a b", "x" * 129, "../metrics", "id?x=1", "%2e", "알림", "a#b"]
)
async def test_a_bad_id_is_refused_before_any_call(alert_id: str, recorded_sleep: RecordedSleep) -> None:
    responder, seen = sequence()
    async with make_client(responder, recorded_sleep) as client:
        with pytest.raises(ValueError, match="is not a ServiceWatch alert id"):
            await client.show_alert(alert_id)
    assert seen == []
    assert client.calls == {}


@pytest.mark.parametrize("alert_id", ["x" * 128, "a.b_c:d-E9", "1"])
async def test_good_ids_go_on_the_path(alert_id: str, recorded_sleep: RecordedSleep) -> None:
    responder, seen = sequence(ok())
    async with make_client(responder, recorded_sleep) as client:
        await client.show_alert(alert_id)
    assert seen[0].url.path == f"{ALERTS_PATH}/{alert_id}"


@pytest.mark.parametrize(
    ("status", "cls"),
    [(404, NotFoundError), (403, PermissionDeniedError), (401, AuthenticationError), (409, APIStatusError)],
)
async def test_client_errors_are_raised_at_once(
    status: int, cls: type[APIStatusError], recorded_sleep: RecordedSleep
) -> None:
    responder, seen = sequence(error(status, "the server's own words"))
    async with make_client(responder, recorded_sleep) as client:
        with pytest.raises(cls) as caught:
            await client.show_alert(ALERT_ID)
        # One alert out of the keys' reach is not the keys refused; a refused signature is.
        assert (client.keys_refused is not None) is (status == 401)
    assert type(caught.value) is cls
    assert "the server's own words" in str(caught.value)
    assert len(seen) == 1
    assert recorded_sleep.waits == []


async def test_server_errors_are_retried(recorded_sleep: RecordedSleep) -> None:
    responder, seen = sequence(error(503), httpx.ConnectError("refused"), ok())
    async with make_client(responder, recorded_sleep, max_retries=2) as client:
        alert = await client.show_alert(ALERT_ID)
    assert alert.name == "Alert1"
    assert len(seen) == 3
    assert all(r.headers["Scp-Signature"] for r in seen)  # each try signed
    assert client.calls[ALERT_CALLS_KEY] == 3

    responder, seen = sequence(*[error(500)] * 3)
    async with make_client(responder, recorded_sleep, max_retries=2) as client:
        with pytest.raises(ServerError):
            await client.show_alert(ALERT_ID)
    assert len(seen) == 3


async def test_a_body_that_is_no_alert_is_an_invalid_response(recorded_sleep: RecordedSleep) -> None:
    responder, _ = sequence(httpx.Response(200, json={"state": "ALERT"}))
    async with make_client(responder, recorded_sleep) as client:
        with pytest.raises(InvalidResponseError, match=f"{ALERTS_PATH}/{ALERT_ID}"):
            await client.show_alert(ALERT_ID)


async def test_the_example_over_the_client() -> None:
    async def unused(seconds: float) -> None:  # pragma: no cover - no retries here
        raise AssertionError(seconds)

    client = ServiceWatchClient(
        "https://servicewatch.kr-west1.e.samsungsdscloud.com",
        ServiceWatchAuth("ak", "sk"),
        transport=httpx.MockTransport(lambda request: httpx.Response(200, json=EXAMPLE)),
        sleep=unused,
    )
    async with client:
        alert = await client.show_alert(ALERT_ID)
    assert alert == AlertDetail.model_validate(EXAMPLE)
