"""Reading an answer no further than a limit: its announced length first, then its bytes as they arrive. A compressed
answer is counted in decoded bytes, inflated a bounded piece at a time, so a small gzip bomb cannot blow up at once."""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterator

import httpx

from bot.i18n import _
from bot.servicewatch.errors import InvalidResponseError

MB = 1024 * 1024
MAX_ANSWER_BYTES = 8 * MB  # JSON: ListMetricData over the bot's windows (≤ 1,500 points a line) is far less
ACCEPT_ENCODING = "gzip, deflate"  # what the client asks for: the encodings inflated here, piece by piece
_INFLATED = ("gzip", "x-gzip", "deflate")
_ZLIB_OR_GZIP = 32 + zlib.MAX_WBITS  # zlib's header or gzip's, whichever the answer has


class LimitExceeded(Exception):
    """The answer runs past the limit; `announced` is its Content-Length when that said so before any byte."""

    def __init__(self, announced: int | None = None) -> None:
        self.announced = announced
        super().__init__(announced)


async def read_within(response: httpx.Response, limit: int, *, cut: bool = False) -> bytes:
    """The decoded body of a streamed `response`, at most `limit` bytes: past it, LimitExceeded (or, with `cut`,
    the first `limit` bytes). Reading stops there; closing the response is the caller's."""
    encoding = response.headers.get("content-encoding", "identity").strip().lower()
    length = response.headers.get("content-length", "")
    if not cut and encoding == "identity" and length.isascii() and length.isdigit() and int(length) > limit:
        raise LimitExceeded(int(length))
    body = bytearray()
    async for piece in _decoded(response, encoding, limit):
        body += piece
        if len(body) > limit:
            if not cut:
                raise LimitExceeded()
            del body[limit:]
            break
    return bytes(body)


async def _decoded(response: httpx.Response, encoding: str, limit: int) -> AsyncIterator[bytes]:
    """The body's decoded bytes, no piece longer than `limit + 1` when inflated here."""
    if encoding not in _INFLATED:
        async for chunk in response.aiter_bytes():  # identity, or an encoding not asked for: httpx decodes it
            yield chunk
        return
    inflater = zlib.decompressobj(_ZLIB_OR_GZIP)
    try:
        async for chunk in response.aiter_raw():
            data = chunk
            while data and not inflater.eof:
                yield inflater.decompress(data, limit + 1)
                data = inflater.unconsumed_tail
        yield inflater.flush()
    except zlib.error as exc:
        raise InvalidResponseError(
            _("ServiceWatch's {encoding} answer does not inflate ({error}); try again.").format(
                encoding=encoding, error=exc
            )
        ) from None
