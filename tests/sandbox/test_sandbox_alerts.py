"""The sandbox's alerts over real HTTP: ShowAlert signed and versioned like every call, the catalog listing each
policy under its metric and resource, the control endpoint (state, deleted, forbidden), and the breach a firing
alert draws into its series."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import httpx
import pytest

from bot.sandbox import SANDBOX_ACCESS_KEY, SANDBOX_SECRET_KEY, Fault, Sandbox
from bot.sandbox.alerts import ALERTS, synthetic_alerts
from bot.servicewatch import (
    AuthenticationError,
    BadRequestError,
    NotFoundError,
    PermissionDeniedError,
    ServiceWatchAuth,
    ServiceWatchClient,
)
from bot.servicewatch.client import ALERT_CALLS_KEY, ALERTS_PATH
from bot.servicewatch.models import AlertDetail, Dimension, MetricDataItem, MetricDataRequest
from tests.clocks import RecordedSleep

MakeClient = Callable[..., ServiceWatchClient]


def alert_named(name: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_DNS, f"{name}.alert.sandbox.servicewatch"))


WEB01_CPU = alert_named("web-01 CPU high")


def test_every_alert_watches_a_metric_of_a_resource_the_catalog_has() -> None:
    for alert in ALERTS:
        detail = alert.detail("NORMAL")  # looks its metric and resource up
        assert detail["metric_name"] == alert.metric
        assert detail["dimensions"]
    assert len({alert.id for alert in ALERTS}) == len(ALERTS) >= 6
    assert {alert.level for alert in ALERTS} == {"HIGH", "MIDDLE", "LOW"}
    assert "RANGE" in {alert.operator for alert in ALERTS}


async def test_the_catalog_lists_each_alert_under_its_metric_and_resource(
    sandbox: Sandbox, sandbox_client: MakeClient
) -> None:
    catalog = await sandbox_client().catalog()
    alerts = catalog.alerts()
    assert {a.id for a in alerts} == set(sandbox.alert_ids()) == {a.id for a in ALERTS}
    web01 = next(a for a in alerts if a.id == WEB01_CPU)  # ids derived from names: the same across restarts
    assert (web01.name, web01.metric.reference, web01.resource.label()) == (
        "web-01 CPU high",
        "Virtual Server:CPU Usage/Core[Basic]",
        "web-01",
    )
    (cpu,) = catalog.named("CPU Usage/Core[Basic]", "Virtual Server")
    without = [r.label() for r in cpu.resources if not r.alerts]
    assert "web-03" in without


@pytest.mark.parametrize("version", ["1.0", "1.1", "1.2", "1.5"])
async def test_show_alert_from_any_client_version(version: str, sandbox: Sandbox, sandbox_client: MakeClient) -> None:
    alert = await sandbox_client(api_version=version).show_alert(WEB01_CPU)
    assert (alert.id, alert.name, alert.level, alert.state, alert.firing) == (
        WEB01_CPU,
        "web-01 CPU high",
        "HIGH",
        "NORMAL",
        False,
    )
    assert (alert.metric_name, alert.namespace_name, alert.metric_unit) == (
        "CPU Usage/Core[Basic]",
        "Virtual Server",
        "PERCENT",
    )
    assert (alert.operator, alert.threshold, alert.statistic, alert.period) == ("GREATER_THAN", 80.0, "AVG", 300)
    assert alert.dimensions[0].key == "VolumeID"
    assert sandbox.alert_calls == 1
    assert sandbox.calls[f"{ALERTS_PATH}/{WEB01_CPU}"] == 1


async def test_show_alert_under_1_1_is_refused(sandbox_client: MakeClient) -> None:
    """So the test above proves the client sends ShowAlert as 1.2 whatever its configured version."""
    client = sandbox_client(api_version="1.1", max_retries=0)
    with pytest.raises(BadRequestError, match=r"not available in API version servicewatch 1\.1"):
        await client._call(f"{ALERTS_PATH}/{WEB01_CPU}", None, method="GET", parse=lambda r: r)


async def test_show_alert_is_signed(sandbox: Sandbox, sandbox_client: MakeClient) -> None:
    async with httpx.AsyncClient(base_url=sandbox.url) as plain:
        unsigned = await plain.get(f"{ALERTS_PATH}/{WEB01_CPU}")
        assert unsigned.status_code == 401
        assert (await plain.post(f"{ALERTS_PATH}/{WEB01_CPU}")).status_code == 405
    with pytest.raises(AuthenticationError, match="Signature mismatch"):
        await sandbox_client(secret="wrong").show_alert(WEB01_CPU)


async def test_an_unknown_alert_is_404_in_the_error_body(sandbox_client: MakeClient) -> None:
    with pytest.raises(NotFoundError) as raised:
        await sandbox_client().show_alert(str(uuid.uuid4()))
    assert "does not exist" in raised.value.detail
    assert raised.value.code == "NotFound"
    assert raised.value.request_id


async def test_the_control_endpoint_changes_state_and_records_when(
    sandbox: Sandbox, sandbox_client: MakeClient
) -> None:
    client = sandbox_client(max_retries=0)
    async with httpx.AsyncClient(base_url=sandbox.url) as control:
        before = {a["id"]: a for a in (await control.get("/_sandbox/alerts")).json()["alerts"]}
        assert {a["state"] for a in before.values()} == {"NORMAL"}
        changed = await control.put(f"/_sandbox/alerts/{WEB01_CPU}", json={"state": "ALERT"})
        assert changed.status_code == 200
        assert changed.json()["state"] == "ALERT"
        assert (await client.show_alert(WEB01_CPU)).firing
        listed = {a["id"]: a for a in (await control.get("/_sandbox/alerts")).json()["alerts"]}
        assert listed[WEB01_CPU]["changed_at"] > before[WEB01_CPU]["changed_at"] - 1
        assert [state for _, state in listed[WEB01_CPU]["history"]] == ["ALERT"]

        await control.put(f"/_sandbox/alerts/{WEB01_CPU}", json={"state": "Insufficient data"})  # any string
        assert (await client.show_alert(WEB01_CPU)).state == "Insufficient data"
        await control.put(f"/_sandbox/alerts/{WEB01_CPU}", json={"state": "NORMAL"})
        assert not (await client.show_alert(WEB01_CPU)).firing

        await control.put(f"/_sandbox/alerts/{WEB01_CPU}", json={"deleted": True})
        with pytest.raises(NotFoundError):
            await client.show_alert(WEB01_CPU)
        assert WEB01_CPU not in {a.id for a in (await client.catalog(refresh=True)).alerts()}
        await control.put(f"/_sandbox/alerts/{WEB01_CPU}", json={"deleted": False, "forbidden": True})
        with pytest.raises(PermissionDeniedError):
            await client.show_alert(WEB01_CPU)
        assert client.keys_refused is None
        assert WEB01_CPU in {a.id for a in (await client.catalog(refresh=True)).alerts()}

        assert (await control.put(f"/_sandbox/alerts/{uuid.uuid4()}", json={"state": "ALERT"})).status_code == 404
        for bad in ({}, {"state": 3}, {"deleted": "yes"}, {"colour": "red"}, ["ALERT"]):
            refused = await control.put(f"/_sandbox/alerts/{WEB01_CPU}", json=bad)
            assert refused.status_code == 400, bad
            assert "Send a JSON object" in refused.json()["errors"][0]["detail"][0]
        stats = (await control.get("/_sandbox/stats")).json()
        assert stats["calls"][ALERTS_PATH] == sandbox.alert_calls == 5


async def test_faults_on_show_alert_are_retried(
    sandbox: Sandbox, sandbox_client: MakeClient, recorded_sleep: RecordedSleep
) -> None:
    sandbox.plan.add(Fault(kind="status", status=503, path=ALERTS_PATH, times=2))
    client = sandbox_client(max_retries=2)
    assert (await client.show_alert(WEB01_CPU)).name == "web-01 CPU high"
    assert sandbox.alert_calls == 3
    assert client.calls[ALERT_CALLS_KEY] == 3
    assert len(recorded_sleep.waits) == 2


def _cpu_request(start: int, end: int, statistic: str = "AVG", metric: str | None = None) -> MetricDataRequest:
    alert = next(a for a in ALERTS if a.id == WEB01_CPU)
    (dimension,) = alert.detail("NORMAL")["dimensions"]
    return MetricDataRequest(
        start=start,
        end=end,
        period=300,
        statistic_type=statistic,  # type: ignore[arg-type]
        metrics=(
            MetricDataItem(
                namespace_name=alert.namespace, name=metric or alert.metric, dimensions=(Dimension(**dimension),)
            ),
        ),
    )


async def test_a_firing_alert_breaches_its_series_from_the_change_on(
    sandbox: Sandbox, sandbox_client: MakeClient
) -> None:
    client = sandbox_client()
    end = 1_795_000_000 - 1_795_000_000 % 300
    start, onset, recovery = end - 6 * 3600, end - 4 * 3600, end - 2 * 3600
    request = _cpu_request(start, end)
    memory = _cpu_request(start, end, metric="Memory Usage[Basic]")  # another metric of web-01
    (usual,) = await client.list_metric_data(request)
    (usual_memory,) = await client.list_metric_data(memory)
    assert max(v for _, v in usual.values) < 80  # web-01's CPU never nears the threshold by itself

    sandbox.set_alert_state(WEB01_CPU, "ALERT", at=onset)
    sandbox.set_alert_state(WEB01_CPU, "NORMAL", at=recovery)
    (charted,) = await client.list_metric_data(request)
    assert [t for t, _ in charted.values] == [t for t, _ in usual.values]
    for (t, value), (_, was) in zip(charted.values, usual.values, strict=True):
        if onset <= t < recovery:
            assert 80 < value <= 100, t
        else:
            assert value == was, t  # before the onset and after the recovery: the usual series

    assert (await client.list_metric_data(memory))[0].values == usual_memory.values  # untouched


async def test_an_alert_with_no_data_leaves_its_series_without_points(
    sandbox: Sandbox, sandbox_client: MakeClient
) -> None:
    """INSUFFICIENT_DATA (a stopped server): no points while it lasts, the usual series before and after; no breach."""
    client = sandbox_client()
    end = 1_795_000_000 - 1_795_000_000 % 300
    start, stopped, started = end - 6 * 3600, end - 4 * 3600, end - 2 * 3600
    request = _cpu_request(start, end)
    (usual,) = await client.list_metric_data(request)
    sandbox.set_alert_state(WEB01_CPU, "INSUFFICIENT_DATA", at=stopped)
    sandbox.set_alert_state(WEB01_CPU, "NORMAL", at=started)
    (charted,) = await client.list_metric_data(request)
    assert list(charted.values) == [(t, v) for t, v in usual.values if not stopped <= t < started]
    assert len(charted.values) < len(usual.values)


async def test_a_firing_alert_with_no_end_breaches_up_to_now(sandbox: Sandbox, sandbox_client: MakeClient) -> None:
    end = 1_795_000_000 - 1_795_000_000 % 300
    sandbox.set_alert_state(WEB01_CPU, "ALERT", at=end - 1000)  # inside a period: that period shows it
    (charted,) = await sandbox_client().list_metric_data(_cpu_request(end - 3600, end, "MAX"))
    breached = [t for t, v in charted.values if v > 80]
    assert breached == [t for t, _ in charted.values if t + 300 > end - 1000]


def test_the_detail_has_the_documented_fields() -> None:
    detail = next(a for a in ALERTS if a.operator == "RANGE").detail("NORMAL")
    documented = set(
        [
            "activated_yn",
            "name",
            "level",
            "state",
            "type",
            "metric_id",
            "metric_name",
            "metric_unit",
            "namespace_id",
            "namespace_name",
            "dimension",
            "dimensions",
            "individual_items",
            "statistic",
            "period",
            "operator",
            "threshold",
            "lower_bound",
            "upper_bound",
            "evaluation_count",
            "evaluation_time_window",
            "violation_count",
            "missing_data_option",
            "srn",
            "created_at",
            "modified_at",
        ]
    )
    assert documented <= set(detail)
    parsed = AlertDetail.model_validate(detail)
    assert parsed.lower_bound is not None
    assert parsed.upper_bound is not None
    assert parsed.lower_bound < parsed.upper_bound


async def test_extra_alerts_are_generated_listed_and_shown_like_the_stock_ones(recorded_sleep: RecordedSleep) -> None:
    sandbox = Sandbox(extra_alerts=40)
    await sandbox.start()
    client = ServiceWatchClient(
        sandbox.url, ServiceWatchAuth(SANDBOX_ACCESS_KEY, SANDBOX_SECRET_KEY), sleep=recorded_sleep
    )
    try:
        extra = synthetic_alerts(40)
        assert [a.id for a in extra] == [a.id for a in synthetic_alerts(40)]  # ids from names: stable
        assert len({a.id for a in extra} | {a.id for a in ALERTS}) == 40 + len(ALERTS)
        assert len({(a.namespace, a.metric) for a in extra}) > 10  # spread over the catalog's metrics
        catalog = await client.catalog()
        assert {a.id for a in catalog.alerts()} == set(sandbox.alert_ids()) == {a.id for a in ALERTS + extra}
        last = extra[-1]
        detail = await client.show_alert(last.id)
        assert (detail.name, detail.state, detail.metric_name) == (last.name, "NORMAL", last.metric)
        async with httpx.AsyncClient(base_url=sandbox.url) as plain:
            changed = await plain.put(f"/_sandbox/alerts/{last.id}", json={"state": "ALERT"})
            assert changed.json()["state"] == "ALERT"
            assert len((await plain.get("/_sandbox/alerts")).json()["alerts"]) == 40 + len(ALERTS)
        assert (await client.show_alert(last.id)).firing
    finally:
        await client.aclose()
        await sandbox.stop()
    assert len(Sandbox().alert_ids()) == len(ALERTS)  # the default is unchanged
