"""Long listings in pages: every page within a Slack section's 3,000 characters, every line on exactly one page, in
order, and a page past the last refused naming how many there are."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.errors import UserError
from bot.paging import page_text

SLACK_SECTION = 3000


def next_page(n: int) -> str:
    return f"/chart saved page {n}"


def every_page(heading: str, lines: list[str]) -> list[str]:
    """Each page, followed from the first by the command its footer names."""
    texts, page = [page_text(heading, lines, 1, next_page)], 1
    while found := re.search(r"next: `/chart saved page (\d+)`", texts[-1]):
        assert int(found.group(1)) == page + 1
        page += 1
        texts.append(page_text(heading, lines, page, next_page))
    return texts


@given(st.lists(st.text(alphabet="ab 가•`*", min_size=0, max_size=4000), max_size=60))
def test_every_line_is_on_one_page_and_every_page_fits(lines: list[str]) -> None:
    heading = "*Saved charts in this channel*:"
    texts = every_page(heading, lines)
    assert all(len(text) <= SLACK_SECTION for text in texts)
    shown = [line for text in texts for line in text.split("\n")[1:] if not line.startswith("_Page ")]
    assert len(shown) == len(lines)
    for line, kept in zip(lines, shown, strict=True):
        assert kept == line or (kept.endswith("…") and line.startswith(kept[:-1]))


def test_one_page_says_nothing_of_pages_and_past_the_last_is_refused() -> None:
    assert page_text("*Two*:", ["• a", "• b"], 1, next_page) == "*Two*:\n• a\n• b"
    lines = [f"• line {n:04} " + "x" * 80 for n in range(300)]
    texts = every_page("*Many*:", lines)
    assert texts[0].endswith(f"_Page 1 of {len(texts)}_ · next: `/chart saved page 2`")
    assert texts[-1].endswith(f"_Page {len(texts)} of {len(texts)}_ (the last)")
    with pytest.raises(UserError, match=rf"There is no page 99: this list has {len(texts)} pages; `/chart saved page"):
        page_text("*Many*:", lines, 99, next_page)
