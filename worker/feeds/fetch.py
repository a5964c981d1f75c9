"""The HTTP adapter: one feed URL to bytes, safely and politely (httpx).

Redirects are followed here, not by httpx, so every hop is checked (scheme, then address) before
any request is sent to it, and so the chain can tell the poller whether the move is permanent.
Bodies are read with a cap after decompression and a wall-clock deadline (see ``body``);
connections go only to public addresses unless allowed (see ``addresses``).

Status mapping: 2xx -> result; 304 -> result with an empty body; 410 -> ``FeedGoneError``;
429/503 -> ``FetchError(retry_after=...)``; other 5xx -> ``FetchError``; other 4xx and a 3xx
without Location -> ``HTTPStatusError``; timeouts and connection errors -> ``FetchError``; a
redirect loop or too many redirects -> ``FetchError`` (transient from our side: the publisher
usually fixes a broken redirect, and the scheduler backs off meanwhile).
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, replace
from types import TracebackType
from urllib.parse import urljoin, urlsplit

import httpx

from worker import defaults
from worker.errors import (
    BlockedAddressError,
    BodyTooLargeError,
    FeedGoneError,
    FetchError,
    HTTPStatusError,
)
from worker.feeds.addresses import Resolver, checked_addresses, guarded_transport, system_resolve
from worker.feeds.body import ACCEPT_ENCODING, read_body
from worker.feeds.headers import max_age_seconds, retry_after_seconds
from worker.feeds.hostlimit import HostLimiter

__all__ = ["FetchResult", "FetchSettings", "Fetcher", "HostLimiter"]

# What we parse, best first; anything else is still accepted (many servers send text/html).
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.8"
)
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
PERMANENT_REDIRECTS = frozenset({301, 308})
RETRY_AFTER_STATUSES = frozenset({429, 503})
ALLOWED_SCHEMES = frozenset({"http", "https"})


@dataclass(frozen=True, slots=True)
class FetchSettings:
    """Limits of one fetch; every default is a named constant in ``worker.defaults``.

    The deadline bounds each hop's connect and header wait (their timeouts never exceed the time
    left), is checked after each body chunk, and a watchdog shuts the socket down if a body read
    is still blocked when it passes: an endlessly slow server is cut at the deadline.
    """

    connect_timeout: float = defaults.CONNECT_TIMEOUT
    read_timeout: float = defaults.READ_TIMEOUT
    deadline: float = defaults.FETCH_DEADLINE
    max_body_bytes: int = defaults.MAX_BODY_BYTES
    max_redirects: int = defaults.MAX_REDIRECTS
    user_agent: str = defaults.USER_AGENT
    allow_private_networks: bool = False


@dataclass(frozen=True, slots=True)
class FetchResult:
    """A successful fetch: 2xx with the body, or 304 with an empty body.

    ``permanent_url`` is the final URL when every redirect on the way was 301/308, so the poller
    can update the stored URL; ``max_age_seconds`` is the server's freshness hint.
    """

    status: int
    url: str
    body: bytes = b""
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    permanent_url: str | None = None
    max_age_seconds: int | None = None


class Fetcher:
    """Fetches feeds (and article pages) over one connection pool; thread-safe like httpx."""

    def __init__(
        self,
        settings: FetchSettings | None = None,
        *,
        transport: httpx.BaseTransport | None = None,
        resolve: Resolver | None = None,
    ) -> None:
        self.settings = settings or FetchSettings()
        self._resolve = resolve or system_resolve
        if transport is None and not self.settings.allow_private_networks:
            transport = guarded_transport(self._resolve)
        self._client = httpx.Client(
            transport=transport,
            follow_redirects=False,
            trust_env=False,  # a proxy from the environment would bypass the address checks
            headers={
                "User-Agent": self.settings.user_agent,
                "Accept": ACCEPT,
                "Accept-Encoding": ACCEPT_ENCODING,
            },
        )

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection pool."""
        self._client.close()

    def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult:
        """GET ``url`` (conditionally when validators are given), following redirects safely."""
        deadline = time.monotonic() + self.settings.deadline
        headers = _conditional_headers(etag, last_modified)
        current, seen, permanent = url, {url}, True
        for _hop in range(self.settings.max_redirects + 1):
            self._check(current)
            response = self._send(current, headers, deadline)
            try:
                location = _redirect_target(response, current)
                if location is None:
                    result = self._result(response, current, deadline, etag, last_modified)
                    moved = permanent and current != url
                    return replace(result, permanent_url=current) if moved else result
            finally:
                response.close()
            if location in seen:
                raise FetchError(f"redirect loop: {current} leads back to {location}")
            seen.add(location)
            permanent = permanent and response.status_code in PERMANENT_REDIRECTS
            current = location
        raise FetchError(f"more than {self.settings.max_redirects} redirects from {url}")

    def _check(self, url: str) -> None:
        """Refuse a URL before sending anything to it: wrong scheme or non-public host."""
        try:
            parts = urlsplit(url)
        except ValueError as exc:  # e.g. an unclosed IPv6 bracket
            raise BlockedAddressError(f"refused {url!r}: not a valid URL ({exc})") from exc
        if parts.scheme.lower() not in ALLOWED_SCHEMES:
            raise BlockedAddressError(f"refused {url!r}: only http and https URLs are fetched")
        if not parts.hostname:
            raise BlockedAddressError(f"refused {url!r}: the URL has no host")
        if not self.settings.allow_private_networks:
            try:
                checked_addresses(parts.hostname, self._resolve)
            except httpx.TransportError as exc:
                raise FetchError(f"{url}: {exc}") from exc

    def _send(self, url: str, headers: dict[str, str], deadline: float) -> httpx.Response:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise FetchError(f"{url}: the fetch deadline passed during redirects")
        settings = self.settings
        connect = min(settings.connect_timeout, remaining)
        timeout = httpx.Timeout(min(settings.read_timeout, remaining), connect=connect)
        try:
            request = self._client.build_request("GET", url, headers=headers, timeout=timeout)
            return self._client.send(request, stream=True)
        except httpx.TimeoutException as exc:
            raise FetchError(f"{url}: timed out ({type(exc).__name__})") from exc
        except httpx.InvalidURL as exc:
            raise BlockedAddressError(f"refused {url!r}: {exc}") from exc
        except httpx.HTTPError as exc:
            raise FetchError(f"{url}: {type(exc).__name__}: {exc}") from exc

    def _result(
        self,
        response: httpx.Response,
        url: str,
        deadline: float,
        etag: str | None,
        last_modified: str | None,
    ) -> FetchResult:
        _raise_for_status(response, url)
        headers = response.headers
        result = FetchResult(
            status=response.status_code,
            url=url,
            content_type=headers.get("content-type"),
            etag=headers.get("etag"),
            last_modified=headers.get("last-modified"),
            max_age_seconds=max_age_seconds(headers),
        )
        if response.status_code == 304:  # keep our validators unless the server sent new ones
            return replace(
                result,
                etag=result.etag or etag,
                last_modified=result.last_modified or last_modified,
            )
        return replace(result, body=self._read(response, url, deadline))

    def _read(self, response: httpx.Response, url: str, deadline: float) -> bytes:
        coding = response.headers.get("content-encoding", "")
        declared = response.headers.get("content-length", "")
        limit = self.settings.max_body_bytes
        if not coding and declared.isdigit() and int(declared) > limit:
            raise BodyTooLargeError(f"body of {url} is larger than {limit} bytes (Content-Length)")
        # A response built in memory (httpx.MockTransport with content=) is already read.
        chunks = [response.content] if response.is_stream_consumed else response.iter_raw()
        try:
            with _watchdog(response, deadline):
                return read_body(chunks, coding=coding, max_bytes=limit, deadline=deadline, url=url)
        except httpx.HTTPError as exc:
            if time.monotonic() >= deadline:
                raise FetchError(
                    f"{url}: the response took longer than the fetch deadline"
                ) from exc
            raise FetchError(f"{url}: {type(exc).__name__} reading the body: {exc}") from exc


@contextmanager
def _watchdog(response: httpx.Response, deadline: float) -> Iterator[None]:
    """Shut the socket down at the deadline, waking a read that the server keeps waiting.

    Between chunks ``read_body`` checks the deadline itself; this covers a read that blocks
    (up to the read timeout) on a server that went silent mid-body. ``socket.socket.shutdown``
    is called on the base class so an ``SSLSocket``'s state is left to the reading thread.
    """
    stream = response.extensions.get("network_stream")
    sock = stream.get_extra_info("socket") if stream is not None else None
    if not isinstance(sock, socket.socket):
        yield
        return
    timer = threading.Timer(max(0.0, deadline - time.monotonic()), _shutdown, (sock,))
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()


def _shutdown(sock: socket.socket) -> None:
    with suppress(OSError):  # already closed: the read finished first
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


def _conditional_headers(etag: str | None, last_modified: str | None) -> dict[str, str]:
    """Validators to send; ones that cannot be a header value are dropped, which only costs a
    full fetch (a stored non-ASCII ETag would otherwise fail every poll of the feed)."""
    candidates = {"If-None-Match": etag, "If-Modified-Since": last_modified}
    return {name: value for name, value in candidates.items() if value and _header_safe(value)}


def _header_safe(value: str) -> bool:
    return value.isascii() and value.isprintable()


def _redirect_target(response: httpx.Response, url: str) -> str | None:
    """The absolute next URL when ``response`` is a redirect with a Location, else None."""
    location = response.headers.get("location")
    if response.status_code not in REDIRECT_STATUSES or not location:
        return None
    return str(urljoin(url, location.strip()))


def _raise_for_status(response: httpx.Response, url: str) -> None:
    status = response.status_code
    if status == 304 or 200 <= status < 300:
        return
    if status == 410:
        raise FeedGoneError(f"{url} answered 410 Gone: the publisher removed the feed")
    if status in RETRY_AFTER_STATUSES:
        retry_after = retry_after_seconds(response.headers.get("retry-after"))
        raise FetchError(f"HTTP {status} from {url}", retry_after=retry_after)
    if status >= 500:
        raise FetchError(f"HTTP {status} from {url}")
    raise HTTPStatusError(status, url)
