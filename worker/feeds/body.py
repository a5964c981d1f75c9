"""Reading a response body within a size cap and a wall-clock deadline.

httpx decodes gzip chunk by chunk with no output limit, so one 64 KiB chunk of a gzip bomb can
become 64 MiB before anyone counts. Here the raw bytes are decompressed with ``max_length``, so
no more than the cap (plus one byte, to know it was exceeded) is ever held, and the deadline is
checked after every chunk so a server that drips bytes forever is cut off.
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Iterable

from worker.errors import BodyTooLargeError, FetchError

# Content codings we advertise in Accept-Encoding and decode ourselves.
ACCEPT_ENCODING = "gzip, deflate"
_GZIP_WBITS = 16 + zlib.MAX_WBITS
_IDENTITY = frozenset({"", "identity"})


class _Decoder:
    """Decompresses one content coding with a bound on the output held at once."""

    def __init__(self, coding: str) -> None:
        self.coding = coding
        self._zlib: zlib._Decompress | None = None
        # Some servers send raw deflate without the zlib header; httpx retries the same way.
        self._raw_fallback = coding == "deflate"
        if coding in ("gzip", "x-gzip"):
            self._zlib = zlib.decompressobj(_GZIP_WBITS)
        elif coding == "deflate":
            self._zlib = zlib.decompressobj()
        elif coding not in _IDENTITY:
            raise FetchError(f"unsupported Content-Encoding {coding!r} (we accept gzip, deflate)")

    def decode(self, data: bytes, limit: int) -> bytes:
        """Up to ``limit`` decoded bytes from ``data`` (plus any already pending)."""
        if self._zlib is None:
            return data
        try:
            out = self._zlib.decompress(self._zlib.unconsumed_tail + data, limit)
        except zlib.error as exc:
            if self._raw_fallback:
                self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
                self._raw_fallback = False
                return self.decode(data, limit)
            raise FetchError(f"corrupt {self.coding} body: {exc}") from exc
        self._raw_fallback = False
        return out

    @property
    def pending(self) -> bool:
        """True while compressed input is waiting for output room."""
        return self._zlib is not None and bool(self._zlib.unconsumed_tail)


def read_body(
    chunks: Iterable[bytes], *, coding: str, max_bytes: int, deadline: float, url: str
) -> bytes:
    """The decoded body; ``BodyTooLargeError`` past ``max_bytes``, ``FetchError`` past deadline.

    ``deadline`` is a ``time.monotonic()`` value.
    """
    decoder = _Decoder(coding.strip().lower())
    parts: list[bytes] = []
    size = 0
    for chunk in chunks:
        data = chunk
        while data or decoder.pending:
            out = decoder.decode(data, max_bytes - size + 1)
            data = b""
            size += len(out)
            if size > max_bytes:
                raise BodyTooLargeError(
                    f"body of {url} exceeds {max_bytes} bytes after decompression"
                )
            parts.append(out)
            if not out:
                break
        if time.monotonic() > deadline:
            raise FetchError(f"{url}: the response took longer than the fetch deadline")
    # A stream that ends at the deadline was most likely cut by the fetcher's watchdog (it
    # shuts the socket, which reads as a normal end of body): never hand on a truncated body.
    if time.monotonic() >= deadline:
        raise FetchError(f"{url}: the response took longer than the fetch deadline")
    return b"".join(parts)
