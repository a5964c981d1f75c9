"""Read-only views for people: the run summary, ``stats`` and ``export``."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from worker.store.models import (
    Article,
    Commitment,
    DeadLetter,
    Entity,
    Feed,
    Mention,
    RejectedSubmission,
)
from worker.store.outbox import pending_count


@dataclass(frozen=True, slots=True)
class Stats:
    """Counts across the store, for the run summary and ``commitwatch stats``."""

    feeds: int
    feeds_failing: int
    feeds_disabled: int
    articles_by_status: dict[str, int]
    entities_by_type: dict[str, int]
    mentions: int
    commitments_by_type: dict[str, int]
    dead_letters_open: int
    events_unpublished: int = 0
    submissions_rejected: int = 0
    examples: list[dict[str, Any]] = field(default_factory=list)

    @property
    def articles(self) -> int:
        return sum(self.articles_by_status.values())

    @property
    def commitments(self) -> int:
        return sum(self.commitments_by_type.values())


def stats(session: Session, *, examples: int = 0) -> Stats:
    """Counts, and the ``examples`` most confident commitments."""
    return Stats(
        feeds=_count(session, select(func.count(Feed.id))),
        feeds_failing=_count(
            session, select(func.count(Feed.id)).where(Feed.consecutive_errors > 0)
        ),
        feeds_disabled=_count(session, select(func.count(Feed.id)).where(Feed.enabled.is_(False))),
        articles_by_status=_grouped(session, Article.status, Article.id),
        entities_by_type=_grouped(session, Entity.type, Entity.id),
        mentions=_count(session, select(func.count(Mention.id))),
        commitments_by_type=_grouped(session, Commitment.type, Commitment.id),
        dead_letters_open=_count(
            session, select(func.count(DeadLetter.id)).where(DeadLetter.replayed_at.is_(None))
        ),
        events_unpublished=pending_count(session),
        submissions_rejected=_count(session, select(func.count(RejectedSubmission.id))),
        examples=list(commitment_rows(session, limit=examples)) if examples else [],
    )


def commitment_rows(
    session: Session,
    *,
    type_: str | None = None,
    actor: str | None = None,
    since: datetime | None = None,
    limit: int | None = None,
) -> Iterator[dict[str, Any]]:
    """Commitments as flat rows, most confident first; ``actor`` matches name or key."""
    actor_e, target_e, speaker_e = aliased(Entity), aliased(Entity), aliased(Entity)
    query = (
        select(Commitment, Article, actor_e, target_e, speaker_e)
        .join(Article, Commitment.article_id == Article.id)
        .outerjoin(actor_e, Commitment.actor_id == actor_e.id)
        .outerjoin(target_e, Commitment.target_id == target_e.id)
        .outerjoin(speaker_e, Commitment.speaker_id == speaker_e.id)
        .order_by(Commitment.confidence.desc(), Commitment.id)
    )
    if type_:
        query = query.where(Commitment.type == type_)
    if actor:
        query = query.where((actor_e.name == actor) | (actor_e.key == actor))
    if since:
        query = query.where(func.coalesce(Article.published_at, Article.first_seen_at) >= since)
    if limit:
        query = query.limit(limit)
    for commitment, article, actor_row, target_row, speaker_row in session.execute(query):
        yield {
            "id": commitment.id,
            "type": commitment.type,
            "status": commitment.status,
            "actor": actor_row.name if actor_row else None,
            "actor_key": actor_row.key if actor_row else None,
            "target": target_row.name if target_row else None,
            "target_key": target_row.key if target_row else None,
            "speaker": speaker_row.name if speaker_row else None,
            "co_actor_keys": list(commitment.co_actor_keys),
            "sentence": commitment.sentence,
            "start": commitment.start,
            "end": commitment.end,
            "confidence": commitment.confidence,
            "extractor_version": commitment.extractor_version,
            "article_id": article.id,
            "article_title": article.title,
            "article_url": article.url,
            "published_at": _iso(article.published_at or article.first_seen_at),
        }


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _count(session: Session, query: Any) -> int:
    return int(session.scalar(query) or 0)


def _grouped(session: Session, key: Any, counted: Any) -> dict[str, int]:
    rows = session.execute(select(key, func.count(counted)).group_by(key).order_by(key))
    return {str(name): int(count) for name, count in rows}
