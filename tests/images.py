"""Small real images for the checks of ServiceWatch's chart images (the broken ones: bot/sandbox/bad_answers.py)."""

from __future__ import annotations

import io

from PIL import Image


def small_png(width: int = 40, height: int = 20) -> bytes:
    """A real PNG that decodes: a grey rectangle."""
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 200, 200)).save(out, format="PNG")
    return out.getvalue()
