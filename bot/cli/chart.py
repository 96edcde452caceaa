"""`python -m bot chart ARGS… [--out FILE] [--dry-run] [--now ISO] [--tz ZONE]`: one chart from the shell."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.charts.options import OptionError, parse_zone
from bot.charts.tokens import join_words
from bot.chat import Asker, ChartReply, DryRunReply, TextReply, error_text
from bot.config import Settings
from bot.errors import UserError
from bot.i18n import _
from bot.services import open_services


def usage() -> str:
    """`python -m bot chart --help`."""
    return _("""\
usage: python -m bot chart ARGS… [--out FILE] [--dry-run] [--now ISO] [--tz ZONE]

ARGS are the words you would type after /chart; the shell's words are re-joined with quoting, so
  python -m bot chart "Virtual Server:CPU Usage/Core[Basic]" last 3h
means what that text means in Slack. `python -m bot chart help` shows the whole language.

  --out FILE   write the PNG there (default: ./charts/<file name>) and print the comment line and summary
  --dry-run    print only the exact JSON body that would be sent; send nothing
  --now ISO    read the window as if it were this time (e.g. 2026-11-27T12:00; no offset: in --tz)
  --tz ZONE    the timezone a Slack user would have (default: BOT_TIMEZONE)
  --           every word after this is a chart word, even if it starts with --
""")


CONSOLE_CHANNEL = "console"


@dataclass
class ChartArgs:
    words: list[str] = field(default_factory=list)
    out: Path | None = None
    dry_run: bool = False
    now: str | None = None
    tz: str | None = None
    help: bool = False


def parse_args(argv: Sequence[str]) -> ChartArgs:
    """The CLI's flags, wherever they stand; every other word is a chart word (even `-3h`)."""
    args = ChartArgs()
    items = list(argv)
    i = 0
    while i < len(items):
        item = items[i]
        name, has_value, inline = item.partition("=")
        if item == "--":
            args.words.extend(items[i + 1 :])
            break
        if item in ("-h", "--help"):
            args.help = True
        elif item == "--dry-run":
            args.dry_run = True
        elif name in ("--out", "--now", "--tz"):
            if has_value:
                value = inline
            elif i + 1 < len(items):
                i += 1
                value = items[i]
            else:
                raise UserError(_("{flag} needs a value; see `python -m bot chart --help`.").format(flag=name))
            if name == "--out":
                args.out = Path(value)
            else:
                setattr(args, name[2:], value)
        else:
            args.words.append(item)
        i += 1
    return args


def parse_now(text: str, zone: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise UserError(
            _("--now {text} is not an ISO 8601 time; write it like 2026-11-27T12:00 or …T03:00Z.").format(
                text=repr(text)
            )
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo(zone))


async def chart(settings: Settings, argv: Sequence[str]) -> int:
    try:
        args = parse_args(argv)
        if args.help:
            print(usage(), end="")
            return 0
        zone = parse_zone(args.tz) if args.tz else settings.bot_timezone
        now = parse_now(args.now, zone) if args.now else None
        text = join_words(args.words) + (" dry-run" if args.dry_run else "")
    except (UserError, OptionError) as exc:
        print(exc, file=sys.stderr)
        return 2
    async with open_services(settings) as services:
        asker = Asker(user_id="cli", channel_id=CONSOLE_CHANNEL, mention="", timezone=zone, is_admin=True)
        try:
            reply = await services.actions.handle(text, asker, now=now)
        except Exception as exc:
            message, _reference = error_text(exc)
            print(message, file=sys.stderr)
            return 2
    if isinstance(reply, DryRunReply):
        print(reply.body)
    elif isinstance(reply, TextReply):
        print(reply.text)
    elif isinstance(reply, ChartReply):
        path = args.out or Path("charts") / reply.chart.filename
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(reply.chart.image)
        print(f"{path}")
        print(reply.chart.comment)
        for summary in reply.chart.summaries:
            print(f"  {summary.describe()}")
    return 0
