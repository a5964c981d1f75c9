"""Storing an article's results: read the old, diff them (pure), write the new, stage events.

One transaction, the article's row locked by the caller: two deliveries of one message then
run one after the other and leave one set of rows and one set of events. The diff is
``worker.events`` (pure); the reads and writes are the store's.
"""

from __future__ import annotations

from worker.domain import Extraction
from worker.events import diff_extraction
from worker.store.articles import StoredArticle
from worker.store.db import Session
from worker.store.extractions import previous_results, write_results
from worker.store.outbox import stage_events


def save_results(
    session: Session,
    article: StoredArticle,
    extraction: Extraction,
    *,
    extract_seconds: float | None = None,
) -> int:
    """Replace the article's results with ``extraction``'s; the number of events staged.

    ``extract_seconds``, how long the extractor took, is kept for the extraction-time metric.
    An article never processed has no rows to read or delete: the first extraction (nearly
    every one) skips those queries.
    """
    before, before_entities = (
        previous_results(session, article.id) if article.processed else ([], {})
    )
    diff = diff_extraction(article.id, before, before_entities, extraction)
    write_results(
        session,
        article.id,
        extraction,
        diff.keys,
        replace=article.processed,
        extract_seconds=extract_seconds,
    )
    return stage_events(
        session,
        article.id,
        diff.changes,
        entities=diff.entities,
        version=extraction.extractor_version,
    )
