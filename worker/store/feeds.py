"""Feeds: registering them, and claiming due ones so that two pollers never poll one twice."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from worker.domain import utcnow
from worker.store.models import Feed


@dataclass(frozen=True, slots=True)
class FeedClaim:
    """A feed this poller has leased: what it needs to fetch it politely."""

    id: int
    url: str
    etag: str | None
    last_modified: str | None
    consecutive_errors: int


@dataclass(frozen=True, slots=True)
class FeedView:
    """A registered feed as an operator sees it: its schedule and its health."""

    id: int
    url: str
    title: str | None
    enabled: bool
    disabled_reason: str | None
    next_check_at: datetime
    consecutive_errors: int
    last_error: str | None

    @classmethod
    def of(cls, feed: Feed) -> FeedView:
        return cls(
            feed.id,
            feed.url,
            feed.title,
            feed.enabled,
            feed.disabled_reason,
            feed.next_check_at,
            feed.consecutive_errors,
            feed.last_error,
        )


def add_feed(session: Session, url: str, title: str | None = None) -> tuple[FeedView, bool]:
    """Register ``url`` (due at once); returns the feed and whether it was new."""
    existing = session.scalar(select(Feed).where(Feed.url == url))
    if existing is not None:
        return FeedView.of(existing), False
    feed = Feed(url=url, title=title, next_check_at=utcnow())
    session.add(feed)
    session.flush()
    return FeedView.of(feed), True


def remove_feed(session: Session, ref: str) -> FeedView | None:
    """Delete a feed named by numeric id or by URL, with its articles; None if there is none."""
    if ref.isdigit():
        feed = session.get(Feed, int(ref))
    else:
        feed = session.scalar(select(Feed).where(Feed.url == ref))
    if feed is None:
        return None
    session.delete(feed)
    return FeedView.of(feed)


def list_feeds(session: Session) -> list[FeedView]:
    return [FeedView.of(feed) for feed in session.scalars(select(Feed).order_by(Feed.id))]


def claim_due_feeds(
    session: Session, now: datetime, *, lease: timedelta, limit: int, force: bool = False
) -> list[FeedClaim]:
    """Lease up to ``limit`` due feeds by pushing their next check past the lease.

    Each claim is a compare-and-set on ``next_check_at``: of two pollers racing for one feed,
    only one update matches, so the feed is fetched once. ``force`` claims enabled feeds that
    are not yet due (a one-off ``poll --all``).
    """
    query = select(Feed).where(Feed.enabled.is_(True)).order_by(Feed.next_check_at).limit(limit)
    if not force:
        query = query.where(Feed.next_check_at <= now)
    claims = []
    for feed in session.scalars(query).all():
        won = session.execute(
            update(Feed)
            .where(Feed.id == feed.id, Feed.next_check_at == feed.next_check_at)
            .values(next_check_at=now + lease)
            .execution_options(synchronize_session=False)
        )
        if won.rowcount == 1:  # type: ignore[attr-defined]
            claims.append(
                FeedClaim(feed.id, feed.url, feed.etag, feed.last_modified, feed.consecutive_errors)
            )
    session.commit()
    return claims


def record_success(
    session: Session,
    feed_id: int,
    *,
    now: datetime,
    next_check_at: datetime,
    status: int,
    etag: str | None,
    last_modified: str | None,
    title: str | None = None,
    new_url: str | None = None,
) -> None:
    """Store what a successful check learnt: validators, schedule, a moved URL, the title."""
    feed = session.get_one(Feed, feed_id)
    feed.last_checked_at = feed.last_success_at = now
    feed.next_check_at = next_check_at
    feed.last_status = status
    feed.consecutive_errors = 0
    feed.last_error = None
    feed.etag = etag or feed.etag
    feed.last_modified = last_modified or feed.last_modified
    if title and not feed.title:
        feed.title = title[:512]
    if new_url and new_url != feed.url and not _url_taken(session, new_url):
        feed.url = new_url


def record_failure(
    session: Session, feed_id: int, *, now: datetime, next_check_at: datetime, error: str
) -> None:
    """Count a failed check and schedule the next one; polling never stops on errors alone."""
    feed = session.get_one(Feed, feed_id)
    feed.last_checked_at = now
    feed.next_check_at = next_check_at
    feed.consecutive_errors += 1
    feed.last_error = error


def disable_feed(session: Session, feed_id: int, *, now: datetime, reason: str) -> None:
    """Stop polling a feed (410 Gone); ``feeds add`` of the same URL does not re-enable it."""
    feed = session.get_one(Feed, feed_id)
    feed.enabled = False
    feed.disabled_reason = reason
    feed.last_checked_at = now
    feed.last_error = reason


def _url_taken(session: Session, url: str) -> bool:
    return session.scalar(select(Feed.id).where(Feed.url == url)) is not None


def next_due(session: Session) -> datetime | None:
    """When the next enabled feed falls due (None: no enabled feed), timezone-aware UTC."""
    due = session.scalar(select(func.min(Feed.next_check_at)).where(Feed.enabled.is_(True)))
    if due is not None and due.tzinfo is None:  # SQLite's func.min bypasses the column type
        due = due.replace(tzinfo=UTC)
    return due
