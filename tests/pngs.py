"""Reading a PNG's size from its header, to check charts without an image library."""

from __future__ import annotations

import struct


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) from the IHDR chunk; fails when `data` is no PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    assert data[12:16] == b"IHDR", "no IHDR chunk first"
    width, height = struct.unpack(">II", data[16:24])
    return width, height
