"""Request and response bodies of the ServiceWatch calls the bot makes, per API version.

Requests are strict (`extra="forbid"`, frozen) so nothing unexpected is ever sent; responses are
tolerant of extra fields and of the documented quirks (JSON arrays sent inside strings).
"""

from __future__ import annotations

import contextlib
import json
import math
import re
from dataclasses import dataclass
from typing import Any, Literal, TypeAlias
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    field_serializer,
    field_validator,
    model_validator,
)

from bot.servicewatch.endpoints import body_version

StatisticType: TypeAlias = Literal["AVG", "MIN", "MAX", "SUM", "CNT"]
STATISTIC_TYPES: tuple[str, ...] = ("AVG", "MIN", "MAX", "SUM", "CNT")

# Unix seconds stay below this until the year 5138; epoch milliseconds of any date after 1973 are above it.
_MAX_EPOCH_SECONDS = 10**11
_HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_HARD_MAX_PIXELS = 10000


@dataclass(frozen=True)
class SizeLimits:
    """The chart sizes the bot will ask for (from settings); passed as validation context `size_limits`."""

    min_width: int = 1000
    min_height: int = 500
    max_width: int = 4000
    max_height: int = 4000


def parse_json_string(value: Any) -> Any:
    """ServiceWatch sometimes sends an array as a string holding JSON: accept both forms."""
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return []
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            raise ValueError(f"expected a JSON array, got {text[:60]!r}") from None
    return value


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Response(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class Dimension(_Request):
    """One `{key, value}` pair identifying a resource, e.g. `VolumeID=45fb…`."""

    key: str = Field(min_length=1)
    value: str


class MetricItemV1Dot1(_Request):
    """One line of a chart (1.1 and 1.2)."""

    namespace_name: str = Field(min_length=1)
    name: str = Field(min_length=1)
    dimensions: tuple[Dimension, ...] = ()
    display_name: str | None = None
    color: str | None = None
    period: int | None = Field(default=None, gt=0)
    statistic_type: StatisticType | None = None

    @field_validator("color")
    @classmethod
    def _colour(cls, value: str | None) -> str | None:
        if value is not None and not _HEX_COLOUR.match(value):
            raise ValueError(f"{value!r} is not a colour; write it as #rrggbb, e.g. #0000ff")
        return value


class MetricItem(MetricItemV1Dot1):
    """One line of a chart under API 1.0, which also carries `individual_items`."""

    individual_items: tuple[Dimension, ...] = ()


class _ImageRequestBase(_Request):
    start: int = Field(ge=0, description="Unix seconds")
    end: int = Field(ge=0, description="Unix seconds")
    period: int = Field(gt=0, description="seconds")
    statistic_type: StatisticType
    width: int | None = Field(default=None, gt=0, le=_HARD_MAX_PIXELS)
    height: int | None = Field(default=None, gt=0, le=_HARD_MAX_PIXELS)
    timezone: str | None = None
    title: str | None = None

    @field_validator("start", "end")
    @classmethod
    def _seconds(cls, value: int) -> int:
        if value >= _MAX_EPOCH_SECONDS:
            raise ValueError(f"{value} looks like epoch milliseconds; ServiceWatch wants Unix seconds")
        return value

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                ZoneInfo(value)
            except (ZoneInfoNotFoundError, ValueError):
                raise ValueError(f"{value!r} is not an IANA timezone name, e.g. UTC or Asia/Seoul") from None
        return value

    @model_validator(mode="after")
    def _window_and_size(self, info: ValidationInfo) -> _ImageRequestBase:
        if self.start >= self.end:
            raise ValueError(f"start ({self.start}) must be before end ({self.end})")
        limits = (info.context or {}).get("size_limits") if info else None
        if isinstance(limits, SizeLimits):
            if self.width is not None and not limits.min_width <= self.width <= limits.max_width:
                raise ValueError(f"width {self.width} is outside {limits.min_width}..{limits.max_width} pixels")
            if self.height is not None and not limits.min_height <= self.height <= limits.max_height:
                raise ValueError(f"height {self.height} is outside {limits.min_height}..{limits.max_height} pixels")
        return self

    def wire_json(self) -> dict[str, Any]:
        """The JSON body as sent: unset optional fields are left out."""
        return self.model_dump(mode="json", exclude_none=True)


class MetricDataImageRequestV1Dot1(_ImageRequestBase):
    """DownloadMetricDataImage body for API 1.1 (and 1.2, which kept this schema)."""

    metrics: tuple[MetricItemV1Dot1, ...] = Field(min_length=1)


class MetricDataImageRequest(_ImageRequestBase):
    """DownloadMetricDataImage body for API 1.0."""

    metrics: tuple[MetricItem, ...] = Field(min_length=1)


ImageRequest: TypeAlias = MetricDataImageRequestV1Dot1 | MetricDataImageRequest
IMAGE_REQUEST_MODELS: dict[str, type[ImageRequest]] = {
    "1.0": MetricDataImageRequest,
    "1.1": MetricDataImageRequestV1Dot1,
    "1.2": MetricDataImageRequestV1Dot1,
}


def image_model(version: str) -> type[ImageRequest]:
    """The image request's model under `version` (a version after the known ones uses the newest known body)."""
    return IMAGE_REQUEST_MODELS[body_version(version)]


def image_request_for_version(request: ImageRequest, version: str) -> ImageRequest:
    """The same chart in the body shape of `version`: 1.0 adds `individual_items`, 1.1 and later drop them."""
    target = image_model(version)
    if type(request) is target:
        return request
    body = request.model_dump()
    for metric in body["metrics"]:
        if target is MetricDataImageRequest:
            metric["individual_items"] = metric["dimensions"]
        else:
            metric.pop("individual_items", None)
    return target.model_validate(body)


# ListMetricData -------------------------------------------------------------------------------------------


class MetricDataItem(_Request):
    """One series asked of ListMetricData: the chart item without colour."""

    namespace_name: str = Field(min_length=1)
    name: str = Field(min_length=1)
    dimensions: tuple[Dimension, ...] = ()
    display_name: str | None = None
    period: int | None = Field(default=None, gt=0)
    statistic_type: StatisticType | None = None


class MetricDataRequest(_Request):
    """ListMetricData body: the image body without width, height, timezone, title and colours."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    period: int = Field(gt=0)
    statistic_type: StatisticType
    metrics: tuple[MetricDataItem, ...] = Field(min_length=1)

    @classmethod
    def for_chart(cls, request: ImageRequest) -> MetricDataRequest:
        """The numbers behind a chart request."""
        fields = set(MetricDataItem.model_fields)
        return cls(
            start=request.start,
            end=request.end,
            period=request.period,
            statistic_type=request.statistic_type,
            metrics=tuple(
                MetricDataItem.model_validate({k: v for k, v in item.model_dump().items() if k in fields})
                for item in request.metrics
            ),
        )

    def wire_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_none=True)


class MetricDataSeries(_Response):
    """One returned series: (Unix seconds, value) points in time order; empty values are dropped."""

    display_name: str = ""
    status: str = ""
    values: tuple[tuple[int, float], ...] = ()

    @field_validator("values", mode="wrap")
    @classmethod
    def _points(cls, value: Any, _handler: ValidatorFunctionWrapHandler) -> tuple[tuple[int, float], ...]:
        # Each pair is converted here, in one pass; pydantic's own check of every pair after it would only repeat
        # the work (a week at five minutes is 2,016 pairs a series).
        pairs = parse_json_string(value) or ()
        points = None
        if isinstance(pairs, list) and set(map(type, pairs)) <= {list}:
            with contextlib.suppress(TypeError, ValueError):  # the usual answer: whole seconds, a number in each pair
                points = [(int(timestamp), float(number)) for timestamp, number in pairs]
        if points is None:  # gaps (null, ""), fractional or textual timestamps, malformed pairs
            points = _points_one_by_one(pairs)
        points.sort()
        return tuple(points)


def _points_one_by_one(pairs: Any) -> list[tuple[int, float]]:
    points = []
    for pair in pairs:
        if not isinstance(pair, list | tuple) or len(pair) < 2:
            raise ValueError(f"expected [timestamp, value] pairs, got {pair!r}")
        number = pair[1]
        if number is None or (isinstance(number, str) and not number.strip()):
            continue
        points.append((int(float(pair[0])), float(number)))
    return points


class MetricDataResponse(_Response):
    metrics: tuple[MetricDataSeries, ...] = ()


# ListMetricInfos ------------------------------------------------------------------------------------------


class NamespaceFilter(_Request):
    """A namespace (and optionally dimension key sets) to narrow the catalog to."""

    name: str
    dimensions: tuple[tuple[str, ...], ...] | None = None

    @field_validator("dimensions", mode="before")
    @classmethod
    def _keys(cls, value: Any) -> Any:
        return parse_json_string(value)

    @field_serializer("dimensions")
    def _as_string(self, value: tuple[tuple[str, ...], ...] | None) -> str | None:
        # The API takes this field as a string holding a JSON array of key arrays.
        return None if value is None else json.dumps([list(keys) for keys in value])


class MetricSearchRequest(_Request):
    """ListMetricInfos body; every field optional, `{}` asks for the whole catalog."""

    metric_name: str | None = None
    namespaces: tuple[NamespaceFilter, ...] | None = None
    resource_id: str | None = None
    resource_name: str | None = None
    tags: tuple[Dimension, ...] | None = None

    def wire_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json", exclude_none=True)


class ResponseDimension(_Response):
    key: str
    value: str = ""

    @field_validator("value", mode="before")
    @classmethod
    def _null_value(cls, value: Any) -> Any:
        return "" if value is None else value


class AlertRef(_Response):
    """An alert policy set on a metric of a resource, as ListMetricInfos lists it: `{"id", "name"}` (API 1.2)."""

    id: str
    name: str = ""


def _alert_refs(value: Any) -> tuple[dict[str, str], ...]:
    """`alerts` of a ListMetricInfos metric: absent, null, a string holding a JSON array, or the array. Entries
    without an id (nothing to ask ShowAlert about) are left out rather than failing the whole catalog."""
    refs = []
    for entry in parse_json_string(value) or ():
        if isinstance(entry, dict) and entry.get("id") not in (None, ""):
            name = entry.get("name")
            refs.append({"id": str(entry["id"]), "name": "" if name is None else str(name)})
    return tuple(refs)


class MetricInfo(_Response):
    """One metric of one resource as ListMetricInfos describes it."""

    id: str = ""
    name: str
    namespace_name: str = ""
    unit: str = ""
    primary: bool = False
    default_collection_interval: str | int | None = None
    detailed_collection_interval: str | int | None = None
    recommended_stat_types: tuple[str, ...] = ()
    dimensions: tuple[ResponseDimension, ...] = ()
    named_dimensions: tuple[Any, ...] = ()
    alerts: tuple[AlertRef, ...] = ()

    @field_validator("recommended_stat_types", "dimensions", "named_dimensions", mode="before")
    @classmethod
    def _arrays(cls, value: Any) -> Any:
        return parse_json_string(value) or ()

    @field_validator("alerts", mode="before")
    @classmethod
    def _alerts(cls, value: Any) -> Any:
        return _alert_refs(value)

    @field_validator("recommended_stat_types")
    @classmethod
    def _upper(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(str(stat).strip().upper() for stat in value)


class DimensionGroup(_Response):
    """The metrics of a namespace that share one set of dimension keys."""

    keys: tuple[str, ...] = ()
    metrics: tuple[MetricInfo, ...] = ()

    @field_validator("keys", mode="before")
    @classmethod
    def _keys(cls, value: Any) -> Any:
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                parsed = parse_json_string(text)
                flat = [key for item in parsed for key in (item if isinstance(item, list) else [item])]
                return tuple(str(key) for key in flat)
            return tuple(part.strip() for part in text.split(",") if part.strip())
        return value


class NamespaceInfo(_Response):
    id: str = ""
    name: str
    service_name: str = ""
    dimensions: tuple[DimensionGroup, ...] = ()


class MetricsResponse(_Response):
    """ListMetricInfos response: namespaces → dimension key groups → metrics."""

    count: int = 0
    namespaces: tuple[NamespaceInfo, ...] = ()


# ShowAlert (API 1.2) ----------------------------------------------------------------------------------------


def _number(value: Any) -> float | None:
    """A number as ServiceWatch may send it, a number or a string holding one; None for nothing (None, "") and for
    what is no number (these fields are shown, never computed with)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) else None


class AlertDetail(_Response):
    """ShowAlert's answer (`AlertDetailResponse`, API 1.2): one alert policy and its current state.

    Tolerant beyond the other responses: only `name` is required; numbers may come as strings; a number that cannot
    be read is None (these fields are for showing, the state is what matters); `dimensions` falls back to the single
    `dimension` object; null strings are empty. `state` is kept verbatim: `NORMAL`, `ALERT` and `INSUFFICIENT_DATA`
    are documented (the provider's alert data source); only `ALERT` is firing (bot.charts.alerts.state_kind).
    """

    id: str = ""
    name: str
    level: str = ""
    state: str = ""
    activated_yn: str = "Y"
    type: str = ""
    metric_id: str = ""
    metric_name: str = ""
    metric_unit: str = ""
    namespace_id: str = ""
    namespace_name: str = ""
    dimensions: tuple[ResponseDimension, ...] = ()
    statistic: str = ""
    period: int | None = None
    operator: str = ""
    threshold: float | None = None
    lower_bound: float | None = None
    upper_bound: float | None = None
    evaluation_count: int | None = None
    evaluation_time_window: int | None = None
    violation_count: int | None = None
    missing_data_option: str = ""
    srn: str = ""
    created_at: str = ""
    modified_at: str = ""

    @model_validator(mode="before")
    @classmethod
    def _shape(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        for wrapper in ("alert", "data"):  # a wrapped answer (not documented, cheap to accept)
            if "name" not in data and isinstance(data.get(wrapper), dict):
                data = data[wrapper]
                break
        data = dict(data)
        dimensions = parse_json_string(data.get("dimensions")) if data.get("dimensions") is not None else None
        if not dimensions and isinstance(data.get("dimension"), dict):
            dimensions = [data["dimension"]]
        data["dimensions"] = tuple(d for d in dimensions or () if isinstance(d, dict) and d.get("key"))
        return data

    @field_validator(
        "id",
        "level",
        "state",
        "type",
        "metric_id",
        "metric_name",
        "metric_unit",
        "namespace_id",
        "namespace_name",
        "statistic",
        "operator",
        "missing_data_option",
        "srn",
        "created_at",
        "modified_at",
        mode="before",
    )
    @classmethod
    def _text(cls, value: Any) -> Any:
        if value is None:
            return ""
        return str(value) if isinstance(value, int | float) and not isinstance(value, bool) else value

    @field_validator("activated_yn", mode="before")
    @classmethod
    def _yes_no(cls, value: Any) -> Any:
        if value is None:
            return "Y"
        if isinstance(value, bool):
            return "Y" if value else "N"
        return value

    @field_validator("threshold", "lower_bound", "upper_bound", mode="before")
    @classmethod
    def _float(cls, value: Any) -> Any:
        return _number(value)

    @field_validator("period", "evaluation_count", "evaluation_time_window", "violation_count", mode="before")
    @classmethod
    def _int(cls, value: Any) -> Any:
        number = _number(value)
        return int(number) if number is not None and number.is_integer() else None

    @property
    def firing(self) -> bool:
        """Whether the alert is in the `ALERT` state: neither `NORMAL`, nor `INSUFFICIENT_DATA` (no data), nor a state
        ServiceWatch does not document, is firing."""
        return self.state.strip().upper() == "ALERT"

    @property
    def active(self) -> bool:
        """Whether the policy is switched on (`activated_yn` is not N)."""
        return self.activated_yn.strip().upper() != "N"
