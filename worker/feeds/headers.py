"""Server hints in HTTP headers: Retry-After, Cache-Control max-age and Expires."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

_MAX_AGE = re.compile(r"(?:^|[,\s])max-age\s*=\s*\"?(\d{1,10})\"?", re.IGNORECASE)
_NO_CACHE = re.compile(r"(?:^|[,\s])(?:no-cache|no-store)(?:$|[,\s=])", re.IGNORECASE)


def retry_after_seconds(value: str | None, *, now: datetime | None = None) -> float | None:
    """Retry-After as seconds from now: delta-seconds or an HTTP-date; None when unusable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    when = _http_date(value)
    if when is None:
        return None
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def max_age_seconds(headers: Mapping[str, str], *, now: datetime | None = None) -> int | None:
    """Freshness lifetime: Cache-Control max-age, else Expires minus Date (or now)."""
    cache_control = headers.get("cache-control", "")
    match = _MAX_AGE.search(cache_control)
    if match:
        return int(match.group(1))
    if _NO_CACHE.search(cache_control):
        return None
    expires = _http_date(headers.get("expires", ""))
    if expires is None:
        return None
    origin = _http_date(headers.get("date", "")) or now or datetime.now(UTC)
    seconds = int((expires - origin).total_seconds())
    return seconds if seconds > 0 else None


def _http_date(value: str) -> datetime | None:
    """An aware datetime from an HTTP-date, or None (invalid Expires like "0" means expired)."""
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)
