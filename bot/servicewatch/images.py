"""Checks that what ServiceWatch returned as a chart really is a whole image, before anyone posts it."""

from __future__ import annotations

import base64
import binascii
import json
import re
from dataclasses import dataclass
from typing import Any

from bot.servicewatch.errors import InvalidResponseError

MAX_IMAGE_BYTES = 4 * 1024 * 1024  # a chart is some hundreds of KB; a 4000×4000 one about 1 MB
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_PNG_END = b"IEND\xaeB`\x82"
_JPEG_MAGIC = b"\xff\xd8\xff"
_BASE64_FIELDS = ("image", "data", "content", "body", "file")


class TruncatedImageError(InvalidResponseError):
    """The image starts right but stops before its end marker: a broken transfer, worth another try."""


@dataclass(frozen=True)
class ChartImage:
    """A checked chart image."""

    data: bytes
    media_type: str
    extension: str

    def __len__(self) -> int:
        return len(self.data)


def sniff_image(data: bytes) -> tuple[str, str] | None:
    """(media type, extension) from the magic bytes, or None when `data` is no PNG or JPEG."""
    if data.startswith(_PNG_MAGIC):
        return "image/png", "png"
    if data.startswith(_JPEG_MAGIC):
        return "image/jpeg", "jpg"
    return None


def _is_complete(data: bytes, extension: str) -> bool:
    if extension == "png":
        return data.rstrip(b"\x00").endswith(_PNG_END)
    return data.rstrip(b"\x00").endswith(b"\xff\xd9")


def check_image(data: bytes, content_type: str = "") -> ChartImage:
    """Return the chart image in `data` (read within the client's limit), or raise InvalidResponseError saying what
    came instead. Its pixels are checked apart (`pixels.check_pixels`): decoding costs CPU."""
    if not data:
        raise InvalidResponseError("ServiceWatch answered with an empty body instead of a chart image; try again.")
    kind = sniff_image(data)
    if kind is None:
        embedded = _image_inside_json(data)
        if embedded is not None:
            return check_image(embedded)
        raise InvalidResponseError(_describe_non_image(data, content_type))
    media_type, extension = kind
    if not _is_complete(data, extension):
        raise TruncatedImageError(
            f"The {extension.upper()} chart from ServiceWatch is cut short ({len(data):,} bytes, no end marker)."
        )
    return ChartImage(data=data, media_type=media_type, extension=extension)


def _image_inside_json(data: bytes) -> bytes | None:
    """Some gateways wrap the image in JSON as base64; unwrap it when a known field holds one."""
    try:
        parsed: Any = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    if not isinstance(parsed, dict):
        return None
    for key in _BASE64_FIELDS:
        value = parsed.get(key)
        if isinstance(value, str) and len(value) > 16:
            encoded = value.split(",", 1)[1] if value.startswith("data:") else value
            try:
                decoded = base64.b64decode(encoded, validate=True)
            except (binascii.Error, ValueError):
                continue
            if sniff_image(decoded):
                return decoded
    return None


def _describe_non_image(data: bytes, content_type: str) -> str:
    head = data[:2048].decode("utf-8", errors="replace").strip()
    kind = content_type.split(";")[0].strip() or "unknown content"
    if head.lower().startswith(("<!doctype html", "<html")) or "<html" in head.lower()[:200]:
        title = re.search(r"<title[^>]*>(.*?)</title>", head, re.IGNORECASE | re.DOTALL)
        named = f" titled {title.group(1).strip()[:80]!r}" if title else ""
        return (
            f"ServiceWatch answered with an HTML page{named} instead of a chart image. A proxy or login page may be "
            "in the way: check SERVICEWATCH_ENDPOINT and the network path to ServiceWatch."
        )
    if head.startswith(("{", "[")):
        return f"ServiceWatch answered with JSON instead of a chart image: {head[:200]}"
    return f"ServiceWatch answered with {kind} ({len(data):,} bytes) that is not a PNG or JPEG image."
