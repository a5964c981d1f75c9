"""Processing one article: load it, extract, replace its results. The task's whole logic.

The Celery task (through the runtime) and the in-process dispatch both call
``process_article``; neither adds logic of its own. The attempt counter lives in the
database, bumped *before* extracting, so an article that kills its worker every time is still
dead-lettered after ``max_attempts`` deliveries instead of looping forever (Redis has no
redelivery count).
"""

from __future__ import annotations

import enum
import logging
import time
from dataclasses import dataclass

from worker.domain import ArticleStatus, ArticleText, Extraction
from worker.errors import CommitwatchError
from worker.extract import Extractor
from worker.logs import log_context
from worker.pipeline.results import save_results
from worker.store.articles import StoredArticle, count_attempt, load_article
from worker.store.db import Sessions, outage_as_unavailable
from worker.store.dead_letters import dead_letter

log = logging.getLogger(__name__)


class Outcome(enum.StrEnum):
    DONE = "done"  # results stored
    UNCHANGED = "unchanged"  # already processed at this content and extractor version
    SUPERSEDED = "superseded"  # edited while extracting; the edit's own message handles it
    RETRY = "retry"  # failed, attempts left: try again after a backoff
    DEAD = "dead"  # dead-lettered (now or before); replay to try again
    MISSING = "missing"  # no such article (deleted with its feed): nothing to do


@dataclass(frozen=True, slots=True)
class Result:
    outcome: Outcome
    attempts: int = 0
    error: str | None = None
    events: int = 0  # commitment events staged in the outbox with the results


@dataclass(frozen=True, slots=True)
class _Claim:
    article: ArticleText
    content_hash: str
    attempts: int


def process_article(
    sessions: Sessions, extractor: Extractor, article_id: int, *, max_attempts: int
) -> Result:
    """Run one attempt; raises ``StoreUnavailableError`` only when the database is down."""
    with outage_as_unavailable(), log_context(article_id=article_id):
        claim = _begin_attempt(sessions, extractor.version, article_id, max_attempts)
        if isinstance(claim, Result):
            return claim
        started = time.perf_counter()
        try:
            extraction = extractor.extract(claim.article)
        except Exception as exc:
            return _record_failure(sessions, article_id, exc, max_attempts)
        seconds = time.perf_counter() - started
        return _store(sessions, article_id, claim, extraction, seconds)


def _begin_attempt(
    sessions: Sessions, version: str, article_id: int, max_attempts: int
) -> _Claim | Result:
    with sessions.begin() as session:
        article = load_article(session, article_id)
        if article is None:
            return Result(Outcome.MISSING)
        if article.status == ArticleStatus.DEAD:
            return Result(Outcome.DEAD, article.attempts)
        if _is_current(article, version):
            return Result(Outcome.UNCHANGED, article.attempts)
        if article.attempts >= max_attempts:
            reason = f"gave up after {article.attempts} attempts (worker lost or timed out)"
            dead_letter(session, article_id, reason)
            log.error("article %s dead-lettered: %s", article_id, reason)
            return Result(Outcome.DEAD, article.attempts, reason)
        attempts = count_attempt(session, article_id)
        return _Claim(article.text, article.content_hash, attempts)


def _is_current(article: StoredArticle, version: str) -> bool:
    return (
        article.status == ArticleStatus.DONE
        and article.processed_hash == article.content_hash
        and article.extractor_version == version
    )


def _record_failure(
    sessions: Sessions, article_id: int, exc: Exception, max_attempts: int
) -> Result:
    """Unknown errors may pass (retry); our own non-retryable ones will not (dead-letter now)."""
    error = f"{type(exc).__name__}: {exc}"
    permanent = isinstance(exc, CommitwatchError) and not exc.retryable
    with sessions.begin() as session:
        article = load_article(session, article_id)
        if article is None:
            return Result(Outcome.MISSING)
        if permanent or article.attempts >= max_attempts:
            dead_letter(session, article_id, error)
            log.error(
                "article %s dead-lettered after %s attempts: %s",
                article_id,
                article.attempts,
                error,
            )
            return Result(Outcome.DEAD, article.attempts, error)
        log.warning("article %s attempt %s failed: %s", article_id, article.attempts, error)
        return Result(Outcome.RETRY, article.attempts, error)


def _store(
    sessions: Sessions, article_id: int, claim: _Claim, extraction: Extraction, seconds: float
) -> Result:
    with sessions.begin() as session:
        # The row lock serialises two deliveries of one message: the second replaces the first.
        article = load_article(session, article_id, lock=True)
        if article is None:
            return Result(Outcome.MISSING)
        if article.content_hash != claim.content_hash:
            return Result(Outcome.SUPERSEDED, claim.attempts)
        events = save_results(session, article, extraction, extract_seconds=seconds)
        return Result(Outcome.DONE, claim.attempts, events=events)
