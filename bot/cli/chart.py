"""`python -m bot chart ARGS… [--out FILE] [--dry-run] [--now ISO] [--tz ZONE]`: one chart from the shell."""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.chat import Asker, ChartReply, DryRunReply, TextReply, error_text
from bot.config import Settings
from bot.errors import UserError
from bot.i18n import _
from bot.language.options import OptionError, parse_zone
from bot.language.tokens import join_words
from bot.markup import unmarked
from bot.wiring import access_policy, chat_actions, open_services


def usage() -> str:
    """`python -m bot chart --help`."""
    return _("""\
usage: python -m bot chart ARGS… [--out FILE] [--dry-run] [--now ISO] [--tz ZONE]

ARGS are the words you would type after /chart; the shell's words are re-joined with quoting, so
  python -m bot chart "Virtual Server:CPU Usage/Core[Basic]" last 3h
means what that text means in Slack. `python -m bot chart help` shows the whole language.

  --out FILE   write the PNG there, in a folder that exists (default: ./charts/<file name>); print the words
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


def check_out(path: Path) -> None:
    """UserError naming `path` and what to do when `--out` cannot be a new or replaced file: its folder is missing
    (never made for you) or not a folder, or `path` is a folder. Permissions show only when writing (root ignores
    them, a read-only place does not)."""
    folder = path.parent
    if path.is_dir():
        raise UserError(
            _("Cannot write {path}: it is a folder. Give --out a file name, e.g. {example}.").format(
                path=path, example=path / "chart.png"
            )
        )
    if not folder.exists():
        raise UserError(
            _(
                "Cannot write {path}: the folder {folder} does not exist. Create it first, or give --out a path in an "
                "existing folder."
            ).format(path=path, folder=folder)
        )
    if not folder.is_dir():
        raise UserError(
            _("Cannot write {path}: {folder} is not a folder. Give --out a path in an existing folder.").format(
                path=path, folder=folder
            )
        )


def cannot_write(path: Path, error: OSError) -> str:
    """Why the chart could not be written to `path` (permission denied, read-only, disk full …) and what to do."""
    reason = error.strerror or type(error).__name__
    return _("Cannot write {path}: {reason}. Give --out a path you may write to.").format(path=path, reason=reason)


async def chart(settings: Settings, argv: Sequence[str]) -> int:
    try:
        args = parse_args(argv)
        if args.help:
            print(usage(), end="")
            return 0
        zone = parse_zone(args.tz) if args.tz else settings.bot_timezone
        now = parse_now(args.now, zone) if args.now else None
        if args.out is not None and not args.dry_run:
            check_out(args.out)  # before any ServiceWatch call: a path that cannot be written costs nothing
        text = join_words(args.words) + (" dry-run" if args.dry_run else "")
    except (UserError, OptionError) as exc:
        print(exc, file=sys.stderr)
        return 2
    async with open_services(settings) as services:
        asker = Asker(user_id="cli", channel_id=CONSOLE_CHANNEL, mention="", timezone=zone, is_admin=True)
        try:
            reply = await chat_actions(services, access_policy(settings)).handle(text, asker, now=now)
            if isinstance(reply, ChartReply):  # its image, while the services that fetch it are open
                reply = dataclasses.replace(reply, chart=await reply.chart.finished())
        except Exception as exc:
            message, _reference = error_text(exc)
            print(unmarked(message), file=sys.stderr)
            return 2
    if isinstance(reply, DryRunReply):
        print(reply.body)
    elif isinstance(reply, TextReply):
        print(unmarked(reply.text))
    elif isinstance(reply, ChartReply):
        if args.out is None:
            path = Path("charts") / reply.chart.filename
            path.parent.mkdir(parents=True, exist_ok=True)  # the default folder, made when first needed
        else:
            path = args.out
        try:
            path.write_bytes(reply.chart.image)
        except OSError as exc:
            print(cannot_write(path, exc), file=sys.stderr)
            return 2
        print(f"{path}")
        print(reply.chart.comment)
        for summary in reply.chart.summaries:
            print(f"  {summary.describe()}")
    return 0
