"""Dead letters: articles given up on, kept in the database because Redis has no DLQ."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from worker.domain import utcnow
from worker.store.models import Article, ArticleStatus, DeadLetter


def dead_letter(session: Session, article: Article, reason: str) -> DeadLetter:
    """Mark the article dead and record why; it is not retried until replayed."""
    article.status = ArticleStatus.DEAD
    letter = DeadLetter(article_id=article.id, reason=reason, attempts=article.attempts)
    session.add(letter)
    return letter


def open_dead_letters(session: Session) -> list[DeadLetter]:
    """Dead letters not yet replayed, oldest first."""
    query = select(DeadLetter).where(DeadLetter.replayed_at.is_(None)).order_by(DeadLetter.id)
    return list(session.scalars(query))


def reopen(session: Session, letter: DeadLetter) -> int:
    """Give the article a fresh set of attempts; returns its id for the caller to enqueue."""
    article = session.get_one(Article, letter.article_id)
    article.status = ArticleStatus.PENDING
    article.attempts = 0
    article.enqueued_at = None
    letter.replayed_at = utcnow()
    return article.id
