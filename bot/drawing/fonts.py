"""The Hangul font charts fall back to: NanumGothic from the koreanize-matplotlib package (its files only; the
package's own module is never imported, as it restyles matplotlib on import). Registered once, at the first chart,
as a fallback family, so Latin text keeps matplotlib's font and Korean titles and names never draw as empty boxes
on a machine without Korean fonts."""

from __future__ import annotations

import importlib.util
import logging
import threading
from pathlib import Path

log = logging.getLogger(__name__)

FONT_PACKAGE = "koreanize_matplotlib"
FONT_FILE = "NanumGothic.ttf"
HANGUL_FAMILY = "NanumGothic"

_lock = threading.Lock()
_registered: list[str] = []


def bundled_font_path() -> Path | None:
    """The bundled NanumGothic file, found without importing its package; None when the package is missing."""
    spec = importlib.util.find_spec(FONT_PACKAGE)
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).parent / "fonts" / FONT_FILE
    return path if path.is_file() else None


def use_hangul_fallback() -> str | None:
    """Register the bundled Hangul font with matplotlib and add it after the current families (once a process);
    its family name, or None (logged once) when the font is missing and Korean would draw as boxes."""
    with _lock:
        if _registered:
            return _registered[0] or None
        import matplotlib
        from matplotlib import font_manager

        path = bundled_font_path()
        if path is None:
            log.warning("the %s package is missing: Korean text in charts draws as empty boxes", FONT_PACKAGE)
            _registered.append("")
            return None
        font_manager.fontManager.addfont(str(path))
        family = font_manager.FontProperties(fname=str(path)).get_name()
        families = [f for f in matplotlib.rcParams["font.family"] if f != family]
        matplotlib.rcParams["font.family"] = [*families, family]
        _registered.append(family)
        return family
