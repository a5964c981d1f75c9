"""Reading and writing one article's results: replace, never append, so a re-run leaves one set.

``worker.pipeline.results`` reads the old results here, diffs them (``worker.events``, pure),
writes the new ones here and stages the events (``worker.store.outbox``). Rows go in as one
bulk INSERT per table (lists of parameter dicts), not as ORM objects: an article has about 50
mentions, and building, tracking and flushing an object for each cost about half the store's
CPU.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from worker import domain
from worker.domain import utcnow
from worker.store.models import (
    Article,
    ArticleEntity,
    ArticleStatus,
    Commitment,
    Entity,
    Mention,
)


def previous_results(
    session: Session, article_id: int
) -> tuple[list[domain.Commitment], dict[str, domain.Entity]]:
    """The article's stored commitments as domain values, and the entities they name."""
    rows = list(
        session.scalars(
            select(Commitment).where(Commitment.article_id == article_id).order_by(Commitment.id)
        )
    )
    if not rows:
        return [], {}
    roles: dict[int, list[str]] = {
        entity_id: entity_roles
        for entity_id, entity_roles in session.execute(
            select(ArticleEntity.entity_id, ArticleEntity.roles).where(
                ArticleEntity.article_id == article_id
            )
        )
    }
    ids = {i for r in rows for i in (r.actor_id, r.target_id, r.speaker_id, r.beneficiary_id) if i}
    by_id = {e.id: e for e in session.scalars(select(Entity).where(Entity.id.in_(ids)))}
    keys_by_id = {entity_id: e.key for entity_id, e in by_id.items()}

    def key(entity_id: int | None) -> str | None:
        return keys_by_id.get(entity_id) if entity_id else None

    commitments = [
        domain.Commitment(
            type=r.type,
            status=r.status,  # type: ignore[arg-type]  # the store only holds valid statuses
            actor_key=key(r.actor_id),
            target_key=key(r.target_id),
            sentence=r.sentence,
            start=r.start,
            end=r.end,
            confidence=r.confidence,
            speaker_key=key(r.speaker_id),
            co_actor_keys=tuple(r.co_actor_keys),
            beneficiary_key=key(r.beneficiary_id),
        )
        for r in rows
    ]
    named = {
        e.key: domain.Entity(
            key=e.key,
            name=e.name,
            type=e.type,  # type: ignore[arg-type]  # the store only holds valid types
            wikidata_id=e.wikidata_id,
            roles=tuple(roles.get(e.id, ())),
        )
        for e in by_id.values()
    }
    return commitments, named


def write_results(
    session: Session,
    article_id: int,
    extraction: domain.Extraction,
    keys: list[str],
    *,
    replace: bool,
    extract_seconds: float | None = None,
) -> None:
    """Swap the article's entities, mentions and commitments for ``extraction``'s; mark it done.

    ``keys`` are the commitments' stable keys (``worker.events``); ``replace`` says there are
    old rows to delete (the article was processed before). Call it with the article's row
    locked, inside one transaction.
    """
    if replace:
        for table in (Mention, Commitment, ArticleEntity):
            session.execute(delete(table).where(table.article_id == article_id))
    ids = upsert_entities(session, extraction.entities)
    for table, rows in (
        (ArticleEntity, _article_entities(article_id, extraction.entities, ids)),
        (Mention, _mentions(article_id, extraction.mentions, ids)),
        (Commitment, _commitments(article_id, extraction, keys, ids)),
    ):
        if rows:
            session.execute(insert(table), rows)
    article = session.get_one(Article, article_id)
    article.status = ArticleStatus.DONE
    article.processed_hash = article.content_hash
    article.extractor_version = extraction.extractor_version
    article.processed_at = utcnow()
    article.extract_seconds = extract_seconds


def upsert_entities(session: Session, entities: Iterable[domain.Entity]) -> dict[str, int]:
    """Ensure one row per entity key; returns key → id. Safe against concurrent inserts.

    Entities recur across articles, so the ids are looked up first and only the keys never
    seen before are inserted: in steady state one SELECT, not an INSERT and a SELECT.
    """
    rows = {
        e.key: {"key": e.key, "name": e.name, "type": e.type, "wikidata_id": e.wikidata_id}
        for e in entities
    }
    ids = _entity_ids(session, rows)
    if missing := [key for key in rows if key not in ids]:
        insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
        new_rows = [rows[key] for key in missing]
        statement = insert(Entity).values(new_rows).on_conflict_do_nothing(index_elements=["key"])
        session.execute(statement)  # a racing worker may have inserted some: nothing happens
        ids |= _entity_ids(session, missing)
    return ids


def _entity_ids(session: Session, keys: Iterable[str]) -> dict[str, int]:
    keys = list(keys)
    if not keys:
        return {}
    found = session.execute(select(Entity.key, Entity.id).where(Entity.key.in_(keys)))
    return {key: entity_id for key, entity_id in found}


Row = dict[str, Any]


def _article_entities(
    article_id: int, entities: Iterable[domain.Entity], ids: dict[str, int]
) -> list[Row]:
    return [
        {"article_id": article_id, "entity_id": ids[e.key], "roles": list(e.roles)}
        for e in entities
    ]


def _mentions(
    article_id: int, mentions: Iterable[domain.Mention], ids: dict[str, int]
) -> list[Row]:
    return [
        {
            "article_id": article_id,
            "entity_id": ids[m.entity_key],
            "start": m.start,
            "end": m.end,
            "text": m.text[:512],
        }
        for m in mentions
        if m.entity_key in ids
    ]


def _commitments(
    article_id: int, extraction: domain.Extraction, keys: list[str], ids: dict[str, int]
) -> list[Row]:
    def entity_id(key: str | None) -> int | None:
        return ids.get(key) if key else None

    return [
        {
            "article_id": article_id,
            "key": key,
            "type": c.type,
            "status": c.status,
            "actor_id": entity_id(c.actor_key),
            "target_id": entity_id(c.target_key),
            "speaker_id": entity_id(c.speaker_key),
            "beneficiary_id": entity_id(c.beneficiary_key),
            "co_actor_keys": list(c.co_actor_keys),
            "sentence": c.sentence,
            "start": c.start,
            "end": c.end,
            "confidence": c.confidence,
            "extractor_version": extraction.extractor_version,
        }
        for key, c in zip(keys, extraction.commitments, strict=True)
    ]
