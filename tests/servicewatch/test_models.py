"""Request and response models: the seed's bodies round-trip, versions convert, and bad values are named."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from bot.servicewatch.models import (
    IMAGE_REQUEST_MODELS,
    MetricDataImageRequest,
    MetricDataImageRequestV1Dot1,
    MetricDataRequest,
    MetricDataResponse,
    MetricSearchRequest,
    MetricsResponse,
    SizeLimits,
    image_model,
    image_request_for_version,
)
from tests.seed import LOCAL_SEED, SHARED_SEED, seed_bodies

SEEDS = seed_bodies()


def test_the_seed_has_both_versions() -> None:
    assert set(SEEDS) == {"1.1", "1.0"}
    assert "individual_items" in SEEDS["1.0"][0]
    assert "individual_items" not in SEEDS["1.1"][0]


def test_the_projects_copy_of_the_seed_matches_the_shared_one() -> None:
    if not SHARED_SEED.exists():
        pytest.skip("../shared is not beside this checkout; the project's own copy is used")
    assert LOCAL_SEED.read_bytes() == SHARED_SEED.read_bytes()


@pytest.mark.parametrize(("version", "model"), [("1.1", MetricDataImageRequestV1Dot1), ("1.0", MetricDataImageRequest)])
def test_seed_bodies_round_trip_exactly(version: str, model: type[Any]) -> None:
    text, body = SEEDS[version]
    request = model.model_validate(body)
    assert request.wire_json() == body
    # Byte for byte, laid out as the document lays it out.
    assert json.dumps(request.wire_json(), indent=4, sort_keys=True) == text
    assert IMAGE_REQUEST_MODELS[version] is model


def test_version_1_2_and_later_use_the_1_1_body() -> None:
    assert IMAGE_REQUEST_MODELS["1.2"] is MetricDataImageRequestV1Dot1
    assert image_model("1.2") is image_model("1.5") is image_model("1.13") is MetricDataImageRequestV1Dot1
    assert image_model("1.0") is MetricDataImageRequest
    v10 = MetricDataImageRequest.model_validate(SEEDS["1.0"][1])
    assert image_request_for_version(v10, "1.5").wire_json() == SEEDS["1.1"][1]


def test_converting_1_1_to_1_0_gives_the_seeds_1_0_body() -> None:
    v11 = MetricDataImageRequestV1Dot1.model_validate(SEEDS["1.1"][1])
    v10 = image_request_for_version(v11, "1.0")
    assert isinstance(v10, MetricDataImageRequest)
    assert v10.wire_json() == SEEDS["1.0"][1]
    assert image_request_for_version(v10, "1.2").wire_json() == SEEDS["1.1"][1]
    assert image_request_for_version(v11, "1.1") is v11


def test_1_1_refuses_individual_items() -> None:
    with pytest.raises(ValidationError, match="individual_items"):
        MetricDataImageRequestV1Dot1.model_validate(SEEDS["1.0"][1])


def _body(**changes: Any) -> dict[str, Any]:
    body = json.loads(json.dumps(SEEDS["1.1"][1]))
    for key, value in changes.items():
        if key.startswith("metric_"):
            body["metrics"][0][key.removeprefix("metric_")] = value
        else:
            body[key] = value
    return body


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"start": 1640995200000, "end": 1640995440000}, "looks like epoch milliseconds"),
        ({"start": 1640995440, "end": 1640995200}, "must be before end"),
        ({"end": 1640995200}, "must be before end"),
        ({"metric_color": "blue"}, "is not a colour"),
        ({"metric_color": "#12345"}, "is not a colour"),
        ({"statistic_type": "MEDIAN"}, "statistic_type"),
        ({"metric_statistic_type": "avg"}, "statistic_type"),
        ({"period": 0}, "greater than 0"),
        ({"timezone": "Mars/Olympus"}, "not an IANA timezone"),
        ({"metrics": []}, "at least 1"),
        ({"width": 20000}, "less than or equal"),
        ({"surprise": 1}, "Extra inputs"),
    ],
)
def test_bad_values_are_named(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        MetricDataImageRequestV1Dot1.model_validate(_body(**changes))


def test_size_limits_come_from_the_context() -> None:
    limits = SizeLimits(min_width=1000, min_height=500, max_width=2000, max_height=1000)
    with pytest.raises(ValidationError, match=r"width 600 is outside 1000\.\.2000"):
        MetricDataImageRequestV1Dot1.model_validate(_body(), context={"size_limits": limits})
    with pytest.raises(ValidationError, match=r"height 1200 is outside 500\.\.1000"):
        MetricDataImageRequestV1Dot1.model_validate(_body(width=1400, height=1200), context={"size_limits": limits})
    ok = MetricDataImageRequestV1Dot1.model_validate(_body(width=1400, height=500), context={"size_limits": limits})
    assert (ok.width, ok.height) == (1400, 500)


def test_data_request_drops_what_only_images_have() -> None:
    request = MetricDataRequest.for_chart(MetricDataImageRequest.model_validate(SEEDS["1.0"][1]))
    body = request.wire_json()
    assert set(body) == {"start", "end", "period", "statistic_type", "metrics"}
    assert set(body["metrics"][0]) == {
        "namespace_name",
        "name",
        "dimensions",
        "display_name",
        "period",
        "statistic_type",
    }


@pytest.mark.parametrize(
    "values",
    [
        '[[1640995200, "45.5"], [1640995500, "47"]]',
        [[1640995200, "45.5"], [1640995500, 47]],
        [[1640995500, "47.0"], [1640995200, 45.5], [1640995800, None], [1640996100, ""]],
    ],
)
def test_data_values_as_string_or_array(values: Any) -> None:
    response = MetricDataResponse.model_validate({"metrics": [{"display_name": "x", "status": "", "values": values}]})
    assert response.metrics[0].values == ((1640995200, 45.5), (1640995500, 47.0))


@pytest.mark.parametrize("values", [[[1]], ["12", "34"], {"12": 1}, [[1, 2], "34"]])
def test_bad_data_values_are_refused(values: Any) -> None:
    with pytest.raises(ValidationError, match="pairs"):
        MetricDataResponse.model_validate({"metrics": [{"values": values}]})
    with pytest.raises(ValidationError, match="JSON array"):
        MetricDataResponse.model_validate({"metrics": [{"values": "[[1, 2"}]})


_TIMESTAMPS = st.integers(0, 2**33) | st.integers(0, 2**33).map(float) | st.integers(0, 2**33).map(str)
_NUMBERS = st.floats(allow_nan=False) | st.integers(-(2**40), 2**40) | st.floats(allow_nan=False).map(repr)
_GAPS = st.sampled_from([None, "", " "])


@given(st.lists(st.tuples(_TIMESTAMPS, _NUMBERS | _GAPS).map(list), max_size=30), st.booleans())
def test_any_points_keep_every_number_in_time_order(pairs: list[list[Any]], as_string: bool) -> None:
    """Gaps are dropped; every other pair becomes (whole seconds, float); the series comes out in time order, whether
    the answer held plain numbers throughout (the usual case) or not."""
    values = json.dumps(pairs) if as_string else pairs
    (series,) = MetricDataResponse.model_validate({"metrics": [{"values": values}]}).metrics
    expected = sorted(
        (int(float(t)), float(v)) for t, v in pairs if v is not None and not (isinstance(v, str) and not v.strip())
    )
    assert list(series.values) == expected


def test_catalog_response_quirks() -> None:
    response = MetricsResponse.model_validate(
        {
            "count": 1,
            "namespaces": [
                {
                    "id": "d583",
                    "name": "Virtual Server",
                    "dimensions": [
                        {
                            "keys": "InstanceId",
                            "columns": [{"key": "name"}],
                            "metrics": [
                                {
                                    "name": "CPU Usage/Core[Basic]",
                                    "recommended_stat_types": '["avg", "MAX"]',
                                    "dimensions": [{"key": "VolumeID", "value": "45fb"}],
                                    "something_new": True,
                                }
                            ],
                        },
                        {"keys": '[["a", "b"]]', "metrics": []},
                    ],
                }
            ],
        }
    )
    group = response.namespaces[0].dimensions[0]
    assert group.keys == ("InstanceId",)
    assert group.metrics[0].recommended_stat_types == ("AVG", "MAX")
    assert response.namespaces[0].dimensions[1].keys == ("a", "b")


def test_search_request_sends_dimension_keys_as_a_json_string() -> None:
    request = MetricSearchRequest.model_validate(
        {"namespaces": [{"name": "Virtual Server", "dimensions": '[["resource_id"]]'}]}
    )
    assert request.wire_json() == {"namespaces": [{"name": "Virtual Server", "dimensions": '[["resource_id"]]'}]}
    assert MetricSearchRequest().wire_json() == {}
