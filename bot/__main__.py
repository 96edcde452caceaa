"""`python -m bot`: the bot, and its helper commands (sandbox, check, chart, migrate)."""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
import time
from collections.abc import Sequence

from bot import __version__
from bot.config import Settings, load_settings
from bot.errors import SettingsError
from bot.logs import setup_logging
from bot.sandbox import SANDBOX_ACCESS_KEY, Fault, Sandbox
from bot.services import Services, open_services
from bot.servicewatch import ServiceWatchError

DESCRIPTION = """\
ServiceWatch charts in Slack.

With no command, runs the bot: Socket Mode when SLACK_APP_TOKEN is set, HTTP mode when only
SLACK_SIGNING_SECRET is set, otherwise the local console. With no SCP keys it talks to the
built-in ServiceWatch sandbox. Settings come from the environment or .env (see .env.example).
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot", description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")
    commands.add_parser("run", help="run the bot (the default): Socket Mode, HTTP mode or the console")
    sandbox = commands.add_parser("sandbox", help="run the ServiceWatch sandbox alone, for trying the app without SCP")
    sandbox.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    sandbox.add_argument("--port", type=int, default=8085, help="port to listen on (default: 8085; 0 = any free)")
    sandbox.add_argument("--latency", type=float, default=0.0, help="seconds added to every API call")
    sandbox.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="JSON",
        help='a fault to serve, e.g. \'{"kind": "status", "status": 503, "times": 2}\' (repeatable)',
    )
    commands.add_parser("check", help="validate the settings and make one signed ListMetricInfos call")
    chart = commands.add_parser("chart", help="draw one chart from the shell: the words you would type after /chart")
    chart.add_argument("words", nargs="*", help="what you would type after /chart")
    commands.add_parser("migrate", help="apply the database migrations (also done at start)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `python -m bot` and the `servicewatch-bot` script; returns the exit code."""
    args, extra = build_parser().parse_known_args(argv)
    command = args.command or "run"
    if extra and command != "chart":
        build_parser().error(f"unrecognized arguments: {' '.join(extra)}")
    if command == "sandbox":
        return _run_sandbox(args)
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return 2
    setup_logging(settings.log_level, settings.log_format, secrets=settings.secret_values())
    if command == "check":
        return asyncio.run(_check(settings))
    if command == "run":
        return asyncio.run(_run(settings))
    print(f"`{command}` is not built yet in this version of the bot; see README.md for what works.", file=sys.stderr)
    return 2


# sandbox ------------------------------------------------------------------------------------------------------


def _run_sandbox(args: argparse.Namespace) -> int:
    try:
        faults = [Fault.from_json(_json_object(text)) for text in args.fault]
    except ValueError as exc:
        print(f"--fault: {exc}", file=sys.stderr)
        return 2
    setup_logging("INFO", "text")
    return asyncio.run(_serve_sandbox(args.host, args.port, args.latency, faults))


def _json_object(text: str) -> dict[str, object]:
    import json

    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{text!r} is not JSON ({exc.msg})") from None
    if not isinstance(value, dict):
        raise ValueError(f"{text!r} is not a JSON object")
    return value


async def _serve_sandbox(host: str, port: int, latency: float, faults: list[Fault]) -> int:
    sandbox = Sandbox()
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
    print("  Ctrl-C stops it.", flush=True)
    await _until_signalled()
    await sandbox.stop()
    return 0


async def _until_signalled() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()


# run ----------------------------------------------------------------------------------------------------------


async def _run(settings: Settings) -> int:
    async with open_services(settings) as services:
        print(f"ServiceWatch charts {__version__}")
        for line in describe_settings(settings, services):
            print(line)
        print(
            "\nThis version has the ServiceWatch client and the sandbox; the chat console and the Slack modes come "
            "with the next versions.\nTry `python -m bot check`, or `python -m bot sandbox` to run the sandbox alone."
        )
    return 0


# check --------------------------------------------------------------------------------------------------------


def describe_settings(settings: Settings, services: Services) -> list[str]:
    """The settings that matter, secrets masked, one per line."""
    from sqlalchemy.engine import make_url

    mode = settings.resolved_mode.value
    if settings.bot_mode.value == "auto":
        mode += " (auto)"
    keys = "none: the sandbox's keys" if settings.scp_access_key is None else "set (SCP_ACCESS_KEY, SCP_SECRET_KEY)"
    return [
        f"  mode:          {mode}",
        f"  ServiceWatch:  {services.servicewatch_label}",
        f"  API version:   servicewatch {settings.servicewatch_api_version}, language {settings.scp_language}",
        f"  SCP keys:      {keys}" + (f", account {settings.scp_account_id}" if settings.scp_account_id else ""),
        f"  database:      {make_url(settings.database_url).render_as_string(hide_password=True)}",
        f"  timezone:      {settings.bot_timezone}; default window {settings.chart_default_window}; "
        f"size {settings.chart_width}x{settings.chart_height}",
    ]


async def _check(settings: Settings) -> int:
    async with open_services(settings) as services:
        print(f"ServiceWatch charts {__version__}: the settings are valid.")
        for line in describe_settings(settings, services):
            print(line)
        started = time.monotonic()
        try:
            response = await services.servicewatch.list_metric_infos()
        except ServiceWatchError as exc:
            print(f"ListMetricInfos: FAILED after {time.monotonic() - started:.1f} s\n  {exc}")
            return 1
        metrics = {(m.namespace_name, m.name) for ns in response.namespaces for g in ns.dimensions for m in g.metrics}
        print(
            f"ListMetricInfos: OK in {(time.monotonic() - started) * 1000:.0f} ms: {len(response.namespaces)} "
            f"namespaces, {len(metrics)} metrics, {response.count} metric/resource entries"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
