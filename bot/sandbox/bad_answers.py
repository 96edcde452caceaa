"""Answers the sandbox can misbehave with: images that pass a glance and are not whole charts, and bodies too large
to read, streamed (and counted) a chunk at a time so the sandbox itself stays small."""

from __future__ import annotations

import io
import random
import struct
import zlib
from collections.abc import Iterator

from PIL import Image

_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
CHUNK = 64 * 1024


def png_chunk(kind: bytes, data: bytes) -> bytes:
    """One PNG chunk: length, type, data, and the CRC of type and data."""
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


IEND = png_chunk(b"IEND", b"")


def garbage_png(size: int = 4096, seed: int = 26) -> bytes:
    """A PNG's signature, `size` bytes of noise and an IEND: magic and end marker right, nothing between."""
    return _PNG_MAGIC + random.Random(seed).randbytes(size) + IEND


def cut_png(png: bytes) -> bytes:
    """`png` cut in the middle of its pixels, an IEND put back after: its end looks whole, its pixels stop short."""
    return png[: max(len(png) // 2, 64)] + IEND


def huge_png(width: int, height: int) -> bytes:
    """A real black-and-white PNG of `width` × `height`, all zeros: a few KB that decode to width × height pixels."""
    row = b"\x00" * (1 + (width + 7) // 8)  # filter byte, then the row's bits
    packer = zlib.compressobj(9)
    pixels = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1 bit, grayscale
    return _PNG_MAGIC + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", pixels) + IEND


def as_jpeg(png: bytes) -> bytes:
    """`png` converted to a JPEG (what ServiceWatch may send instead)."""
    with Image.open(io.BytesIO(png)) as picture:
        out = io.BytesIO()
        picture.convert("RGB").save(out, format="JPEG", quality=85)
    return out.getvalue()


def oversized_body(size: int, start: bytes) -> Iterator[bytes]:
    """`size` bytes in chunks: `start`, then spaces (JSON whitespace after a JSON start, padding after a PNG's)."""
    sent = 0
    while sent < size:
        piece = (start if sent == 0 else b"").ljust(min(CHUNK, size - sent), b" ")
        sent += len(piece)
        yield piece


def gzipped(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """`chunks` gzip-encoded on the fly (spaces shrink about 1,000 to one: a bomb)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    for chunk in chunks:
        packed = packer.compress(chunk)
        if packed:
            yield packed
    yield packer.flush()
