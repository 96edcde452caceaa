"""A long listing (`saved`, `watches`, `schedules`) cut into pages that each fit one Slack message: a page's text is
within a section's 3,000 characters (well within a message's 40,000, in one block), and says how to ask for the
next one. Pure: lines in, one page's text out; every line is on exactly one page, in order."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from bot.errors import UserError
from bot.i18n import _, ngettext

PAGE_CHARACTERS = 2900  # a page's text, heading and footer included: under a section's 3,000
FOOTER_ROOM = 200  # kept for the footer (`Page 2 of 9 · next: `/chart saved page 3``)


def pages(lines: Sequence[str], *, room: int) -> list[list[str]]:
    """The lines in pages of at most `room` characters each (a line longer than a page is cut, marked `…`)."""
    found: list[list[str]] = [[]]
    used = 0
    for line in lines:
        line = line if len(line) < room else line[: room - 2] + "…"
        if found[-1] and used + len(line) + 1 > room:
            found.append([])
            used = 0
        found[-1].append(line)
        used += len(line) + 1
    return found


def page_text(heading: str, lines: Sequence[str], page: int, next_page: Callable[[int], str]) -> str:
    """Page `page` (from 1) of the listing: the heading, its lines and, when there are more pages, which one this is
    and the command that shows the next (`next_page(n)`); a UserError for a page past the last."""
    cut = pages(lines, room=PAGE_CHARACTERS - FOOTER_ROOM - len(heading) - 1)
    if page > len(cut):
        raise UserError(
            ngettext(
                "There is no page {page}: this list has {count} page; `{last}` shows it.",
                "There is no page {page}: this list has {count} pages; `{last}` shows the last.",
                len(cut),
            ).format(page=page, count=len(cut), last=next_page(len(cut)))
        )
    text = [heading, *cut[page - 1]]
    if page < len(cut):
        text.append(
            _("_Page {page} of {count}_ · next: `{next}`").format(page=page, count=len(cut), next=next_page(page + 1))
        )
    elif len(cut) > 1:
        text.append(_("_Page {page} of {count}_ (the last)").format(page=page, count=len(cut)))
    return "\n".join(text)
