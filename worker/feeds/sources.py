"""Feed source types, chosen by the URL's scheme: how a feed URL becomes a ``FetchResult``.

The extension point for a new kind of feed: write a class with the ``FeedSource`` method and
register its factory in ``SOURCE_TYPES`` under its scheme. The poller asks ``FeedSources``
and never looks at a scheme itself; ``commitwatch feeds add`` accepts exactly these schemes.
"""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Protocol
from urllib.parse import urlsplit

from worker import defaults
from worker.config import FetchConfig
from worker.feeds.fetch import Fetcher, FetchResult, FetchSettings
from worker.feeds.hostlimit import HostLimiter
from worker.feeds.local import read_local_feed


class FeedSource(Protocol):
    """One source type: a conditional read of a feed URL (304 when it has not changed)."""

    def fetch(self, url: str, *, etag: str | None, last_modified: str | None) -> FetchResult:
        """Raises a ``FeedError`` when the feed cannot be read; the poller records it."""
        ...


class HttpSource:
    """http(s) feeds over the shared HTTP client, at most ``per_host_concurrency`` per host."""

    def __init__(self, config: FetchConfig, fetcher: Fetcher) -> None:
        self.fetcher = fetcher
        self.limiter = HostLimiter(config.per_host_concurrency)

    def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult:
        with self.limiter.slot(urlsplit(url).hostname or ""):
            return self.fetcher.fetch(url, etag=etag, last_modified=last_modified)


class LocalSource:
    """``file://`` feeds: the sample feeds and an operator's own exports."""

    def __init__(self, config: FetchConfig, _fetcher: Fetcher) -> None:
        self.max_bytes = config.max_body_bytes

    def fetch(self, url: str, *, etag: str | None, last_modified: str | None) -> FetchResult:
        return read_local_feed(url, last_modified=last_modified, max_bytes=self.max_bytes)


SourceFactory = Callable[[FetchConfig, Fetcher], FeedSource]

# Scheme → source type. One instance per type serves all its schemes (one host limiter).
SOURCE_TYPES: dict[str, SourceFactory] = {
    "http": HttpSource,
    "https": HttpSource,
    "file": LocalSource,
}
SCHEMES = frozenset(SOURCE_TYPES)


def fetch_settings(config: FetchConfig) -> FetchSettings:
    """The HTTP fetcher's limits from the ``[fetch]`` section."""
    return FetchSettings(
        connect_timeout=config.connect_timeout,
        read_timeout=config.read_timeout,
        deadline=config.deadline_seconds,
        max_body_bytes=config.max_body_bytes,
        max_redirects=config.max_redirects,
        user_agent=config.user_agent or defaults.USER_AGENT,
        allow_private_networks=config.allow_private_networks,
    )


class FeedSources:
    """Every registered source type for one poller; owns the HTTP client (close it)."""

    def __init__(self, config: FetchConfig, fetcher: Fetcher | None = None) -> None:
        self.config = config
        self.fetcher = fetcher or Fetcher(fetch_settings(config))
        self.http = HttpSource(config, self.fetcher)
        built: dict[SourceFactory, FeedSource] = {HttpSource: self.http}
        self._by_scheme = {
            scheme: built.setdefault(factory, factory(config, self.fetcher))
            for scheme, factory in SOURCE_TYPES.items()
        }

    def fetch(self, url: str, *, etag: str | None, last_modified: str | None) -> FetchResult:
        """Read a feed with the source type its scheme names. Other schemes go to the HTTP
        source, which refuses them (``BlockedAddressError``) like a redirect to one."""
        source = self._by_scheme.get(urlsplit(url).scheme, self.http)
        return source.fetch(url, etag=etag, last_modified=last_modified)

    def fetch_page(self, url: str) -> FetchResult:
        """An article's web page (full text), through the same per-host limit as the feeds."""
        return self.http.fetch(url)

    def close(self) -> None:
        self.fetcher.close()

    def __enter__(self) -> FeedSources:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
