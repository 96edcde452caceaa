"""Leaves out of the image's environment what the bot never reads (the image's build runs it: Dockerfile): the
packages' own tests, compiled files (compiled again after), the languages Babel knows beyond the bot's two
(bot/i18n.py), and the Hangul fonts beyond the one the charts use (bot/drawing/fonts.py). Prints what it saved.

`python deploy/image/prune.py VENV`; standard library only, so it runs before anything is importable."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

KEPT_LOCALES = ("root", "en", "en_US", "en_001", "ko", "ko_KR")  # Babel's data files the bot's languages load
KEPT_FONT = "NanumGothic.ttf"


def prune(venv: Path) -> int:
    """Remove what the bot never reads from the environment at `venv`; the bytes removed."""
    removed = 0
    for site in venv.glob("lib/python*/site-packages"):
        for folder in [*site.rglob("tests"), *site.rglob("__pycache__")]:
            if folder.is_dir():
                removed += _remove(folder)
        for data in (site / "babel" / "locale-data").glob("*.dat"):
            if data.stem not in KEPT_LOCALES:
                removed += _remove(data)
        for font in (site / "koreanize_matplotlib" / "fonts").glob("*.ttf"):
            if font.name != KEPT_FONT:
                removed += _remove(font)
    return removed


def _remove(path: Path) -> int:
    if not path.exists():
        return 0
    if path.is_dir():
        size = sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
        shutil.rmtree(path)
        return size
    size = path.stat().st_size
    path.unlink()
    return size


if __name__ == "__main__":
    saved = prune(Path(sys.argv[1]))
    sys.stdout.write(f"pruned {saved / 1e6:.0f} MB from {sys.argv[1]}\n")
