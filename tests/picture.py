"""A chart message as Slack lays it out, drawn from a real run: the bot in HTTP mode answers a signed `/chart`
against the fake Slack and the ServiceWatch sandbox, and the message it posted (its blocks, its image) is drawn in
Slack's order, at a desktop client's message width. `python -m tests.picture` rewrites docs/images/chart-message.png
(the README's picture); tests/test_picture.py draws it from a run on every test run, so it cannot rot.

It is a drawing of the blocks, not Slack's own rendering: Slack's clients draw the native chart and the table in
their own style (and their theme)."""

from __future__ import annotations

import asyncio
import contextlib
import io
import re
import sys
import tempfile
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import matplotlib.image as mpimg
import matplotlib.pyplot as plt
from matplotlib.patches import FancyBboxPatch

from bot.drawing.fonts import use_hangul_fallback
from tests.fakes.slack import FakeSlack
from tests.stacks import settings_for, start_stack

PICTURE = Path(__file__).resolve().parents[1] / "docs" / "images" / "chart-message.png"
WIDTH = 760  # px: a message's width in Slack's desktop client
LINE = 19  # px a line of text takes
MARGIN = 16
INK, FAINT, BORDER = "#1d1c1d", "#616061", "#dddddd"
COLOURS = ("#1264a3", "#e01e5a", "#2eb67d", "#ecb22e", "#36c5f0", "#7c3085")


async def real_message(text: str) -> tuple[list[dict[str, Any]], dict[str, bytes]]:
    """The blocks of the chart message the bot posts for `/chart text`, once its image joined it, and the files
    its image blocks show."""
    fake = FakeSlack()
    await fake.start()
    try:
        fake.default_workspace()
        with tempfile.TemporaryDirectory() as folder:
            settings = settings_for(fake, Path(folder), bot_public_url="https://charts.example.com")
            async with contextlib.aclosing(start_stack(fake, settings)) as stacks:
                stack = await anext(stacks)
                await stack.post_command(text)
                await fake.wait_for(lambda: fake.posts or fake.responses, within=60)
                assert fake.posts, fake.responses
                post = fake.posts[-1]
                message = fake.message(post.channel, post.ts)
                return message.blocks, {file_id: file.data for file_id, file in fake.files.items()}
    finally:
        await fake.stop()


def plain(mrkdwn: str) -> str:
    """mrkdwn as a reader sees it: links by their label, mentions by name, no markers."""
    text = re.sub(r"<https?://[^|>]+\|([^>]+)>", r"\1", mrkdwn)
    text = re.sub(r"<@([A-Z0-9]+)[^>]*>", lambda m: "@" + m.group(1).removeprefix("U0").lower(), text)
    text = re.sub(r"<#([A-Z0-9]+)[^>]*>", r"#\1", text)
    text = text.replace("🔗 ", "")  # an emoji the drawing's fonts lack
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").replace("*", "").replace("_", "")


def draw(blocks: Sequence[dict[str, Any]], files: dict[str, bytes]) -> bytes:
    """A PNG of the message `blocks`, top to bottom."""
    use_hangul_fallback()
    pieces = [_piece(block, files) for block in blocks]
    pieces = [piece for piece in pieces if piece is not None]
    height = MARGIN + 2 * LINE + sum(p[0] for p in pieces) + MARGIN
    figure = plt.figure(figsize=(WIDTH / 100, height / 100), dpi=100)
    canvas = figure.add_axes((0, 0, 1, 1))
    canvas.set_xlim(0, WIDTH)
    canvas.set_ylim(height, 0)
    canvas.axis("off")
    canvas.text(MARGIN, MARGIN + 12, "ServiceWatch", fontsize=11, fontweight="bold", color=INK)
    canvas.text(MARGIN + 112, MARGIN + 12, "APP  9:00 AM", fontsize=8, color=FAINT)
    top = MARGIN + 2 * LINE
    for piece_height, painter in pieces:
        painter(figure, canvas, top, height)
        top += piece_height
    out = io.BytesIO()
    figure.savefig(out, format="png", facecolor="white")
    plt.close(figure)
    return out.getvalue()


def drawn_kinds() -> frozenset[str]:
    """The block kinds the picture draws (any other is left out of it)."""
    return frozenset({"section", "context", "data_visualization", "image", "table", "actions"})


def _piece(block: dict[str, Any], files: dict[str, bytes]) -> tuple[int, Any] | None:
    kind = block["type"]
    if kind == "section":
        return _words(plain(block["text"]["text"]), 10)
    if kind == "context":
        return _words(" ".join(plain(e.get("text", "")) for e in block["elements"]), 8, colour=FAINT)
    if kind == "data_visualization":
        return 230, lambda f, c, top, h: _native(f, top, h, block)
    if kind == "image":
        data = files.get(block["slack_file"]["id"], b"")
        image = mpimg.imread(io.BytesIO(data), format="png")
        shown = int((WIDTH - 2 * MARGIN) * image.shape[0] / image.shape[1])
        return shown + 8, lambda f, c, top, h: c.imshow(
            image, extent=(MARGIN, WIDTH - MARGIN, top + shown, top), aspect="auto"
        )
    if kind == "table":
        rows = [[cell.get("text", "") for cell in row] for row in block["rows"]]
        return LINE * len(rows) + 10, lambda f, c, top, h: _table(c, top, rows)
    if kind == "actions":
        labels = [e["text"]["text"] if "text" in e else e["placeholder"]["text"] for e in block["elements"]]
        return 34, lambda f, c, top, h: _buttons(c, top, labels)
    return None


def _words(text: str, size: int, colour: str = INK) -> tuple[int, Any]:
    lines = [piece for line in text.splitlines() for piece in textwrap.wrap(line, 96 if size < 10 else 86) or [""]]

    def paint(figure: Any, canvas: Any, top: float, height: float) -> None:
        for n, line in enumerate(lines):
            canvas.text(MARGIN, top + 14 + n * LINE, line, fontsize=size, color=colour)

    return LINE * len(lines) + 4, paint


def _native(figure: Any, top: float, height: float, block: dict[str, Any]) -> None:
    chart = block["chart"]
    left, width, tall = MARGIN + 40, WIDTH - 2 * MARGIN - 50, 170
    axes = figure.add_axes((left / WIDTH, 1 - (top + 30 + tall) / height, width / WIDTH, tall / height))
    categories = chart["axis_config"]["categories"]
    for n, series in enumerate(chart["series"]):
        values = [point["value"] for point in series["data"]]
        axes.plot(range(len(values)), values, color=COLOURS[n % len(COLOURS)], linewidth=1.6, label=series["name"])
    step = max(1, len(categories) // 6)
    axes.set_xticks(range(0, len(categories), step), categories[::step], fontsize=7)
    axes.tick_params(axis="y", labelsize=7)
    axes.set_ylabel(chart["axis_config"].get("y_label", ""), fontsize=7)
    axes.set_xlabel(chart["axis_config"].get("x_label", ""), fontsize=7)
    axes.set_title(block["title"], fontsize=9, loc="left")
    axes.legend(fontsize=7, frameon=False, loc="upper left")
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)


def _table(canvas: Any, top: float, rows: list[list[str]]) -> None:
    widths = [250] + [100] * (len(rows[0]) - 1)
    for r, row in enumerate(rows):
        x = MARGIN
        for c, text in enumerate(row):
            canvas.text(
                x + (8 if c == 0 else widths[c] - 8),
                top + 14 + r * LINE,
                text,
                fontsize=8,
                color=INK,
                fontweight="bold" if r == 0 else "normal",
                ha="left" if c == 0 else "right",
            )
            x += widths[c]
        canvas.plot([MARGIN, MARGIN + sum(widths)], [top + 19 + r * LINE] * 2, color=BORDER, linewidth=0.8)


def _buttons(canvas: Any, top: float, labels: list[str]) -> None:
    x = MARGIN
    for label in labels:
        width = 14 + 6.5 * len(label)
        canvas.add_patch(
            FancyBboxPatch(
                (x, top + 4), width, 24, boxstyle="round,pad=0,rounding_size=4", facecolor="white", edgecolor=BORDER
            )
        )
        canvas.text(x + width / 2, top + 20, label, fontsize=8, ha="center", color=INK)
        x += width + 6


LINE_ASKED = '"Virtual Server:CPU Usage/Core[Basic]" web-01 web-02 last 6h'


def main(target: Path = PICTURE) -> None:
    blocks, files = asyncio.run(real_message(LINE_ASKED))
    target.write_bytes(draw(blocks, files))
    sys.stdout.write(f"wrote {target}\n")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else PICTURE)
