"""Feed bytes to a ``ParsedFeed``: pure (feedparser and the stdlib only, no I/O).

Feedparser gets the body as bytes plus the response headers, never a str, because a str may be
read as a URL or a file path. Its result is reduced to ``FeedEntry`` values with a stable key,
clean text, a trustworthy date or none, and a content hash that changes when the entry is edited.

Entry keys, in order: the guid, else the link, else ``sha256:`` of title and text. Some feeds
reuse one guid for every entry; when a guid repeats within one document those entries are keyed
``guid + " " + link`` instead (Miniflux's fallback). When a key still repeats (DIE ZEIT lists
two teasers with one link and no guid), a different entry gets ``key + " sha256:" + content
hash`` and an exact repeat is dropped, so a document never yields one key twice. Keys longer than
the store's column are hashed.
"""

from __future__ import annotations

import calendar
import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from time import struct_time
from typing import Any

import feedparser

from worker import defaults
from worker.domain import FeedEntry, ParsedFeed
from worker.errors import FeedParseError
from worker.feeds.htmltext import html_to_text, normalise_text
from worker.feeds.xmlguard import UnsafeXMLError, check_entities

# Entries taken from one document: a runaway feed cannot flood the store (the poller passes its
# configured value; this is the default for other callers).
MAX_ENTRIES = defaults.MAX_ENTRIES_PER_FETCH
# Dates before this are placeholders (epoch 0, 1900) or parse errors, not news.
EARLIEST_PLAUSIBLE = datetime(1990, 1, 1, tzinfo=UTC)
# Publishers' clocks and time zones drift; more than a day ahead is a wrong date, not news.
FUTURE_TOLERANCE = timedelta(days=1)
# The store's entry_key column is 1024 characters; longer keys are replaced by their hash.
MAX_KEY_CHARS = 1024
# A ttl beyond a year is nonsense; the scheduler caps intervals anyway.
MAX_TTL_MINUTES = 366 * 24 * 60

_Entry = Mapping[str, Any]


def parse_feed(
    body: bytes,
    *,
    content_type: str | None = None,
    base_url: str | None = None,
    max_entries: int = MAX_ENTRIES,
    now: datetime | None = None,
) -> ParsedFeed:
    """Parse one feed document; raise ``FeedParseError`` when it yields no entry and is broken.

    A malformed (bozo) document that still yields entries is used, its problem kept in
    ``bozo_message``. A well-formed feed with no entries is a valid empty ``ParsedFeed``.
    """
    result = _run_feedparser(body, content_type, base_url)
    bozo_message = _bozo_message(result)
    raw_entries = [entry for entry in result.get("entries", []) if not _is_phantom(entry)]
    if not raw_entries and (bozo_message or not result.get("version")):
        reason = bozo_message or "no RSS or Atom element found"
        raise FeedParseError(f"not a usable feed (no entries): {reason}")
    # Capped before the work of building entries: a 20,000-item feed costs no more than 200.
    entries = _build_entries(raw_entries[: max(0, max_entries)], now or datetime.now(UTC))
    return ParsedFeed(
        title=normalise_text(str(result.get("feed", {}).get("title", ""))),
        entries=tuple(entries),
        ttl_minutes=_ttl(result.get("feed", {}).get("ttl")),
        bozo_message=bozo_message,
    )


def _run_feedparser(body: bytes, content_type: str | None, base_url: str | None) -> Any:
    """Feedparser on bytes, after the entity guard; its own crashes become ``FeedParseError``."""
    if not isinstance(body, bytes):
        raise TypeError("parse_feed needs bytes: a str could be read as a URL or a file path")
    if not body.strip():
        raise FeedParseError("not a usable feed: the body is empty")
    try:
        check_entities(body, content_type=content_type)
    except UnsafeXMLError as exc:
        raise FeedParseError(f"refused an unsafe XML document: {exc}") from exc
    headers = {"content-type": content_type} if content_type else {}
    if base_url:
        headers["content-location"] = base_url
    try:
        return feedparser.parse(body, response_headers=headers)
    except Exception as exc:  # third-party parser on hostile input: any crash is a parse error
        raise FeedParseError(f"feedparser failed: {type(exc).__name__}: {exc}") from exc


def _bozo_message(result: Mapping[str, Any]) -> str | None:
    if not result.get("bozo"):
        return None
    exc = result.get("bozo_exception")
    return f"{type(exc).__name__}: {exc}" if exc is not None else "malformed document"


def _is_phantom(entry: _Entry) -> bool:
    """An entry with no title, link or text (PCMag's nested ``<item/>``) describes nothing."""
    return not (entry.get("title") or entry.get("link") or _text(entry))


def _build_entries(raw_entries: Iterable[_Entry], now: datetime) -> list[FeedEntry]:
    """Entries in document order, each key once (see the module docstring for the rules)."""
    entries = [_to_entry(item, now) for item in raw_entries]
    guid_counts = Counter(guid for guid, _ in entries)
    unique: dict[str, FeedEntry] = {}
    for guid, entry in entries:
        key = _key(guid, entry, guid_counts)
        if key in unique and unique[key].content_hash != entry.content_hash:
            key = _bounded(f"{key} sha256:{entry.content_hash}")  # two items, one link
        if key not in unique:  # else an exact repeat of an entry already taken
            unique[key] = replace(entry, key=key)
    return list(unique.values())


def _to_entry(item: _Entry, now: datetime) -> tuple[str | None, FeedEntry]:
    """The entry (keyed later, once all guids are known) and its guid."""
    title = _title(item)
    text = _text(item)
    link = _clean_id(item.get("link"))
    content_hash = _sha256(title + "\n" + text)
    entry = FeedEntry(
        key="",
        title=title,
        link=link,
        text=text,
        published=_published(item, now),
        content_hash=content_hash,
    )
    return _clean_id(item.get("id")), entry


def _key(guid: str | None, entry: FeedEntry, guid_counts: Counter[str | None]) -> str:
    """Guid, else link, else the content hash; guid plus link when the guid is reused."""
    if guid and guid_counts[guid] > 1:
        key = f"{guid} {entry.link or 'sha256:' + entry.content_hash}"
    else:
        key = guid or entry.link or f"sha256:{entry.content_hash}"
    return _bounded(key)


def _bounded(key: str) -> str:
    return key if len(key) <= MAX_KEY_CHARS else f"sha256:{_sha256(key)}"


def _title(item: _Entry) -> str:
    title = str(item.get("title") or "")
    return html_to_text(title) if _is_html(item.get("title_detail")) else normalise_text(title)


def _text(item: _Entry) -> str:
    """Plain text of the richest body: the longest content, else the summary."""
    details = [c for c in item.get("content") or [] if c.get("value")]
    if details:
        best = max(details, key=lambda detail: len(detail["value"]))
    else:
        best = item.get("summary_detail") or {"value": item.get("summary") or "", "type": "html"}
    value = str(best.get("value") or "")
    return html_to_text(value) if _is_html(best) else normalise_text(value)


def _is_html(detail: Mapping[str, Any] | None) -> bool:
    kind = str((detail or {}).get("type") or "text/html")
    return "html" in kind


def _published(item: _Entry, now: datetime) -> datetime | None:
    """Aware UTC from the published or updated date, None when absent or absurd."""
    for field in ("published_parsed", "updated_parsed"):
        # dict.get, not item.get: FeedParserDict maps a missing updated_parsed to
        # published_parsed with a DeprecationWarning (feedparser issue 310).
        when = _from_struct(dict.get(item, field) if isinstance(item, dict) else item.get(field))
        if when is not None:
            return when if EARLIEST_PLAUSIBLE <= when <= now + FUTURE_TOLERANCE else None
    return None


def _from_struct(value: struct_time | None) -> datetime | None:
    """Feedparser's struct_time (already UTC) as an aware datetime; None when out of range."""
    if value is None:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
    except (OverflowError, ValueError, OSError, TypeError):
        return None


def _ttl(value: object) -> int | None:
    try:
        minutes = int(str(value).strip())
    except ValueError:
        return None
    return minutes if 0 < minutes <= MAX_TTL_MINUTES else None


def _clean_id(value: object) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text or None


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
