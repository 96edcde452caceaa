"""`python -m bot sandbox`: the ServiceWatch sandbox alone."""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys

from bot.logs import setup_logging
from bot.sandbox import SANDBOX_ACCESS_KEY, Fault, Sandbox


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sandbox = commands.add_parser("sandbox", help="run the ServiceWatch sandbox alone, for trying the app without SCP")
    sandbox.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    sandbox.add_argument("--port", type=int, default=8085, help="port to listen on (default: 8085; 0 = any free)")
    sandbox.add_argument("--latency", type=float, default=0.0, help="seconds added to every API call")
    sandbox.add_argument(
        "--stock-images",
        action="store_true",
        help="draw one image per size and serve it for every chart (benchmarks: keeps the CPU for the bot)",
    )
    sandbox.add_argument(
        "--alerts",
        type=int,
        default=0,
        metavar="N",
        help="add N generated alert policies (synthetic-0001 …) beside the stock ones (benchmarks)",
    )
    sandbox.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="JSON",
        help='a fault to serve, e.g. \'{"kind": "status", "status": 503, "times": 2}\' (repeatable)',
    )


def run(args: argparse.Namespace) -> int:
    try:
        faults = [Fault.from_json(_json_object(text)) for text in args.fault]
    except ValueError as exc:
        print(f"--fault: {exc}", file=sys.stderr)
        return 2
    setup_logging("INFO", "text")
    if args.alerts < 0:
        print("--alerts: must be 0 or more", file=sys.stderr)
        return 2
    return asyncio.run(
        _serve(args.host, args.port, args.latency, faults, stock_images=args.stock_images, alerts=args.alerts)
    )


def _json_object(text: str) -> dict[str, object]:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{text!r} is not JSON ({exc.msg})") from None
    if not isinstance(value, dict):
        raise ValueError(f"{text!r} is not a JSON object")
    return value


async def _serve(
    host: str, port: int, latency: float, faults: list[Fault], *, stock_images: bool = False, alerts: int = 0
) -> int:
    sandbox = Sandbox(stock_images=stock_images, extra_alerts=alerts)
    sandbox.plan.latency = latency
    for fault in faults:
        sandbox.plan.add(fault)
    try:
        url = await sandbox.start(host, port)
    except OSError as exc:
        print(f"Cannot listen on {host}:{port}: {exc.strerror}. Pick another --port.", file=sys.stderr)
        return 1
    print(f"ServiceWatch sandbox listening on {url}")
    print(f"  access key {SANDBOX_ACCESS_KEY!r}; the bot signs with the sandbox keys when no SCP keys are set.")
    print(f"  Point the bot at it: SERVICEWATCH_ENDPOINT={url} python -m bot")
    print(
        f"  Faults and latency: POST {url}/_sandbox/faults, PUT {url}/_sandbox/latency; stats: GET {url}/_sandbox/stats"
    )
    print(f"""  Alerts: GET {url}/_sandbox/alerts, PUT {url}/_sandbox/alerts/<id> {{"state": "ALERT"}}""")
    print("  Ctrl-C stops it.", flush=True)
    await until_signalled()
    await sandbox.stop()
    return 0


async def until_signalled() -> None:
    """Wait for SIGINT or SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
