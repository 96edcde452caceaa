"""Faults the sandbox can be told to answer with, for tests and benchmarks."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from typing import Any, Literal

FaultKind = Literal[
    "status", "timeout", "reset", "html", "json", "empty", "truncate", "oversize", "garbage", "cut", "huge", "jpeg"
]
FAULT_KINDS: tuple[str, ...] = (
    "status",
    "timeout",
    "reset",
    "html",
    "json",
    "empty",
    "truncate",
    "oversize",
    "garbage",
    "cut",
    "huge",
    "jpeg",
)
ALERTS_PATH = "/v1/alerts"  # as a fault's path or in the stats: every ShowAlert, `GET /v1/alerts/{id}`
API_PATHS = ("/v1/metrics", "/v1/metrics/data", "/v1/metrics/data/download/image", ALERTS_PATH)


def path_matches(path: str, request_path: str) -> bool:
    """Whether `request_path` is `path`, or (for ALERTS_PATH) a ShowAlert of any alert."""
    return request_path == path or (path == ALERTS_PATH and request_path.startswith(ALERTS_PATH + "/"))


@dataclass
class Fault:
    """One planned misbehaviour, used up after `times` matching requests (`times=0`: forever).

    - `status`: answer `status` with the ServiceWatch error body (`detail`), and `Retry-After` when given;
    - `timeout`: hold the request `delay` seconds (or until the faults are cleared), then answer normally;
    - `reset`: drop the connection without answering;
    - `html` / `json` / `empty`: answer 200 with a login page, a JSON message, or nothing, instead of a PNG;
    - `truncate`: answer 200 with only the first half of the PNG;
    - `oversize`: answer 200 with `size` bytes (a JSON or PNG start, then spaces), streamed, with its Content-Length
      when `length`, gzip-encoded (a bomb: about 1,000 to one) when `gzip`; the bytes written are counted (`sent`);
    - `garbage`: a PNG signature, noise and an IEND; `cut`: the chart cut short, an IEND put back after;
    - `huge`: a real PNG of `width` × `height` pixels, small on the wire; `jpeg`: the chart as a JPEG (no fault).
    """

    kind: FaultKind
    path: str | None = None
    status: int = 500
    detail: str = "Internal server error (injected by the sandbox)"
    retry_after: str | None = None
    delay: float = 60.0
    times: int = 1
    size: int = 200 * 1024 * 1024
    length: bool = True
    gzip: bool = False
    width: int = 20_000
    height: int = 20_000

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Fault:
        """A fault from the control endpoint's JSON; raises ValueError naming what is wrong."""
        kind = data.get("kind")
        if kind not in FAULT_KINDS:
            raise ValueError(f"kind must be one of {', '.join(FAULT_KINDS)}")
        path = data.get("path")
        if path is not None and path not in API_PATHS:
            raise ValueError(f"path must be one of {', '.join(API_PATHS)} (or absent for all)")
        allowed = {
            "kind",
            "path",
            "status",
            "detail",
            "retry_after",
            "delay",
            "times",
            "size",
            "length",
            "gzip",
            "width",
            "height",
        }
        unknown = set(data) - allowed
        if unknown:
            raise ValueError(f"unknown fields: {', '.join(sorted(unknown))}")
        fault = cls(**data)
        if not 100 <= int(fault.status) <= 599 or fault.times < 0 or fault.delay < 0:
            raise ValueError("status must be 100..599, times ≥ 0 and delay ≥ 0")
        if not (0 <= fault.size <= 2**34 and 1 <= fault.width <= 10**6 and 1 <= fault.height <= 10**6):
            raise ValueError("size must be 0..2**34 bytes, width and height 1..1,000,000")
        return fault


@dataclass
class FaultPlan:
    """Faults waiting to be served, in order, and a latency added to every API call."""

    faults: list[Fault] = field(default_factory=list)
    latency: float = 0.0
    _released: asyncio.Event = field(default_factory=asyncio.Event, repr=False)

    def add(self, fault: Fault) -> None:
        self.faults.append(fault)

    def clear(self) -> None:
        """No more faults nor latency; the requests held by the latency or by `timeout` faults are answered now."""
        self.faults.clear()
        self.latency = 0.0
        self._released.set()
        self._released = asyncio.Event()

    async def hold(self, seconds: float) -> None:
        """Hold a request for `seconds`, or until the plan is cleared."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._released.wait(), seconds)

    def take(self, path: str) -> Fault | None:
        """The next fault for a request to `path`, counting it as used."""
        for fault in self.faults:
            if fault.path is None or path_matches(fault.path, path):
                if fault.times == 1:
                    self.faults.remove(fault)
                elif fault.times > 1:
                    fault.times -= 1
                return fault
        return None
