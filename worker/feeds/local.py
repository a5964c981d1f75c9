"""Feeds from local files (``file://`` URLs), for the sample feeds and operators' own exports.

Only an operator can add such a feed (``feeds add``); a remote feed's redirect never leads
here, because redirects are followed by the HTTP fetcher, which refuses other schemes. The
file's modification time stands in for Last-Modified, so an unchanged file is "not modified".
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

from worker.errors import BodyTooLargeError, FetchError
from worker.feeds.fetch import FetchResult

LOCAL_SCHEME = "file"


def is_local(url: str) -> bool:
    return urlsplit(url).scheme == LOCAL_SCHEME


def read_local_feed(url: str, *, last_modified: str | None, max_bytes: int) -> FetchResult:
    """Read a ``file://`` feed like a conditional GET: 304 when the file has not changed."""
    path = Path(unquote(urlsplit(url).path))
    try:
        stamp = format_datetime(datetime.fromtimestamp(path.stat().st_mtime, UTC), usegmt=True)
        if stamp == last_modified:
            return FetchResult(status=304, url=url, last_modified=stamp)
        if path.stat().st_size > max_bytes:
            raise BodyTooLargeError(f"{path} is larger than {max_bytes} bytes")
        body = path.read_bytes()
    except OSError as exc:
        raise FetchError(f"cannot read {path}: {exc.strerror or exc}") from exc
    return FetchResult(status=200, url=url, body=body, last_modified=stamp)
