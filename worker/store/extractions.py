"""Writing one article's extraction: replace, never append, so a re-run leaves one set.

The same transaction stages an outbox event for every commitment that is new, changed or gone.
Rows go in as one bulk INSERT per table (lists of parameter dicts), not as ORM objects: an
article has about 50 mentions, and building, tracking and flushing an object for each cost
about half the store's CPU.
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
from worker.events import commitment_keys, diff_commitments
from worker.store.models import (
    Article,
    ArticleEntity,
    ArticleStatus,
    Commitment,
    Entity,
    Mention,
)
from worker.store.outbox import stage_events, stored_commitments


def replace_extraction(
    session: Session,
    article: Article,
    extraction: domain.Extraction,
    *,
    extract_seconds: float | None = None,
) -> int:
    """Swap the article's entities, mentions and commitments for ``extraction``'s.

    ``extract_seconds``, how long the extractor took, is kept for the extraction-time metric.

    Call it with the article row locked (``with_for_update``) inside one transaction: two
    deliveries of the same message then run one after the other and leave one set of rows.
    It sets ``processed_at`` in that transaction, so an article without one has no rows to
    delete or compare: the first extraction (nearly every one) skips those queries.
    Returns the number of commitment events staged (0 when nothing changed).
    """
    before: list[domain.Commitment] = []
    old_entities: dict[str, domain.Entity] = {}
    if article.processed_at is not None:  # else no rows yet: only this function writes them
        before, old_entities = stored_commitments(session, article.id)
        for table in (Mention, Commitment, ArticleEntity):
            session.execute(delete(table).where(table.article_id == article.id))
    ids = upsert_entities(session, extraction.entities)
    keys = commitment_keys(article.id, extraction.commitments)
    for table, rows in (
        (ArticleEntity, _article_entities(article.id, extraction.entities, ids)),
        (Mention, _mentions(article.id, extraction.mentions, ids)),
        (Commitment, _commitments(article.id, extraction, keys, ids)),
    ):
        if rows:
            session.execute(insert(table), rows)
    changes = diff_commitments(
        dict(zip(commitment_keys(article.id, before), before, strict=True)),
        dict(zip(keys, extraction.commitments, strict=True)),
    )
    entities = {**old_entities, **{e.key: e for e in extraction.entities}}
    staged = stage_events(
        session, article, changes, entities=entities, version=extraction.extractor_version
    )
    article.status = ArticleStatus.DONE
    article.processed_hash = article.content_hash
    article.extractor_version = extraction.extractor_version
    article.processed_at = utcnow()
    article.extract_seconds = extract_seconds
    return staged


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
