"""The first-pixels bench (`python -m bench pixels`) at its quick size against real processes (slow): every chart's
first message carries the chart Slack draws, and its image joins it. How soon is a figure, never asserted here."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bench.benches import Knobs, pixels


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_every_chart_comes_first_drawn_by_slack_then_with_its_image(tmp_path: Path) -> None:
    figures = {f.name: f for f in asyncio.run(pixels(Knobs(quick=True, uploads_per_minute=600.0, workdir=tmp_path)))}
    assert figures["charts drawn by Slack at once"].met, figures["charts drawn by Slack at once"]
    assert figures["first pixels p99"].value.endswith(" ms")
    assert figures["image shown p99"].value.endswith(" ms")
