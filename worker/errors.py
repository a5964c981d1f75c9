"""Every error commitwatch raises on purpose, in one tree.

    CommitwatchError
    ├── ConfigError              configuration file or environment is invalid (fix it, restart)
    ├── FeedError                a feed could not be polled; recorded on the feed
    │   ├── FetchError           transient: timeout, connection refused, 5xx, 429 (retry later)
    │   ├── BlockedAddressError  the URL or a redirect resolves to a private/loopback address
    │   ├── BodyTooLargeError    the body (after decompression) is over the size cap
    │   ├── HTTPStatusError      the server answered 4xx (other than 304/410/429)
    │   ├── FeedGoneError        410 Gone: the feed is disabled
    │   └── FeedParseError       the body is not a feed that yields any entry
    ├── OpmlError                an OPML subscription list is malformed or unsafe (fix the file)
    ├── ArticleError             an article cannot be processed
    │   └── InvalidArticleError  a submitted article breaks its schema (rejected, reason recorded)
    ├── ExtractionError          the extractor failed on an article (counted as an attempt)
    ├── StoreConflictError       a concurrent writer stored the same row first (look again)
    └── StoreUnavailableError    the database cannot be reached (transient: retry with backoff)

``retryable`` says whether trying the same thing later may succeed; the queue retries only those.
"""

from __future__ import annotations


class CommitwatchError(Exception):
    """Base class: catch this to handle every deliberate commitwatch failure."""

    retryable: bool = False


class ConfigError(CommitwatchError):
    """Raised at start-up when the configuration is invalid; the message names the setting."""


class FeedError(CommitwatchError):
    """Raised when a feed cannot be polled; the poller records it and backs off."""


class FetchError(FeedError):
    """Raised on transient transport failures; the poller tries again after a backoff.

    ``retry_after`` (seconds) carries a 429/503 server's Retry-After, which the scheduler honours.
    """

    retryable = True

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class BlockedAddressError(FeedError):
    """Raised when a URL (or a redirect) points at a private, loopback or link-local address.

    Set ``fetch.allow_private_networks = true`` to poll feeds on your own network.
    """


class BodyTooLargeError(FeedError):
    """Raised when a response body exceeds ``fetch.max_body_bytes`` after decompression."""


class HTTPStatusError(FeedError):
    """Raised when the server answers with a client error other than 304, 410 or 429."""

    def __init__(self, status: int, url: str) -> None:
        super().__init__(f"HTTP {status} from {url}")
        self.status = status
        self.url = url


class FeedGoneError(FeedError):
    """Raised on 410 Gone: the publisher removed the feed, so polling stops."""


class FeedParseError(FeedError):
    """Raised when the body yields no entry and feedparser reports it malformed."""


class OpmlError(CommitwatchError):
    """Raised when an OPML file cannot be imported; the message says where and why."""


class ArticleError(CommitwatchError):
    """Raised when an article cannot be processed as given."""


class InvalidArticleError(ArticleError):
    """Raised when a submitted article breaks the message schema; the reason is recorded."""


class ExtractionError(CommitwatchError):
    """Raised when the extractor fails on an article; counted toward the attempt limit."""


class StoreConflictError(CommitwatchError):
    """Raised when a concurrent writer inserted the same unique row first; the transaction was
    rolled back, and reading again finds the other writer's row."""

    retryable = True


class StoreUnavailableError(CommitwatchError):
    """Raised when the database cannot be reached; tasks retry with exponential backoff."""

    retryable = True
