"""A ServiceWatch-compatible server on loopback, with synthetic data, real PNG charts and injectable faults.

Same paths, headers, signature check and error body shape as ServiceWatch, so the bot's client talks
to it unchanged. `/_sandbox/…` (unsigned, loopback only) lets tests add latency and faults, and change alerts.

The API: `POST /v1/metrics` (ListMetricInfos, each metric with its `alerts: [{id, name}]`), `POST /v1/metrics/data`,
`POST /v1/metrics/data/download/image` (its words in the call's Accept-Language: Korean for `ko-KR`, else English),
and `GET /v1/alerts/{id}` (ShowAlert, API 1.2 and later; a 400 under 1.0 and 1.1). Control, from loopback only:

- `GET /_sandbox/health`, `GET /_sandbox/stats` (calls per path, every ShowAlert under `/v1/alerts`; `sent`: bytes
  of oversized answers written per path, which stop when the client hangs up);
- `POST /_sandbox/faults` (a fault or a list; `path` `/v1/alerts` means every ShowAlert; the kinds in
  `bot/sandbox/faults.py`: errors, timeouts, resets, wrong bodies, oversized and gzip-bomb answers, broken images),
  `DELETE /_sandbox/faults`;
- `PUT /_sandbox/latency` `{"seconds": N}`;
- `POST /_sandbox/keys` `{"access_key", "secret_key", "account_id"?}`: one more key pair accepted (an SCP account of
  its own; `Sandbox(keys={access: secret})` in process); each call is checked with the secret of the access key it
  names, and `Sandbox.signed_by` lists the access key of every call accepted;
- `GET /_sandbox/alerts`: every alert with its `level`, `state`, `changed_at` (epoch seconds of the last state change),
  `deleted`, `forbidden` and `history` (`[[when, state], …]`);
- `PUT /_sandbox/alerts/{id}` with any of `{"state": "ALERT"}` (any string; `ALERT` fires, and the
  metric's series of that resource breaches the rule from then on until another state), `{"deleted": true}`
  (ShowAlert answers 404 and ListMetricInfos no longer lists it; false brings it back), `{"forbidden": true}`
  (ShowAlert answers 403). `Sandbox(extra_alerts=N)` (`python -m bot sandbox --alerts N`) adds N generated
  policies (`synthetic-0001 …`) for benchmarks, with the same routes. In-process: `Sandbox.set_alert_state`,
  `update_alert`, `alert_ids`, `alert_calls`.
"""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
import json
import logging
import re
import secrets
import threading
import time
import uuid
from collections import Counter, deque
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, date, datetime
from typing import Any

from aiohttp import web

from bot.drawing.render import PlotSeries, draw_line_chart, to_png
from bot.i18n import _, language_of, speaking
from bot.sandbox import catalog as sandbox_catalog
from bot.sandbox.alerts import ALERTS, AlertBook, AlertState, synthetic_alerts
from bot.sandbox.bad_answers import as_jpeg, cut_png, garbage_png, gzipped, huge_png, oversized_body
from bot.sandbox.faults import ALERTS_PATH, API_PATHS, Fault, FaultPlan, path_matches
from bot.sandbox.series import MAX_POINTS, points_count, series
from bot.sandbox.signature import expected_signature
from bot.sandbox.validation import body_problems

log = logging.getLogger(__name__)

SANDBOX_ACCESS_KEY = "sandbox-access-key"
SANDBOX_SECRET_KEY = "sandbox-secret-key"
DEFAULT_VERSION = "1.2"  # what ServiceWatch calls when Scp-Api-Version is absent: the CURRENT version
# The API reference's version table (2026-11): status and "Not Before" date. Later ones (1.3, 1.5 …) keep the 1.1
# body as far as is known. "Deprecated versions with Not Before dates that have arrived or expired are no longer
# supported": the sandbox refuses them with a 400 naming the version. How the live service words that refusal,
# and its status code, are a guess.
VERSION_TABLE: dict[str, tuple[str, date | None]] = {
    "1.0": ("DEPRECATED", date(2026, 6, 30)),
    "1.1": ("SUPPORTED", date(2026, 8, 31)),
    "1.2": ("CURRENT", None),
}
_VERSION = re.compile(r"1\.(0|[1-9][0-9]*)")
ALERTS_SINCE = 2  # ShowAlert is in the API reference from 1.2 on (the minor version)
MAX_METRICS = 10
_render_lock = threading.Lock()  # matplotlib is not thread-safe; renders run one at a time off the event loop
# Stock images: one drawing per size and language for every sandbox of the process.
_STOCK: dict[tuple[int, int, str], bytes] = {}

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class SandboxError(Exception):
    """An error answered with ServiceWatch's error body."""

    def __init__(self, status: int, *details: str, headers: dict[str, str] | None = None) -> None:
        super().__init__("; ".join(details))
        self.status = status
        self.details = details
        self.headers = headers or {}


# ServiceWatch's error codes are documented nowhere; ValidationError is the one seen live (a 400). The others are
# guesses in the same style.
ERROR_CODES = {400: "ValidationError", 401: "Unauthorized", 403: "Forbidden", 404: "NotFound", 429: "TooManyRequests"}


def error_response(
    status: int, details: tuple[str, ...] | list[str], headers: dict[str, str] | None = None
) -> web.Response:
    """ServiceWatch's error body as seen live: `{"errors": [{"code", "title", "detail": [...], "status",
    "request_id", "global_request_id"}]}`; the request ids are new for every answer."""
    code = ERROR_CODES.get(status, "InternalServerError" if status >= 500 else "Error")
    item = {
        "code": code,
        "title": code,
        "detail": list(details),
        "status": status,
        "request_id": f"req-{secrets.token_hex(8)}",
        "global_request_id": str(uuid.uuid4()),
    }
    return web.json_response({"errors": [item]}, status=status, headers=headers)


class Sandbox:
    """The sandbox server. `await start()` returns its base URL; `await stop()` ends it."""

    def __init__(
        self,
        *,
        access_key: str = SANDBOX_ACCESS_KEY,
        secret_key: str = SANDBOX_SECRET_KEY,
        account_id: str = "",
        keys: Mapping[str, str] | None = None,
        max_clock_skew: float = 300.0,
        min_size: tuple[int, int] | None = None,
        stock_images: bool = False,
        clock: Callable[[], float] = time.time,
        as_of: date | None = None,
        extra_alerts: int = 0,
    ) -> None:
        self.access_key = access_key
        # Every key pair accepted: access key → (secret key, account id). The stock pair is always one of them.
        self._keys: dict[str, tuple[str, str]] = {access: (secret, "") for access, secret in (keys or {}).items()}
        self._keys[access_key] = (secret_key, account_id)
        self.signed_by: list[str] = []  # the access key of each call whose signature was accepted, in order
        self._max_clock_skew = max_clock_skew
        self._min_size = min_size
        self.stock_images = stock_images  # one drawing per size, served for every chart (benchmarks, timing tests)
        self._clock = clock
        self.as_of = as_of  # the day the version table is read on (None: today); tests of 1.0 bodies set an earlier one
        self.plan = FaultPlan()
        self.calls: Counter[str] = Counter()
        self.sent: Counter[str] = Counter()  # bytes of `oversize` bodies written, per path
        # The last image bodies accepted, as sent (tests read the title, size and timezone the bot asked for).
        self.image_requests: deque[dict[str, Any]] = deque(maxlen=100)
        self.languages: Counter[str] = Counter()  # calls per Accept-Language (the asker's language reaching the API)
        self.in_flight = 0
        self.peak_in_flight = 0
        # `extra_alerts` generated policies (benchmarks) beside the stock ones: `synthetic_alerts`.
        self.alerts = AlertBook(clock, ALERTS + synthetic_alerts(extra_alerts))
        self._runner: web.AppRunner | None = None
        self.url = ""

    # Life cycle -------------------------------------------------------------------------------------------

    def make_app(self) -> web.Application:
        app = web.Application(client_max_size=1024 * 1024)
        app.router.add_post("/v1/metrics", self._api(self._list_metric_infos))
        app.router.add_post("/v1/metrics/data", self._api(self._list_metric_data))
        app.router.add_post("/v1/metrics/data/download/image", self._api(self._download_image))
        app.router.add_get("/v1/alerts/{alert_id}", self._api(self._show_alert))
        app.router.add_get("/_sandbox/health", _loopback_only(self._health))
        app.router.add_get("/_sandbox/stats", _loopback_only(self._stats))
        app.router.add_post("/_sandbox/faults", _loopback_only(self._add_faults))
        app.router.add_delete("/_sandbox/faults", _loopback_only(self._clear_faults))
        app.router.add_put("/_sandbox/latency", _loopback_only(self._set_latency))
        app.router.add_post("/_sandbox/keys", _loopback_only(self._add_key))
        app.router.add_get("/_sandbox/alerts", _loopback_only(self._list_alerts))
        app.router.add_put("/_sandbox/alerts/{alert_id}", _loopback_only(self._change_alert))
        return app

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Listen on `host:port` (port 0: any free one) and return the base URL."""
        # A request whose client gave up is cancelled, as a real server stops work nobody waits for; a held
        # (`timeout`) fault then ends with its client instead of holding up the shutdown.
        self._runner = web.AppRunner(
            self.make_app(), access_log=None, handle_signals=False, shutdown_timeout=1.0, handler_cancellation=True
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        server = site._server
        assert server is not None
        bound = server.sockets[0].getsockname()  # type: ignore[attr-defined]
        self.url = f"http://{host}:{bound[1]}"
        return self.url

    def add_key(self, access_key: str, secret_key: str, account_id: str = "") -> None:
        """Accept one more key pair (an SCP account of its own); what `POST /_sandbox/keys` does."""
        self._keys[access_key] = (secret_key, account_id)

    # Alerts, in process -----------------------------------------------------------------------------------

    def alert_ids(self) -> tuple[str, ...]:
        """The id of every alert policy of the sandbox (deleted ones too)."""
        return self.alerts.ids()

    def set_alert_state(self, alert_id: str, state: str, *, at: float | None = None) -> None:
        """Set an alert's state (any string; only `ALERT` fires), recorded at `at` (default now)."""
        self.alerts.update(alert_id, state=state, at=at)

    def update_alert(
        self, alert_id: str, *, state: str | None = None, deleted: bool | None = None, forbidden: bool | None = None
    ) -> AlertState:
        """What `PUT /_sandbox/alerts/{id}` does; KeyError for an unknown id."""
        return self.alerts.update(alert_id, state=state, deleted=deleted, forbidden=forbidden)

    @property
    def alert_calls(self) -> int:
        """ShowAlert calls answered or refused, every alert together (`calls` has them per path)."""
        return sum(count for path, count in self.calls.items() if path_matches(ALERTS_PATH, path))

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    # The API ----------------------------------------------------------------------------------------------

    def _api(self, handler: Callable[[web.Request, Any, str], Awaitable[web.StreamResponse]]) -> Handler:
        async def wrapped(request: web.Request) -> web.StreamResponse:
            self.in_flight += 1
            self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
            try:
                return await serve(request)
            finally:
                self.in_flight -= 1

        async def serve(request: web.Request) -> web.StreamResponse:
            path = request.path
            self.calls[path] += 1
            self.languages[request.headers.get("Accept-Language", "")] += 1
            if self.plan.latency:
                await self.plan.hold(self.plan.latency)  # cleared with the plan, like a `timeout` fault
            fault = self.plan.take(path)
            if fault is not None:
                faulty = await self._serve_fault(request, fault)
                if faulty is not None:
                    return faulty
            try:
                self._verify_signature(request)
                version = self._version(request)
                try:
                    body = json.loads(await request.read() or b"{}")
                except (json.JSONDecodeError, UnicodeDecodeError):
                    raise SandboxError(400, "The request body is not valid JSON") from None
                response = await handler(request, body, version)
            except SandboxError as exc:
                return error_response(exc.status, exc.details, exc.headers)
            if fault is not None and isinstance(response, web.Response) and response.body:
                return _spoilt(fault, response)
            return response

        return wrapped

    async def _serve_fault(self, request: web.Request, fault: Fault) -> web.StreamResponse | None:
        if fault.kind == "status":
            headers = {"Retry-After": fault.retry_after} if fault.retry_after is not None else None
            return error_response(fault.status, [fault.detail], headers)
        if fault.kind == "timeout":
            await self.plan.hold(fault.delay)
            return None
        if fault.kind == "reset":
            if request.transport is not None:
                request.transport.abort()
            raise asyncio.CancelledError  # nothing may be written to a dropped connection
        if fault.kind == "html":
            page = "<!DOCTYPE html><html><head><title>Sign in</title></head><body>Please sign in</body></html>"
            return web.Response(text=page, content_type="text/html")
        if fault.kind == "json":
            return web.json_response({"message": "image generation queued (injected by the sandbox)"})
        if fault.kind == "empty":
            return web.Response(body=b"", content_type="image/png")
        if fault.kind == "oversize":
            return await self._serve_oversized(request, fault)
        if fault.kind == "garbage":
            return web.Response(body=garbage_png(), content_type="image/png")
        if fault.kind == "huge":
            body = await asyncio.to_thread(huge_png, fault.width, fault.height)
            return web.Response(body=body, content_type="image/png")
        return None  # truncate, cut, jpeg: served by changing the real answer

    async def _serve_oversized(self, request: web.Request, fault: Fault) -> web.StreamResponse:
        """`fault.size` bytes, a chunk at a time, each counted in `sent` once written; ends early if the client
        hangs up."""
        image = request.path == "/v1/metrics/data/download/image"
        start = b"\x89PNG\r\n\x1a\n" if image else b'{"metrics": ['
        response = web.StreamResponse(headers={"Content-Type": "image/png" if image else "application/json"})
        chunks = oversized_body(fault.size, start)
        if fault.gzip:
            response.headers["Content-Encoding"] = "gzip"
            chunks = gzipped(chunks)
        elif fault.length:
            response.content_length = fault.size
        await response.prepare(request)
        for chunk in chunks:
            await response.write(chunk)
            self.sent[request.path] += len(chunk)
        await response.write_eof()
        return response

    def _verify_signature(self, request: web.Request) -> None:
        headers = request.headers
        for name in ("Scp-Accesskey", "Scp-Signature", "Scp-Timestamp", "Scp-ClientType"):
            if not headers.get(name):
                raise SandboxError(401, f"Missing header {name}")
        if headers["Scp-ClientType"] != "Openapi":
            raise SandboxError(401, "Scp-ClientType must be Openapi")
        access_key = headers["Scp-Accesskey"]
        known = next((pair for key, pair in self._keys.items() if hmac.compare_digest(access_key, key)), None)
        if known is None:
            raise SandboxError(401, "Unknown access key")
        secret_key, account_id = known
        timestamp = headers["Scp-Timestamp"]
        if not (timestamp.isascii() and timestamp.isdigit()):
            raise SandboxError(401, "Scp-Timestamp must be epoch milliseconds")
        skew = abs(int(timestamp) / 1000 - self._clock())
        if skew > self._max_clock_skew:
            raise SandboxError(401, f"Scp-Timestamp is {skew:.0f} s away from the server clock")
        url = f"{request.scheme}://{request.host}{request.raw_path}"
        expected = expected_signature(request.method, url, timestamp, access_key, secret_key, account_id)
        if not hmac.compare_digest(headers["Scp-Signature"], expected):
            raise SandboxError(401, "Signature mismatch: the secret key or the string to sign is wrong")
        self.signed_by.append(access_key)

    def _version(self, request: web.Request) -> str:
        header = request.headers.get("Scp-Api-Version")
        if header is None:
            return DEFAULT_VERSION
        service, _, version = header.partition(" ")
        if service != "servicewatch" or not _VERSION.fullmatch(version):
            raise SandboxError(400, f"Unsupported Scp-Api-Version {header!r}; use 'servicewatch 1.2'")
        status, not_before = VERSION_TABLE.get(version, ("CURRENT", None))
        today = self.as_of or datetime.fromtimestamp(self._clock(), UTC).date()
        if status == "DEPRECATED" and not_before is not None and today >= not_before:
            raise SandboxError(
                400, f"API version servicewatch {version} is no longer supported (deprecated, not before {not_before})"
            )
        return version

    async def _list_metric_infos(self, request: web.Request, body: Any, version: str) -> web.StreamResponse:
        search = _checked("metric-search-request", body)
        return web.json_response(
            sandbox_catalog.list_metric_infos(
                metric_name=search.get("metric_name"),
                namespaces=[ns["name"] for ns in search["namespaces"]] if search.get("namespaces") else None,
                resource_id=search.get("resource_id"),
                resource_name=search.get("resource_name"),
                alerts=self.alerts.refs,
            )
        )

    async def _list_metric_data(self, request: web.Request, body: Any, version: str) -> web.StreamResponse:
        data_request = _checked("metric-data-request", body)
        found = [self._series_for(item, data_request) for item in data_request["metrics"]]
        return web.json_response(
            {
                "metrics": [
                    {"display_name": label, "status": "", "values": json.dumps([[t, str(v)] for t, v in points])}
                    for label, points in found
                ]
            }
        )

    async def _download_image(self, request: web.Request, body: Any, version: str) -> web.StreamResponse:
        chart = _checked("image-request-1.0" if version == "1.0" else "image-request-1.1", body)
        width, height = chart.get("width") or 1400, chart.get("height") or 500
        if self._min_size and (width < self._min_size[0] or height < self._min_size[1]):
            raise SandboxError(400, f"width must be ≥ {self._min_size[0]} and height ≥ {self._min_size[1]}")
        lines = []
        for item in chart["metrics"]:
            label, points = self._series_for(item, chart)
            lines.append(PlotSeries(label=label, points=points, color=item.get("color")))
        self.image_requests.append(chart)
        found = (sandbox_catalog.find_metric(item["namespace_name"], item["name"]) for item in chart["metrics"])
        units = {metric.unit for _, metric in filter(None, found)}
        unit = units.pop() if len(units) == 1 else ""
        lang = language_of(request.headers.get("Accept-Language"))  # like ServiceWatch, it draws in the asker's
        zone = chart.get("timezone") or "UTC"
        start, end = chart["start"], chart["end"]

        def draw() -> bytes:
            with _render_lock, speaking(lang):
                title = chart.get("title") or _("ServiceWatch Metric Chart")
                return to_png(
                    draw_line_chart(
                        lines, title=title, start=start, end=end, timezone=zone, width=width, height=height, unit=unit
                    )
                )

        if not self.stock_images:
            return web.Response(body=await asyncio.to_thread(draw), content_type="image/png")
        # Benchmarks and tests: one drawing per size, so the sandbox's matplotlib does not compete with the bot for CPU.
        png = _STOCK.get((width, height, lang))
        if png is None:
            png = _STOCK[(width, height, lang)] = await asyncio.to_thread(draw)
        return web.Response(body=png, content_type="image/png")

    def _series_for(self, item: dict[str, Any], chart: dict[str, Any]) -> tuple[str, list[tuple[int, float]]]:
        if len(chart["metrics"]) > MAX_METRICS:
            raise SandboxError(400, f"At most {MAX_METRICS} metrics per request; {len(chart['metrics'])} were sent")
        namespace, name = item["namespace_name"], item["name"]
        found = sandbox_catalog.find_metric(namespace, name)
        if found is None:
            known = {group.namespace for group in sandbox_catalog.GROUPS}
            if namespace not in known:
                raise SandboxError(400, f"Namespace '{namespace}' does not exist")
            raise SandboxError(400, f"Metric '{name}' does not exist in namespace '{namespace}'")
        group, metric = found
        dimensions = {d["key"]: d["value"] for d in item["dimensions"]}
        wrong_keys = sorted(set(dimensions) - set(group.keys))
        if wrong_keys:
            raise SandboxError(
                400, f"Dimension key {', '.join(wrong_keys)} is not valid for '{name}'; use {', '.join(group.keys)}"
            )
        period = item.get("period") or chart["period"]
        start, end = chart["start"], chart["end"]
        if points_count(start, end, period) > MAX_POINTS:
            raise SandboxError(
                400, f"The window holds more than {MAX_POINTS} periods of {period} s; use a longer period"
            )
        resource = sandbox_catalog.find_resource(group, dimensions)
        label = item.get("display_name") or f"{group.namespace} | {resource.name if resource else '?'} | {metric.name}"
        if resource is None or not resource.reporting:
            return label, []  # like ServiceWatch: an unknown or stopped resource is no error, just no data
        statistic = item.get("statistic_type") or chart["statistic_type"]
        points = series(metric, resource, start=start, end=end, period=period, statistic=statistic)
        return label, self.alerts.lift(
            group.namespace,
            metric.name,
            resource.name,
            points,
            period=period,
            statistic=statistic,
            ceiling=metric.profile.ceiling,
        )

    async def _show_alert(self, request: web.Request, body: Any, version: str) -> web.StreamResponse:
        if int(version.split(".")[1]) < ALERTS_SINCE:
            raise SandboxError(
                400, f"ShowAlert is not available in API version servicewatch {version}; it exists from 1.2"
            )
        alert_id = request.match_info["alert_id"]
        alert = self.alerts.alerts.get(alert_id)
        held = self.alerts.states.get(alert_id)
        if alert is None or held is None or held.deleted:
            raise SandboxError(404, f"Alert '{alert_id}' does not exist")
        if held.forbidden:
            raise SandboxError(403, f"You do not have permission to read alert '{alert_id}'")
        return web.json_response(alert.detail(held.state))

    # Control ----------------------------------------------------------------------------------------------

    async def _health(self, request: web.Request) -> web.StreamResponse:
        return web.json_response({"ok": True})

    async def _stats(self, request: web.Request) -> web.StreamResponse:
        calls = {path: self.calls[path] for path in API_PATHS}
        calls[ALERTS_PATH] = self.alert_calls
        return web.json_response({"calls": calls, "faults": len(self.plan.faults), "sent": dict(self.sent)})

    async def _add_faults(self, request: web.Request) -> web.StreamResponse:
        try:
            payload = await request.json()
            items = payload if isinstance(payload, list) else [payload]
            faults = [Fault.from_json(item) for item in items]
        except (json.JSONDecodeError, TypeError, ValueError) as exc:
            return error_response(400, [f"Bad fault: {exc}"])
        for fault in faults:
            self.plan.add(fault)
        return web.json_response({"queued": len(self.plan.faults)})

    async def _clear_faults(self, request: web.Request) -> web.StreamResponse:
        self.plan.clear()
        return web.json_response({"queued": 0})

    async def _set_latency(self, request: web.Request) -> web.StreamResponse:
        try:
            seconds = float((await request.json())["seconds"])
            if not 0 <= seconds <= 600:
                raise ValueError(seconds)
        except (json.JSONDecodeError, KeyError, TypeError, ValueError):
            return error_response(400, ['Send {"seconds": N} with 0 ≤ N ≤ 600'])
        self.plan.latency = seconds
        return web.json_response({"latency": seconds})

    async def _add_key(self, request: web.Request) -> web.StreamResponse:
        usage = 'Send {"access_key": "…", "secret_key": "…"} and optionally "account_id"'
        try:
            body = await request.json()
            access, secret, account = body["access_key"], body["secret_key"], body.get("account_id", "")
        except (json.JSONDecodeError, KeyError, TypeError, AttributeError):
            return error_response(400, [usage])
        if not all(isinstance(value, str) for value in (access, secret, account)) or not access or not secret:
            return error_response(400, [usage])
        self.add_key(access, secret, account)
        return web.json_response({"access_key": access, "keys": len(self._keys)})

    async def _list_alerts(self, request: web.Request) -> web.StreamResponse:
        return web.json_response({"alerts": [self.alerts.view(alert_id) for alert_id in self.alerts.ids()]})

    async def _change_alert(self, request: web.Request) -> web.StreamResponse:
        alert_id = request.match_info["alert_id"]
        if alert_id not in self.alerts.alerts:
            return error_response(404, [f"Alert '{alert_id}' does not exist; GET /_sandbox/alerts lists them"])
        usage = 'Send a JSON object with any of {"state": "ALERT"}, {"deleted": true}, {"forbidden": true}'
        try:
            change = await request.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            return error_response(400, [usage])
        if not isinstance(change, dict) or not change or set(change) - {"state", "deleted", "forbidden"}:
            return error_response(400, [usage])
        state, deleted, forbidden = change.get("state"), change.get("deleted"), change.get("forbidden")
        if (state is not None and not isinstance(state, str)) or any(
            flag is not None and not isinstance(flag, bool) for flag in (deleted, forbidden)
        ):
            return error_response(400, [f"{usage}: state a string, deleted and forbidden true or false"])
        self.alerts.update(alert_id, state=state, deleted=deleted, forbidden=forbidden)
        return web.json_response(self.alerts.view(alert_id))


def _is_loopback(address: str | None) -> bool:
    """Whether `address` (a peer's IP address) is this machine's own: 127.0.0.0/8 or ::1, IPv4-mapped or not."""
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_loopback


def _loopback_only(handler: Handler) -> Handler:
    """A control endpoint: it changes how the sandbox answers everyone, so only this machine may call it (the
    sandbox may listen on every interface, `--host 0.0.0.0`)."""

    async def guarded(request: web.Request) -> web.StreamResponse:
        if not _is_loopback(request.remote):
            return error_response(
                403,
                [
                    "The sandbox's control endpoints (/_sandbox/…) take requests only from loopback (127.0.0.0/8, "
                    f"::1); this one came from {request.remote}"
                ],
            )
        return await handler(request)

    return guarded


def _checked(schema: str, body: Any) -> dict[str, Any]:
    """`body` when it fits the API reference's schema; else a 400 listing every problem, as ServiceWatch does."""
    problems = body_problems(schema, body)
    if problems:
        raise SandboxError(400, *problems)
    assert isinstance(body, dict)
    return body


def _spoilt(fault: Fault, response: web.Response) -> web.Response:
    """The real answer changed as `fault` says (truncate, cut, jpeg); as it is for any other fault."""
    data = bytes(response.body)  # type: ignore[arg-type]
    if fault.kind == "truncate":
        return web.Response(body=data[: len(data) // 2], content_type=response.content_type)
    if fault.kind == "cut" and response.content_type == "image/png":
        return web.Response(body=cut_png(data), content_type="image/png")
    if fault.kind == "jpeg" and response.content_type == "image/png":
        return web.Response(body=as_jpeg(data), content_type="image/jpeg")
    return response
