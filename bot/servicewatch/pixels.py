"""Proving a chart image whole by decoding it (Pillow), refusing from its header one larger than a chart is.

Magic bytes and an end marker are not enough: a PNG header, garbage and an IEND pass them. Decoding costs CPU
(a 1400×500 chart: a few ms), so the client runs this off the event loop."""

from __future__ import annotations

import io

from PIL import Image, UnidentifiedImageError

from bot.i18n import _
from bot.servicewatch.errors import BrokenImageError
from bot.servicewatch.images import ChartImage

MAX_IMAGE_SIDE = 8000  # pixels a side; the bot asks for at most CHART_MAX_WIDTH × CHART_MAX_HEIGHT (≤ 10000)
MAX_IMAGE_PIXELS = 25_000_000  # a 5000×5000 chart: about 100 MB decoded (RGBA) at most, for a moment
_FORMATS = {"png": "PNG", "jpg": "JPEG"}


def check_pixels(image: ChartImage, *, max_side: int = MAX_IMAGE_SIDE, max_pixels: int = MAX_IMAGE_PIXELS) -> None:
    """Return when `image` decodes whole within `max_side` × `max_side` and `max_pixels`; else BrokenImageError."""
    kind = image.extension.upper()
    try:
        # Past Pillow's own bomb limit (89 M pixels) open() warns (an error where warnings are), past twice it raises.
        with Image.open(io.BytesIO(image.data), formats=[_FORMATS.get(image.extension, "")]) as picture:
            width, height = picture.size
            if width > max_side or height > max_side or width * height > max_pixels:
                raise _too_many_pixels(kind, f"{width}×{height}", max_side, max_pixels)
            picture.load()  # decodes every pixel: a truncated or garbled image fails here
    except BrokenImageError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels(kind, _("far too many"), max_side, max_pixels) from None
    except Exception as exc:  # Pillow fails on garbage in many ways: OSError, SyntaxError, ValueError, zlib.error…
        raise BrokenImageError(
            _(
                "The {kind} chart from ServiceWatch does not decode ({error}), so it was not posted; try again, or ask "
                "for another size."
            ).format(kind=kind, error=_unreadable(exc))
        ) from None


def _unreadable(exc: Exception) -> str:
    if isinstance(exc, UnidentifiedImageError):  # its text names a buffer's address, of no use to anyone
        return _("its header is unreadable")
    return f"{type(exc).__name__}: {exc}"[:200]


def _too_many_pixels(kind: str, size: str, max_side: int, max_pixels: int) -> BrokenImageError:
    return BrokenImageError(
        _(
            "The {kind} chart from ServiceWatch has {size} pixels, more than a chart has (at most {side} a side and "
            "{pixels} in all), so it was not decoded; ask for a smaller size."
        ).format(kind=kind, size=size, side=f"{max_side:,}", pixels=f"{max_pixels:,}")
    )
