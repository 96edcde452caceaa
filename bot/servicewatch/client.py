"""The ServiceWatch client: one signed `httpx.AsyncClient`, one method per call, bounded retries."""

from __future__ import annotations

import asyncio
import json
import logging
import random
import re
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any, TypeVar
from urllib.parse import quote

import aiohttp
import httpx
from httpx_aiohttp import AiohttpTransport
from pydantic import ValidationError

from bot import __version__, i18n
from bot.i18n import _
from bot.servicewatch._retry import backoff_delay, is_retryable_status, parse_retry_after
from bot.servicewatch.catalog import Catalog, CatalogCache
from bot.servicewatch.endpoints import DEFAULT_API_VERSION, api_version_problem, version_at_least, versions_to_try
from bot.servicewatch.errors import (
    AnswerTooLargeError,
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    InvalidResponseError,
    PermissionDeniedError,
    RateLimitError,
    ServiceWatchError,
    read_error_body,
    status_error_class,
)
from bot.servicewatch.images import MAX_IMAGE_BYTES, ChartImage, TruncatedImageError, check_image
from bot.servicewatch.models import (
    AlertDetail,
    ImageRequest,
    MetricDataRequest,
    MetricDataResponse,
    MetricDataSeries,
    MetricSearchRequest,
    MetricsResponse,
    image_request_for_version,
)
from bot.servicewatch.pixels import check_pixels
from bot.servicewatch.reading import ACCEPT_ENCODING, MAX_ANSWER_BYTES, LimitExceeded, read_within

log = logging.getLogger(__name__)
T = TypeVar("T")

IMAGE_PATH = "/v1/metrics/data/download/image"
METRICS_PATH = "/v1/metrics"
DATA_PATH = "/v1/metrics/data"
ALERTS_PATH = "/v1/alerts"
ALERT_CALLS_KEY = f"{ALERTS_PATH}/{{id}}"  # ShowAlert's calls are counted under one key, not one per alert
ALERTS_SINCE = "1.2"  # ShowAlert is in the API reference from 1.2 on
_ALERT_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


def encode_body(body: dict[str, Any]) -> bytes:
    """The exact bytes sent as a JSON body (what `dry-run` shows)."""
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")


class ServiceWatchClient:
    """Calls ServiceWatch. Use as `async with ServiceWatchClient(...) as client:` or call `aclose()`.

    No answer is read past `max_answer_bytes` (JSON) or `max_image_bytes` (the chart image), decoded bytes counted.
    `transport`, `sleep` and `rng` are there for tests: a `MockTransport`, a sleep that records waits.
    """

    def __init__(
        self,
        base_url: str,
        auth: httpx.Auth,
        *,
        api_version: str = DEFAULT_API_VERSION,
        timeout: float = 30.0,
        max_retries: int = 2,
        max_retry_after: float = 30.0,
        catalog_ttl: float = 900.0,
        max_answer_bytes: int = MAX_ANSWER_BYTES,
        max_image_bytes: int = MAX_IMAGE_BYTES,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        rng: Callable[[], float] = random.random,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        problem = api_version_problem(api_version)
        if problem:
            raise ValueError(problem)
        self.api_version = api_version
        self.base_url = base_url.rstrip("/")
        self._max_retries = max_retries
        self._max_retry_after = max_retry_after
        self._max_answer_bytes = max_answer_bytes
        self._max_image_bytes = max_image_bytes
        self._sleep = sleep
        self._rng = rng
        self._http = httpx.AsyncClient(
            base_url=self.base_url,
            auth=auth,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            # httpx's API over aiohttp's wire: 0.33 ms of CPU a call against httpcore's 0.55 (bench/RESULTS.md).
            # A plain-HTTP endpoint (the sandbox) never uses TLS, so its CA bundle (~40 ms of CPU to load) is not
            # loaded; an https endpoint is always verified.
            transport=transport or AiohttpTransport(verify=not self.base_url.startswith("http://")),
            headers={
                "Accept-Encoding": ACCEPT_ENCODING,
                "Scp-Api-Version": f"servicewatch {api_version}",
                "User-Agent": f"servicewatch-charts-bot/{__version__}",
            },
        )
        self._catalog = CatalogCache(self._fetch_catalog, ttl=catalog_ttl, clock=clock)
        self.calls: Counter[str] = Counter()
        """Requests sent per path, retries included (ServiceWatch bills per call or per metric)."""
        self.keys_refused: str | None = None
        """What ServiceWatch said when it last refused the keys (401, 403), until a later call is accepted."""

    async def __aenter__(self) -> ServiceWatchClient:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    # The calls --------------------------------------------------------------------------------------------

    async def download_metric_data_image(self, request: ImageRequest) -> ChartImage:
        """DownloadMetricDataImage: the chart as an image that decodes whole (checked off the event loop), the body
        sent in this client's API version."""
        body = image_request_for_version(request, self.api_version).wire_json()
        image = await self._call(
            IMAGE_PATH,
            body,
            accept="image/png, image/jpeg, application/json;q=0.5",
            parse=lambda response: check_image(response.content, response.headers.get("content-type", "")),
            operation="DownloadMetricDataImage",
            too_large=_("ask for a smaller chart size."),
            max_bytes=self._max_image_bytes,
        )
        await asyncio.to_thread(check_pixels, image)
        return image

    async def list_metric_infos(self, request: MetricSearchRequest | None = None) -> MetricsResponse:
        """ListMetricInfos, uncached: the metric catalog or part of it. Prefer `catalog()`."""
        body = (request or MetricSearchRequest()).wire_json()
        return await self._call(
            METRICS_PATH,
            body,
            parse=_json_model(MetricsResponse),
            operation="ListMetricInfos",
            too_large=_("the bot's admins may raise SERVICEWATCH_MAX_ANSWER_MB for a catalog this large."),
        )

    async def catalog(self, *, refresh: bool = False) -> Catalog:
        """The whole catalog, cached for `catalog_ttl` seconds (ListMetricInfos is billed per call)."""
        return await self._catalog.get(refresh=refresh)

    async def catalog_within(self, seconds: float) -> Catalog | None:
        """For answers that cannot wait (Slack's type-ahead must answer within 3 s): the catalog held, however old,
        at once, a refresh it needs going on meanwhile; with none held, the fetch for up to `seconds`; else None."""
        return await self._catalog.within(seconds)

    async def list_metric_data(self, request: MetricDataRequest) -> tuple[MetricDataSeries, ...]:
        """ListMetricData: the numbers behind a chart, one series per metric asked."""
        response = await self._call(
            DATA_PATH,
            request.wire_json(),
            parse=_json_model(MetricDataResponse),
            operation="ListMetricData",
            too_large=_("ask for a shorter window or a longer period."),
        )
        return response.metrics

    async def show_alert(self, alert_id: str) -> AlertDetail:
        """ShowAlert (`GET /v1/alerts/{id}`, API 1.2): an alert policy and its state. A deleted or unknown alert is
        NotFoundError, one the keys may not read PermissionDeniedError; retries and errors as every call.

        Raises ValueError, before any call, for an id that is not 1..128 of `A-Z a-z 0-9 . _ : -` (or is `.`/`..`)."""
        if not isinstance(alert_id, str) or not _ALERT_ID.fullmatch(alert_id) or alert_id in (".", ".."):
            raise ValueError(f"{alert_id!r} is not a ServiceWatch alert id (1 to 128 of A-Z a-z 0-9 . _ : -)")
        # ShowAlert exists from API 1.2 on: a client set to 1.0 or 1.1 (for its image bodies) asks for this call
        # alone in 1.2; 1.2 and later are sent as they are.
        version = version_at_least(self.api_version, ALERTS_SINCE)
        return await self._call(
            f"{ALERTS_PATH}/{quote(alert_id, safe='')}",
            None,
            method="GET",
            parse=_json_model(AlertDetail),
            operation="ShowAlert",
            version=version,
            count_as=ALERT_CALLS_KEY,
            forbidden_is_keys=False,  # one alert out of the keys' reach (IAM per policy) is not the keys refused
        )

    async def _fetch_catalog(self) -> Catalog:
        return Catalog.from_response(await self.list_metric_infos())

    # Transport, retries and errors --------------------------------------------------------------------------

    async def _send(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None,
        accept: str,
        max_bytes: int,
        version: str | None = None,
    ) -> httpx.Response:
        """Send `body` (a POST's; None for a GET) to `path`; the answer read as it comes, and no further than
        `max_bytes` decoded: a successful body longer than that raises LimitExceeded (by its Content-Length when it
        has one, before any of it is read), and an error body is cut there (its start says what went wrong). The
        connection is closed either way. `version` overrides the client's Scp-Api-Version for this request."""
        headers = {
            "Accept": accept,
            "Accept-Language": i18n.accept_language(),  # the asker's language (the work under way's)
        }
        if version is not None and version != self.api_version:
            headers["Scp-Api-Version"] = f"servicewatch {version}"
        content = None
        if body is not None:
            headers["Content-Type"] = "application/json"
            content = encode_body(body)
        request = self._http.build_request(method, path, content=content, headers=headers)
        response = await self._http.send(request, stream=True)
        try:
            data = await read_within(response, max_bytes, cut=not response.is_success)
            return _with_body(response, data)
        finally:
            await response.aclose()

    def _transport_error(self, exc: httpx.TransportError) -> ServiceWatchError:
        if _timed_out(exc):
            return APITimeoutError(
                _(
                    "ServiceWatch did not answer in time ({error}); try again, or raise SERVICEWATCH_TIMEOUT if charts "
                    "over long windows are slow."
                ).format(error=type(exc).__name__)
            )
        cause = exc.__cause__ if isinstance(exc.__cause__, aiohttp.ClientError) else exc
        return APIConnectionError(
            _(
                "Could not reach ServiceWatch at {url} ({error}); check the network and SERVICEWATCH_ENDPOINT / "
                "SCP_REGION."
            ).format(url=self.base_url, error=f"{type(cause).__name__}: {cause}")
        )

    async def _call(
        self,
        path: str,
        body: dict[str, Any] | None,
        *,
        parse: Callable[[httpx.Response], T],
        operation: str = "",
        too_large: str = "",
        accept: str = "application/json",
        max_bytes: int | None = None,
        method: str = "POST",
        version: str | None = None,
        count_as: str | None = None,
        forbidden_is_keys: bool = True,
    ) -> T:
        """One call with its retries. `operation`: the call's name in the API reference (default its path), and
        `too_large` what to do instead, for an answer past `max_bytes` (default `max_answer_bytes`; not tried again);
        `version`: the Scp-Api-Version of this call when not the client's;
        `count_as`: the key of `calls` (default the path); `forbidden_is_keys`: whether a 403 says the keys are
        refused (`keys_refused`), rather than this one thing being out of their reach."""
        attempts = self._max_retries + 1
        limit = self._max_answer_bytes if max_bytes is None else max_bytes
        for attempt in range(attempts):
            self.calls[count_as or path] += 1
            started = time.monotonic()
            retry_after: float | None = None
            try:
                response = await self._send(method, path, body, accept, limit, version)
            except LimitExceeded as exc:
                log.warning("servicewatch %s sent more than %d bytes; stopped reading", path, limit)
                hint = too_large or _("the bot's admins may raise SERVICEWATCH_MAX_ANSWER_MB.")
                raise AnswerTooLargeError(operation or path, limit, hint, exc.announced) from None
            except httpx.TransportError as exc:
                error: ServiceWatchError = self._transport_error(exc)
            else:
                log.debug(
                    "servicewatch %s -> %s in %.0f ms (try %d/%d)",
                    path,
                    response.status_code,
                    (time.monotonic() - started) * 1000,
                    attempt + 1,
                    attempts,
                )
                if response.is_success:
                    self.keys_refused = None
                    try:
                        return parse(response)
                    except TruncatedImageError as exc:
                        error = exc
                else:
                    status_error = _status_error(response, version or self.api_version)
                    if isinstance(status_error, AuthenticationError) or (
                        forbidden_is_keys and isinstance(status_error, PermissionDeniedError)
                    ):
                        code = f" {status_error.code}" if status_error.code else ""
                        self.keys_refused = f"ServiceWatch answered {response.status_code}{code} on {path}"
                    if not is_retryable_status(response.status_code):
                        raise status_error
                    if isinstance(status_error, RateLimitError):
                        retry_after = status_error.retry_after
                        if retry_after is not None and retry_after > self._max_retry_after:
                            raise status_error
                    error = status_error
            if attempt == attempts - 1:
                raise error
            delay = backoff_delay(attempt, retry_after, rng=self._rng)
            log.info("servicewatch %s failed (%s); trying again in %.1f s", path, type(error).__name__, delay)
            await self._sleep(delay)
        raise AssertionError("unreachable: the loop returns or raises")


def _with_body(response: httpx.Response, body: bytes) -> httpx.Response:
    """`response` with `body` (read and decoded already) as its content."""
    headers = [(k, v) for k, v in response.headers.multi_items() if k not in ("content-encoding", "content-length")]
    return httpx.Response(response.status_code, headers=headers, content=body, request=response.request)


def _timed_out(exc: httpx.TransportError) -> bool:
    """httpx-aiohttp maps every aiohttp connection error to httpx.ConnectTimeout, a dropped connection included:
    a timeout is one whose cause, if aiohttp's, is a timeout too."""
    if not isinstance(exc, httpx.TimeoutException):
        return False
    cause = exc.__cause__
    return not isinstance(cause, aiohttp.ClientError) or isinstance(cause, TimeoutError)


def _json_model(model: type[T]) -> Callable[[httpx.Response], T]:
    def parse(response: httpx.Response) -> T:
        try:
            return model.model_validate_json(response.content)  # type: ignore[attr-defined, no-any-return]
        except ValidationError as exc:
            snippet = response.content[:200].decode("utf-8", errors="replace")
            raise InvalidResponseError(
                _(
                    "ServiceWatch answered {path} with a body the bot does not understand ({count} problems, first: "
                    "{first}): {snippet}"
                ).format(
                    path=response.request.url.path,
                    count=exc.error_count(),
                    first=exc.errors()[0]["msg"],
                    snippet=snippet,
                )
            ) from None

    return parse


def _status_error(response: httpx.Response, version: str) -> APIStatusError:
    said = read_error_body(response.content, response.headers.get("content-type", ""))
    request_id = said.request_id or response.headers.get("x-request-id") or response.headers.get("scp-request-id")
    hint = None
    if response.status_code in (400, 404) and "version" in f"{said.detail} {said.code}".lower():
        hint = _(
            "ServiceWatch refused API version {version}: set SERVICEWATCH_API_VERSION to a version it supports "
            "(try {versions}; the ServiceWatch API reference lists them)."
        ).format(version=version, versions=_(" or ").join(versions_to_try(version)))
    log.warning(
        "servicewatch %s answered %s %s: %s (request id %s, global request id %s)",
        response.request.url.path,
        response.status_code,
        said.code or "-",
        said.detail or "-",
        request_id or "-",
        said.global_request_id or "-",
    )
    fields: dict[str, Any] = {
        "status_code": response.status_code,
        "detail": said.detail,
        "request_id": request_id,
        "body": said.parsed,
        "code": said.code,
        "global_request_id": said.global_request_id,
        "hint": hint,
    }
    cls = status_error_class(response.status_code)
    if cls is RateLimitError:
        return RateLimitError(retry_after=parse_retry_after(response.headers.get("retry-after")), **fields)
    return cls(**fields)
