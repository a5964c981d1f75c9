"""Articles pushed in by other systems: stored once, recognised again, rejections kept."""

from __future__ import annotations

import enum
import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, or_, select
from sqlalchemy.orm import Session

from worker.domain import FeedEntry
from worker.messages import ArticleSubmission
from worker.store.articles import fill_article
from worker.store.models import Article, RejectedSubmission

MAX_KEPT_PAYLOAD = 64 * 1024


class Intake(enum.StrEnum):
    ACCEPTED = "accepted"  # a new article: process it
    UPDATED = "updated"  # same source id, new text: process it again
    DUPLICATE = "duplicate"  # already stored (same source id, or same URL): nothing to do
    REJECTED = "rejected"  # broke the schema: recorded in rejected_submissions


@dataclass(frozen=True, slots=True)
class IntakeResult:
    outcome: Intake
    article_id: int | None = None
    reason: str | None = None

    @property
    def needs_processing(self) -> bool:
        return self.outcome in (Intake.ACCEPTED, Intake.UPDATED)


def submission_hash(submission: ArticleSubmission, max_chars: int) -> str:
    """Content hash of what is stored, so an unchanged resubmission is a duplicate."""
    content = "\x1f".join((submission.title, submission.text[:max_chars]))
    return hashlib.sha256(content.encode()).hexdigest()


def store_submission(
    session: Session, submission: ArticleSubmission, *, now: datetime, max_chars: int
) -> IntakeResult:
    """Store a valid submission, or recognise it as one already stored.

    Same source and source id with new content is an edit (processed again); the same URL
    from anywhere (a feed included) is a duplicate, so an article is never extracted twice.
    """
    entry = FeedEntry(
        key=submission.key,
        title=submission.title,
        link=submission.url,
        text=submission.text,
        published=submission.published,
        content_hash=submission_hash(submission, max_chars),
    )
    existing = _existing(session, submission)
    if existing is not None:
        same_entry = existing.source == submission.source and existing.entry_key == entry.key
        if not same_entry or existing.content_hash == entry.content_hash:
            return IntakeResult(Intake.DUPLICATE, existing.id)
        article, outcome = existing, Intake.UPDATED
    else:
        article = Article(source=submission.source, entry_key=entry.key, first_seen_at=now)
        session.add(article)
        outcome = Intake.ACCEPTED
    fill_article(article, entry, max_chars)  # the same as a feed entry's, edits included
    session.flush()
    return IntakeResult(outcome, article.id)


def _existing(session: Session, submission: ArticleSubmission) -> Article | None:
    same_entry = (Article.source == submission.source) & (Article.entry_key == submission.key)
    match = or_(same_entry, Article.url == submission.url) if submission.url else same_entry
    # The producer's own entry first: an edit of it must not be mistaken for a URL duplicate.
    first = case((same_entry, 0), else_=1)
    query = select(Article).where(match).order_by(first, Article.id).limit(1)
    return session.scalar(query)


def record_rejection(session: Session, *, source: str | None, reason: str, payload: str) -> int:
    """Keep a rejected message (truncated) and why, so its producer can find out."""
    row = RejectedSubmission(
        source=source[:128] if source else None,
        reason=reason,
        payload=payload[:MAX_KEPT_PAYLOAD],
    )
    session.add(row)
    session.flush()
    return row.id


@dataclass(frozen=True, slots=True)
class Rejection:
    """A rejected message as its producer's operator sees it (the payload stays stored)."""

    id: int
    source: str | None
    reason: str
    received_at: datetime


def recent_rejections(session: Session, *, limit: int) -> list[Rejection]:
    query = select(RejectedSubmission).order_by(RejectedSubmission.id.desc()).limit(limit)
    return [Rejection(r.id, r.source, r.reason, r.received_at) for r in session.scalars(query)]
