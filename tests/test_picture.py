"""The README's picture of a chart message (tests/picture.py) is drawn from a real run: every block the bot posts is
one the picture draws, and the drawing works on today's blocks."""

from __future__ import annotations

import io

import matplotlib.image as mpimg

from tests.picture import LINE_ASKED, WIDTH, draw, drawn_kinds, real_message


async def test_the_picture_draws_every_block_of_a_real_chart_message() -> None:
    blocks, files = await real_message(LINE_ASKED)
    kinds = [block["type"] for block in blocks]
    assert set(kinds) <= drawn_kinds(), set(kinds) - drawn_kinds()
    assert {"data_visualization", "image", "table", "actions"} <= set(kinds)
    png = mpimg.imread(io.BytesIO(draw(blocks, files)), format="png")
    assert png.shape[1] == WIDTH
    assert png.shape[0] > 600  # words, Slack's chart, the image, the numbers and the controls, one below the other
