"""Submissions: stored once, edits processed again, duplicates recognised, rejections kept."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select

from tests.helpers import ScriptedExtractor, entry
from worker.intake.submissions import submit
from worker.pipeline.processor import Outcome, process_article
from worker.store.articles import save_entries, stale_pending_ids
from worker.store.db import Sessions
from worker.store.feeds import add_feed
from worker.store.models import Article, OutboxEvent, RejectedSubmission
from worker.store.submissions import Intake

MESSAGE: dict[str, Any] = {
    "source": "wire",
    "source_id": "a1",
    "url": "https://wire.test/a1",
    "title": "Sanctions",
    "text": "The United Kingdom will impose sanctions on Russia.",
    "published": "2026-11-25T08:00:00Z",
}


def _articles(sessions: Sessions) -> int:
    with sessions() as session:
        return int(session.scalar(select(func.count(Article.id))) or 0)


def test_intake_stores_a_new_submission_pending_for_processing(sessions: Sessions) -> None:
    result = submit(sessions, MESSAGE, max_chars=1000)
    assert result.outcome is Intake.ACCEPTED and result.needs_processing
    with sessions() as session:
        article = session.get_one(Article, result.article_id)
        assert (article.source, article.entry_key, article.feed_id) == ("wire", "a1", None)
        assert article.published_at == datetime(2026, 11, 25, 8, tzinfo=UTC)
        # never enqueued yet: the daemon's stale sweep would send it if the hand-off failed
        assert stale_pending_ids(session, enqueued_before=datetime.now(UTC), limit=5) == [
            article.id
        ]


def test_intake_recognises_resubmissions_and_takes_edits(sessions: Sessions) -> None:
    first = submit(sessions, MESSAGE, max_chars=1000)
    again = submit(sessions, MESSAGE, max_chars=1000)
    edited = submit(sessions, {**MESSAGE, "text": "Corrected: no sanctions."}, max_chars=1000)
    assert (again.outcome, again.article_id) == (Intake.DUPLICATE, first.article_id)
    assert (edited.outcome, edited.article_id) == (Intake.UPDATED, first.article_id)
    assert _articles(sessions) == 1
    with sessions() as session:
        assert session.get_one(Article, first.article_id).text == "Corrected: no sanctions."


def test_intake_the_same_url_from_another_source_or_a_feed_is_a_duplicate(
    sessions: Sessions,
) -> None:
    with sessions.begin() as session:
        feed, _ = add_feed(session, "https://news.test/feed")
        [from_feed] = save_entries(
            session, feed.id, [entry("x")], now=datetime.now(UTC), max_chars=99
        )
    other = {**MESSAGE, "source": "agency", "source_id": "zz", "url": "https://news.test/x"}
    result = submit(sessions, other, max_chars=1000)
    assert (result.outcome, result.article_id) == (Intake.DUPLICATE, from_feed)
    assert _articles(sessions) == 1


def test_intake_an_invalid_message_is_recorded_with_its_reason(sessions: Sessions) -> None:
    result = submit(sessions, {"source": "wire", "url": "https://wire.test/b"}, max_chars=99)
    assert result.outcome is Intake.REJECTED and not result.needs_processing
    submit(sessions, b"\xff\xfe not json", max_chars=99)
    with sessions() as session:
        rows = session.scalars(select(RejectedSubmission).order_by(RejectedSubmission.id)).all()
        assert [(r.source, r.reason) for r in rows] == [
            ("wire", "text: Field required"),
            (None, rows[1].reason),
        ]
        assert rows[1].reason.startswith("not JSON")
        assert '"url": "https://wire.test/b"' in rows[0].payload
    assert _articles(sessions) == 0


def test_intake_simultaneous_duplicates_store_one_article(sessions: Sessions) -> None:
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: submit(sessions, MESSAGE, max_chars=1000), range(8)))
    outcomes = sorted(r.outcome for r in results)
    assert outcomes.count(Intake.ACCEPTED) == 1
    assert outcomes.count(Intake.DUPLICATE) == 7
    assert len({r.article_id for r in results}) == 1
    assert _articles(sessions) == 1


def test_intake_a_submitted_article_is_processed_and_its_events_name_the_source(
    sessions: Sessions,
) -> None:
    accepted = submit(sessions, MESSAGE, max_chars=1000)
    assert accepted.article_id is not None
    result = process_article(sessions, ScriptedExtractor(), accepted.article_id, max_attempts=3)
    assert (result.outcome, result.events) == (Outcome.DONE, 1)
    with sessions() as session:
        payload = session.scalars(select(OutboxEvent.payload)).one()
    assert '"source":{"kind":"submission","name":"wire","title":null,"source_id":"a1"}' in payload
