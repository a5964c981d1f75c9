"""ORM classes. They stay inside ``worker.store``; the rest of the service sees domain values."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from worker.domain import ArticleStatus, utcnow

__all__ = ["ArticleStatus", "utcnow"]  # re-exported: the columns' defaults


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp that always comes back timezone-aware UTC (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use an aware UTC datetime")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime,
        dict[str, Any]: JSON,
        list[str]: JSON,
    }


class Feed(Base):
    """A feed to poll, with the validators and schedule state that make polling polite."""

    __tablename__ = "feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2048), unique=True)
    title: Mapped[str | None] = mapped_column(String(512))
    enabled: Mapped[bool] = mapped_column(default=True)
    disabled_reason: Mapped[str | None] = mapped_column(Text)
    etag: Mapped[str | None] = mapped_column(String(512))
    last_modified: Mapped[str | None] = mapped_column(String(128))
    next_check_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    last_checked_at: Mapped[datetime | None]
    last_success_at: Mapped[datetime | None]
    last_status: Mapped[int | None]
    consecutive_errors: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    articles: Mapped[list[Article]] = relationship(back_populates="feed", passive_deletes=True)


class Article(Base):
    """One article as text, from a feed or submitted by a producer (``source``).

    ``entry_key`` identifies it within its feed or source (a feed entry's key, a producer's
    ``source_id``); ``content_hash`` versus ``processed_hash`` tells an edit apart.
    """

    __tablename__ = "articles"
    __table_args__ = (
        UniqueConstraint("feed_id", "entry_key", name="uq_articles_feed_entry"),
        UniqueConstraint("source", "entry_key", name="uq_articles_source_entry"),
        CheckConstraint("(feed_id IS NULL) <> (source IS NULL)", name="ck_articles_one_origin"),
        Index("ix_articles_status_enqueued", "status", "enqueued_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    feed_id: Mapped[int | None] = mapped_column(ForeignKey("feeds.id", ondelete="CASCADE"))
    source: Mapped[str | None] = mapped_column(String(128))
    entry_key: Mapped[str] = mapped_column(String(1024))
    url: Mapped[str | None] = mapped_column(String(2048))
    title: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[datetime | None]
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    content_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default=ArticleStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    enqueued_at: Mapped[datetime | None]
    processed_at: Mapped[datetime | None]
    processed_hash: Mapped[str | None] = mapped_column(String(64))
    extractor_version: Mapped[str | None] = mapped_column(String(64))
    # Wall-clock seconds the stored extraction took: the extraction-time metric reads it.
    extract_seconds: Mapped[float | None] = mapped_column(Float)

    feed: Mapped[Feed | None] = relationship(back_populates="articles")


class Entity(Base):
    """A real-world entity, one row across all articles, found by its stable ``key``."""

    __tablename__ = "entities"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(256), unique=True)
    name: Mapped[str] = mapped_column(String(512))
    type: Mapped[str] = mapped_column(String(16), index=True)
    wikidata_id: Mapped[str | None] = mapped_column(String(32))


class ArticleEntity(Base):
    """That an article names an entity, with the roles the article gives it."""

    __tablename__ = "article_entities"

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    entity_id: Mapped[int] = mapped_column(ForeignKey("entities.id"), primary_key=True, index=True)
    roles: Mapped[list[str]] = mapped_column(default=list)


class Mention(Base):
    """One occurrence of an entity in an article's text, by character span."""

    __tablename__ = "mentions"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    entity_id: Mapped[int] = mapped_column(ForeignKey("entities.id"), index=True)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(String(512))


class Commitment(Base):
    """An actor's announced, pledged, proposed or refused action, with its evidence sentence."""

    __tablename__ = "commitments"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str | None] = mapped_column(String(64), index=True)  # see worker.events
    type: Mapped[str] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("entities.id"), index=True)
    target_id: Mapped[int | None] = mapped_column(ForeignKey("entities.id"))
    speaker_id: Mapped[int | None] = mapped_column(ForeignKey("entities.id"))
    beneficiary_id: Mapped[int | None] = mapped_column(ForeignKey("entities.id"))
    co_actor_keys: Mapped[list[str]] = mapped_column(default=list)
    sentence: Mapped[str] = mapped_column(Text)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    confidence: Mapped[float] = mapped_column(Float)
    extractor_version: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    article: Mapped[Article] = relationship()
    actor: Mapped[Entity | None] = relationship(foreign_keys=[actor_id])
    target: Mapped[Entity | None] = relationship(foreign_keys=[target_id])
    speaker: Mapped[Entity | None] = relationship(foreign_keys=[speaker_id])


class DeadLetter(Base):
    """An article given up on after its attempts, kept so it can be inspected and replayed."""

    __tablename__ = "dead_letters"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    reason: Mapped[str] = mapped_column(Text)
    attempts: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    replayed_at: Mapped[datetime | None]


class OutboxEvent(Base):
    """A commitment event committed with the results it describes, waiting to be published.

    The transactional outbox: the event row is written in the same transaction as the
    commitments, and a relay publishes it to the stream only after that commit. No
    foreign key to the article: an event outlives the article's deletion.
    """

    __tablename__ = "outbox_events"

    id: Mapped[int] = mapped_column(primary_key=True)  # publication order
    event_id: Mapped[str] = mapped_column(String(36), unique=True)
    type: Mapped[str] = mapped_column(String(32))
    article_id: Mapped[int] = mapped_column(index=True)
    payload: Mapped[str] = mapped_column(Text)  # the event's JSON, exactly as published
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(index=True)


class RejectedSubmission(Base):
    """A submitted message that broke the schema: kept with the reason, for the producer."""

    __tablename__ = "rejected_submissions"

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str | None] = mapped_column(String(128))
    reason: Mapped[str] = mapped_column(Text)
    payload: Mapped[str] = mapped_column(Text)  # truncated to 64 KiB
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
