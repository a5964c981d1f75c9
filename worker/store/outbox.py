"""The transactional outbox: commitment events written with the results, published after commit.

``stage_events`` runs inside the transaction that replaces an article's results, so an event
exists if and only if its results were committed. The relay (``worker.outbound.relay``)
reads unpublished rows in id order, publishes them and marks them published; a crash in between
publishes the same row, with the same ``event_id``, again: delivery is at least once.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from worker import domain
from worker.domain import utcnow
from worker.events import Change, commitment_event
from worker.messages import EventArticle, EventSource
from worker.store.models import (
    Article,
    OutboxEvent,
)


def stage_events(
    session: Session,
    article_id: int,
    changes: Sequence[Change],
    *,
    entities: Mapping[str, domain.Entity],
    version: str,
) -> int:
    """Add one outbox row per change, in the caller's transaction; returns how many."""
    article = session.get_one(Article, article_id)
    now = utcnow()
    event_article = EventArticle(
        id=article.id,
        url=article.url,
        title=article.title,
        published_at=article.published_at,
        content_hash=article.content_hash,
    )
    source = _source(article)
    rows = []
    for change in changes:
        event = commitment_event(
            change,
            event_id=str(uuid.uuid4()),
            occurred_at=now,
            entities=entities,
            version=version,
            article=event_article,
            source=source,
        )
        rows.append(
            {
                "event_id": event.event_id,
                "type": event.type,
                "article_id": article.id,
                "payload": event.model_dump_json(by_alias=True),
                "created_at": now,
            }
        )
    if rows:  # one bulk INSERT, like the results it describes
        session.execute(insert(OutboxEvent), rows)
    return len(changes)


def _source(article: Article) -> EventSource:
    if article.feed is not None:
        return EventSource(kind="feed", name=article.feed.url, title=article.feed.title)
    return EventSource(kind="submission", name=str(article.source), source_id=article.entry_key)


def unpublished(session: Session, *, limit: int) -> list[OutboxEvent]:
    """The oldest unpublished events, locked so two relays never take the same rows."""
    query = (
        select(OutboxEvent)
        .where(OutboxEvent.published_at.is_(None))
        .order_by(OutboxEvent.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list(session.scalars(query))


def mark_published(session: Session, events: Sequence[OutboxEvent], now: datetime) -> None:
    if events:
        ids = [event.id for event in events]
        session.execute(update(OutboxEvent).where(OutboxEvent.id.in_(ids)).values(published_at=now))


def prune_published(session: Session, *, before: datetime) -> int:
    """Forget events published before ``before``: the stream holds them now."""
    result = session.execute(
        delete(OutboxEvent).where(
            OutboxEvent.published_at.is_not(None), OutboxEvent.published_at < before
        )
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def pending_count(session: Session) -> int:
    """Events not yet published (for stats and metrics)."""
    query = select(func.count(OutboxEvent.id)).where(OutboxEvent.published_at.is_(None))
    return int(session.scalar(query) or 0)
