"""What a chart the bot draws says, read from the figure handed to matplotlib rather than from its pixels."""

from __future__ import annotations

from types import ModuleType

import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text


def figure_texts(figure: Figure) -> list[str]:
    """Every text shown in a drawn `figure`: title, axis labels, ticks and the axis's corner, legend, notes."""
    return [text.get_text() for text in figure.findobj(Text) if text.get_visible() and text.get_text()]


def texts_drawn_by(monkeypatch: pytest.MonkeyPatch, module: ModuleType) -> list[list[str]]:
    """Spy on `module.to_png`: the texts of each figure it makes a PNG of, in order (the PNG is made as ever)."""
    drawn: list[list[str]] = []
    save = module.to_png

    def spy(figure: Figure) -> bytes:
        png: bytes = save(figure)  # lays the figure out: its tick labels are written now
        drawn.append(figure_texts(figure))
        return png

    monkeypatch.setattr(module, "to_png", spy)
    return drawn
