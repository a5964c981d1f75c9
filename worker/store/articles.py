"""Articles: storing feed entries once, and finding the ones that still need processing."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from worker.domain import ArticleText, FeedEntry
from worker.store.models import Article, ArticleStatus


@dataclass(frozen=True, slots=True)
class StoredArticle:
    """An article's text and processing state: what the pipeline reads (never an ORM object)."""

    id: int
    status: str  # an ``ArticleStatus``
    attempts: int
    content_hash: str
    processed_hash: str | None
    extractor_version: str | None
    processed: bool  # results were stored once (there are rows to replace)
    text: ArticleText


def load_article(session: Session, article_id: int, *, lock: bool = False) -> StoredArticle | None:
    """The article, or None if there is no such article (deleted with its feed).

    ``lock`` takes the row lock for the rest of the transaction: two deliveries of one message
    then store their results one after the other.
    """
    article = session.get(Article, article_id, with_for_update=lock)
    if article is None:
        return None
    return StoredArticle(
        id=article.id,
        status=article.status,
        attempts=article.attempts,
        content_hash=article.content_hash,
        processed_hash=article.processed_hash,
        extractor_version=article.extractor_version,
        processed=article.processed_at is not None,
        text=ArticleText(article.text, article.title, article.published_at, article.url),
    )


def count_attempt(session: Session, article_id: int) -> int:
    """Count one more attempt, before it runs (a worker that dies still used it); the new count."""
    article = session.get_one(Article, article_id)
    article.attempts += 1
    return article.attempts


def save_entries(
    session: Session, feed_id: int, entries: Sequence[FeedEntry], *, now: datetime, max_chars: int
) -> list[int]:
    """Store new entries and edits; return the ids that need (re)processing.

    An entry already stored with the same content hash is skipped, so polling a feed twice adds
    nothing. An edited entry (same key, new hash) gets its new text and goes back to pending.
    Entries without a date keep the time they were first seen.
    """
    by_key = {entry.key: entry for entry in entries}  # a feed may repeat an entry: keep the last
    stored = _stored(session, feed_id, by_key)
    changed = []
    for key, entry in by_key.items():
        article = stored.get(key)
        if article is None:
            article = Article(feed_id=feed_id, entry_key=key, first_seen_at=now)
            session.add(article)
        elif article.content_hash == entry.content_hash:
            continue
        fill_article(article, entry, max_chars)
        changed.append(article)
    session.flush()
    return [article.id for article in changed]


def unseen_keys(session: Session, feed_id: int, entries: Sequence[FeedEntry]) -> set[str]:
    """Keys of entries not stored yet, or stored with other content: what a save would change."""
    stored = _stored(session, feed_id, [entry.key for entry in entries])
    return {
        entry.key
        for entry in entries
        if entry.key not in stored or stored[entry.key].content_hash != entry.content_hash
    }


def _stored(session: Session, feed_id: int, keys: Iterable[str]) -> dict[str, Article]:
    query = select(Article).where(Article.feed_id == feed_id, Article.entry_key.in_(list(keys)))
    return {article.entry_key: article for article in session.scalars(query)}


def fill_article(article: Article, entry: FeedEntry, max_chars: int) -> None:
    """Give the article ``entry``'s content and send it back to pending with fresh attempts."""
    article.url = entry.link
    article.title = entry.title
    article.text = entry.text[:max_chars]
    article.published_at = entry.published
    article.content_hash = entry.content_hash
    article.status = ArticleStatus.PENDING
    article.attempts = 0
    article.enqueued_at = None


def mark_enqueued(session: Session, article_ids: Sequence[int], now: datetime) -> None:
    """Remember when each article was handed to the queue, so stale ones can be re-sent."""
    if article_ids:
        session.execute(update(Article).where(Article.id.in_(article_ids)).values(enqueued_at=now))


def stale_pending_ids(session: Session, *, enqueued_before: datetime, limit: int) -> list[int]:
    """Pending articles never enqueued, or enqueued long ago: their message may be lost."""
    query = (
        select(Article.id)
        .where(
            Article.status == ArticleStatus.PENDING,
            or_(Article.enqueued_at.is_(None), Article.enqueued_at < enqueued_before),
        )
        .order_by(Article.id)
        .limit(limit)
    )
    return list(session.scalars(query))


def recent_entry_times(session: Session, feed_id: int, *, since: datetime) -> list[datetime]:
    """When the feed's recent entries appeared (published, else first seen): its rhythm."""
    when = func.coalesce(Article.published_at, Article.first_seen_at)
    query = select(Article.published_at, Article.first_seen_at).where(
        Article.feed_id == feed_id, when >= since
    )
    return [published or seen for published, seen in session.execute(query)]
