"""The README and docs/: every relative link leads to a file (and a heading) that exists, every setting is listed
in docs/settings.md with its default, and the README stays a front page."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest

from bot.config import Settings
from bot.durations import format_duration, parse_duration

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^```.*?^```", re.S | re.M)
LINK = re.compile(r"\]\(([^)\s]+)\)")


def anchors(page: Path) -> set[str]:
    """The anchors GitHub makes of a page's headings: lower case, punctuation dropped, spaces as hyphens."""
    found: set[str] = set()
    for line in FENCE.sub("", page.read_text(encoding="utf-8")).splitlines():
        heading = re.match(r"#{1,6}\s+(.*)", line)
        if heading:
            text = re.sub(r"[`*_]", "", heading.group(1)).strip().lower()
            slug = re.sub(r"[^\w\- ]", "", text).replace(" ", "-")
            found.add(slug if slug not in found else f"{slug}-1")
    return found


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.relative_to(ROOT).as_posix())
def test_relative_links_lead_somewhere(page: Path) -> None:
    broken = []
    for target in LINK.findall(FENCE.sub("", page.read_text(encoding="utf-8"))):
        if re.match(r"[a-z]+://", target):
            continue
        path, _, fragment = target.partition("#")
        destination = (page.parent / path).resolve() if path else page
        if not destination.exists():
            broken.append(f"{target}: no such file")
        elif fragment and destination.suffix == ".md" and fragment not in anchors(destination):
            broken.append(f"{target}: no such heading")
    assert broken == []


def test_readme_is_a_front_page() -> None:
    assert len((ROOT / "README.md").read_text(encoding="utf-8").splitlines()) <= 200


def _duration_in(cell: str) -> timedelta | None:
    """The duration a settings row gives as its default (`60s` and `1m` are the same)."""
    try:
        return timedelta(seconds=parse_duration(cell.strip().strip("`")))
    except ValueError:
        return None


def shown(default: object) -> str:
    """A setting's default as docs/settings.md writes it."""
    if default is None:
        return "(none)"
    if default in ("", []):
        return "empty"
    if isinstance(default, bool):
        return f"`{str(default).lower()}`"
    if isinstance(default, timedelta):  # a duration is written as it is set: `15s`, `3h`
        return f"`{format_duration(default)}`"
    if isinstance(default, float) and default.is_integer():
        return f"`{int(default)}`"
    return f"`{default}`"


def test_every_setting_is_in_the_settings_page_with_its_default() -> None:
    rows = [
        line for line in (ROOT / "docs" / "settings.md").read_text(encoding="utf-8").splitlines() if line[:1] == "|"
    ]
    wrong = []
    for name, field in Settings.model_fields.items():
        default = field.default_factory() if field.default_factory is not None else field.default
        row = next((row for row in rows if f"`{name.upper()}`" in row.split(" | ")[0]), None)
        if row is None:
            wrong.append(f"{name.upper()}: not listed")
        elif isinstance(default, timedelta):
            if _duration_in(row.split(" | ")[1]) != default:
                wrong.append(f"{name.upper()}: its default {shown(default)} is not in its row")
        elif shown(default) not in row.split(" | ")[1]:
            wrong.append(f"{name.upper()}: its default {shown(default)} is not in its row")
    assert wrong == []
