"""`python -m bot`: the bot, and its helper commands (sandbox, check, chart, migrate)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence

from bot import __version__
from bot.cli import chart as chart_cli
from bot.cli import check as check_cli
from bot.cli import keys as keys_cli
from bot.cli import migrate as migrate_cli
from bot.cli import sandbox as sandbox_cli
from bot.config import Settings, load_settings
from bot.errors import SettingsError
from bot.i18n import speaking
from bot.logs import setup_logging
from bot.run import run

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
    sandbox_cli.add_parser(commands)
    commands.add_parser(
        "check",
        help="validate the settings, then check the database, ServiceWatch (one signed call) and Slack's tokens",
    )
    commands.add_parser("chart", help="one chart from the shell: the words you would type after /chart", add_help=False)
    commands.add_parser("migrate", help="apply the database migrations (also done at start)")
    commands.add_parser("new-key", help="print a new key for SECRETS_KEYS (the key that seals stored secrets)")
    commands.add_parser(
        "rotate-key", help="reseal every stored secret with the first key of SECRETS_KEYS (then drop the old keys)"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `python -m bot` and the `servicewatch-bot` script; returns the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "chart":  # chart words such as `-3h` must not be read as flags
        command, rest = "chart", argv[1:]
    else:
        args = build_parser().parse_args(argv)
        command, rest = args.command or "run", []
        if command == "sandbox":
            return sandbox_cli.run(args)
        if command == "new-key":
            return keys_cli.print_new_key()
    settings = _settings()
    if settings is None:
        return 2
    setup_logging(settings.log_level, settings.log_format, secrets=settings.secret_values())
    with speaking(settings.local_language):  # the command line's messages (the Slack modes speak each person's)
        if command == "check":
            return asyncio.run(check_cli.check(settings))
        if command == "chart":
            return asyncio.run(chart_cli.chart(settings, rest))
        if command == "migrate":
            return asyncio.run(migrate_cli.migrate(settings))
        if command == "rotate-key":
            return asyncio.run(keys_cli.rotate_key(settings))
    return asyncio.run(run(settings))


def _settings() -> Settings | None:
    try:
        return load_settings()
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return None


if __name__ == "__main__":
    sys.exit(main())
