"""A local feed server for the benchmarks: RSS built at run time from the evaluation texts.

``/feed/<kind>/<n>.xml`` where kind is ``new`` (200 with fresh items on every request),
``cond`` (200 with an ETag, then 304 to a matching ``If-None-Match``), ``slow`` (like ``cond``
after a delay) or ``fail`` (500). Loopback only; it serves until the ``with`` block ends.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import count
from xml.sax.saxutils import escape

# A slow feed answers after this long: slower than a healthy server, far under the timeouts.
SLOW_SECONDS = 0.5
ETAG = '"bench-1"'
PUBLISHED = datetime(2025, 3, 15, tzinfo=UTC)


def item_xml(feed: str, index: int, text: str, *, fresh: int = 0) -> str:
    """One RSS item: a distinct article (its own guid, title and first line) from ``text``."""
    guid = f"{feed}-{fresh}-{index}"
    body = f"Dispatch {guid}.\n\n{text}"
    date = format_datetime(PUBLISHED + timedelta(minutes=index))
    return (
        f"<item><title>Dispatch {guid}</title><link>https://bench.invalid/{guid}</link>"
        f"<guid isPermaLink='false'>{guid}</guid><pubDate>{date}</pubDate>"
        f"<description>{escape(body)}</description></item>"
    )


def feed_xml(feed: str, texts: list[str], items: int, *, offset: int, fresh: int = 0) -> bytes:
    """A feed of ``items`` articles taken from ``texts`` starting at ``offset``."""
    body = "".join(
        item_xml(feed, i, texts[(offset + i) % len(texts)], fresh=fresh) for i in range(items)
    )
    return (
        "<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel>"
        f"<title>bench {feed}</title><link>https://bench.invalid/</link>"
        f"<description>benchmark feed</description>{body}</channel></rss>"
    ).encode()


class FeedServer(ThreadingHTTPServer):
    """Holds the corpus and request counters for the handler."""

    daemon_threads = True
    request_queue_size = 1024

    def __init__(self, texts: list[str], items: int) -> None:
        super().__init__(("127.0.0.1", 0), FeedHandler)
        self.texts = texts
        self.items = items
        self.fresh = count()
        self.status_counts: dict[int, int] = {}
        self.lock = threading.Lock()

    def handle_error(self, request: object, client_address: object) -> None:
        """Quiet: a client that drops a connection (as httpx does after a 500) is not news."""

    def url(self, kind: str, n: int) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/feed/{kind}/{n}.xml"

    def count_status(self, status: int) -> None:
        with self.lock:
            self.status_counts[status] = self.status_counts.get(status, 0) + 1


class FeedHandler(BaseHTTPRequestHandler):
    server: FeedServer
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        parts = self.path.strip("/").split("/")
        if len(parts) != 3 or parts[0] != "feed":
            return self._send(404, b"")
        kind, n = parts[1], int(parts[2].removesuffix(".xml"))
        if kind == "fail":
            return self._send(500, b"failing on purpose")
        if kind == "slow":
            time.sleep(SLOW_SECONDS)
        if kind != "new" and self.headers.get("If-None-Match") == ETAG:
            return self._send(304, b"")
        fresh = next(self.server.fresh) if kind == "new" else 0
        items = self.server.items
        body = feed_xml(f"{kind}{n}", self.server.texts, items, offset=n * items, fresh=fresh)
        self._send(200, body, etag=kind != "new")

    def _send(self, status: int, body: bytes, *, etag: bool = False) -> None:
        self.server.count_status(status)
        self.send_response(status)
        self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        if etag:
            self.send_header("ETag", ETAG)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: thousands of requests would drown the JSON lines."""


@contextmanager
def serving(texts: list[str], items: int) -> Iterator[FeedServer]:
    """Serve feeds on a free loopback port for the duration of the block."""
    server = FeedServer(texts, items)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
