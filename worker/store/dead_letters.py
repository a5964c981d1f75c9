"""Dead letters: articles given up on, kept in the database because Redis has no DLQ."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from worker.domain import utcnow
from worker.store.models import Article, ArticleStatus, DeadLetter


def dead_letter(session: Session, article_id: int, reason: str) -> int:
    """Mark the article dead and record why; it is not retried until replayed. Its attempts."""
    article = session.get_one(Article, article_id)
    article.status = ArticleStatus.DEAD
    session.add(DeadLetter(article_id=article.id, reason=reason, attempts=article.attempts))
    return article.attempts


@dataclass(frozen=True, slots=True)
class DeadLetterView:
    """A dead letter as an operator sees it."""

    id: int
    article_id: int
    reason: str
    attempts: int
    created_at: datetime


def open_dead_letters(session: Session) -> list[DeadLetterView]:
    """Dead letters not yet replayed, oldest first."""
    query = select(DeadLetter).where(DeadLetter.replayed_at.is_(None)).order_by(DeadLetter.id)
    return [
        DeadLetterView(d.id, d.article_id, d.reason, d.attempts, d.created_at)
        for d in session.scalars(query)
    ]


def reopen(session: Session, letter: DeadLetterView) -> int:
    """Give the article a fresh set of attempts; returns its id for the caller to enqueue."""
    article = session.get_one(Article, letter.article_id)
    article.status = ArticleStatus.PENDING
    article.attempts = 0
    article.enqueued_at = None
    session.get_one(DeadLetter, letter.id).replayed_at = utcnow()
    return article.id
