"""Processing an article: results once, attempts bounded, poison dead-lettered, replayable."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime

from sqlalchemy import func, select

from tests.helpers import ScriptedExtractor, entry
from worker.errors import ExtractionError
from worker.pipeline.processor import Outcome, process_article
from worker.store.articles import save_entries
from worker.store.db import Sessions
from worker.store.dead_letters import open_dead_letters, reopen
from worker.store.feeds import add_feed
from worker.store.models import Article, Commitment

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def _article(sessions: Sessions, key: str = "a") -> int:
    with sessions.begin() as session:
        feed, _ = add_feed(session, "https://news.test/feed")
        [article_id] = save_entries(session, feed.id, [entry(key)], now=NOW, max_chars=10_000)
        return article_id


def _commitments(sessions: Sessions) -> int:
    with sessions() as session:
        return int(session.scalar(select(func.count(Commitment.id))) or 0)


def test_processor_stores_results_then_skips_unchanged(sessions: Sessions) -> None:
    article_id = _article(sessions)
    extractor = ScriptedExtractor()
    first = process_article(sessions, extractor, article_id, max_attempts=3)
    second = process_article(sessions, extractor, article_id, max_attempts=3)
    assert (first.outcome, second.outcome) == (Outcome.DONE, Outcome.UNCHANGED)
    assert extractor.calls == 1
    assert _commitments(sessions) == 1


def test_processor_reprocesses_for_a_new_extractor_version(sessions: Sessions) -> None:
    article_id = _article(sessions)
    process_article(sessions, ScriptedExtractor(version="v1"), article_id, max_attempts=3)
    result = process_article(sessions, ScriptedExtractor(version="v2"), article_id, max_attempts=3)
    assert result.outcome is Outcome.DONE
    assert _commitments(sessions) == 1
    with sessions() as session:
        assert session.get_one(Article, article_id).extractor_version == "v2"


def test_processor_retries_unknown_errors_then_dead_letters(sessions: Sessions) -> None:
    article_id = _article(sessions)
    extractor = ScriptedExtractor(errors=[RuntimeError("boom")] * 3)
    outcomes = [
        process_article(sessions, extractor, article_id, max_attempts=3).outcome for _ in range(3)
    ]
    assert outcomes == [Outcome.RETRY, Outcome.RETRY, Outcome.DEAD]
    with sessions() as session:
        [letter] = open_dead_letters(session)
        assert letter.article_id == article_id
        assert "RuntimeError: boom" in letter.reason
        assert letter.attempts == 3
    # A dead article is not processed again until replayed.
    assert process_article(sessions, extractor, article_id, max_attempts=3).outcome is Outcome.DEAD
    assert extractor.calls == 3


def test_processor_dead_letters_permanent_errors_at_once(sessions: Sessions) -> None:
    article_id = _article(sessions)
    extractor = ScriptedExtractor(errors=[ExtractionError("unreadable")])
    result = process_article(sessions, extractor, article_id, max_attempts=5)
    assert (result.outcome, result.attempts) == (Outcome.DEAD, 1)


def test_processor_bounds_attempts_when_the_worker_dies_each_time(sessions: Sessions) -> None:
    """A worker killed mid-extraction never records a failure; the counter still bounds it."""
    article_id = _article(sessions)

    class Killed(BaseException):
        """Stands in for the process dying: nothing after it runs."""

    extractor = ScriptedExtractor(errors=[Killed()] * 3)  # type: ignore[list-item]
    for _ in range(3):
        with contextlib.suppress(Killed):
            process_article(sessions, extractor, article_id, max_attempts=3)
    result = process_article(sessions, extractor, article_id, max_attempts=3)
    assert result.outcome is Outcome.DEAD
    assert "gave up after 3 attempts" in (result.error or "")
    assert extractor.calls == 3


def test_processor_replayed_dead_letter_runs_again(sessions: Sessions) -> None:
    article_id = _article(sessions)
    poison = ScriptedExtractor(errors=[ExtractionError("bad")])
    process_article(sessions, poison, article_id, max_attempts=3)
    with sessions.begin() as session:
        [letter] = open_dead_letters(session)
        assert reopen(session, letter) == article_id
    fixed = ScriptedExtractor()
    assert process_article(sessions, fixed, article_id, max_attempts=3).outcome is Outcome.DONE
    with sessions() as session:
        assert open_dead_letters(session) == []
    assert _commitments(sessions) == 1


def test_processor_missing_article_is_not_an_error(sessions: Sessions) -> None:
    result = process_article(sessions, ScriptedExtractor(), 999_999, max_attempts=3)
    assert result.outcome is Outcome.MISSING


def test_processor_discards_results_of_an_article_edited_meanwhile(sessions: Sessions) -> None:
    article_id = _article(sessions)

    class EditingExtractor(ScriptedExtractor):
        def extract(self, article):  # type: ignore[no-untyped-def]
            with sessions.begin() as session:  # the poller stores an edit mid-extraction
                save_entries(session, 1, [entry("a", text="Edited.")], now=NOW, max_chars=100)
            return super().extract(article)

    result = process_article(sessions, EditingExtractor(), article_id, max_attempts=3)
    assert result.outcome is Outcome.SUPERSEDED
    assert _commitments(sessions) == 0
