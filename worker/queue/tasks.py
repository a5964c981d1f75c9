"""Thin tasks: take an id, call the service, declare the retry policy. No logic of their own."""

from __future__ import annotations

import logging
import random
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from worker.errors import StoreUnavailableError
from worker.processor import Outcome, process_article

if TYPE_CHECKING:
    from worker.queue.app import CommitwatchCelery

log = logging.getLogger(__name__)

PROCESS_ARTICLE = "commitwatch.process_article"


def backoff_seconds(attempt: int, *, base: float, cap: float, rng: random.Random) -> float:
    """Exponential backoff with full jitter: spreads retries after a shared outage."""
    return rng.uniform(0, min(cap, base * 2 ** max(attempt - 1, 0)))


def register_tasks(app: CommitwatchCelery) -> None:
    """Attach the tasks to ``app`` (tasks are per app, never module globals)."""
    rng = random.Random()

    @app.task(name=PROCESS_ARTICLE, bind=True, max_retries=None, shared=False)
    def process_article_task(self: Any, article_id: int) -> str:
        """Process one stored article; retried with backoff while attempts remain."""
        runtime, queue = app.runtime, app.runtime.settings.queue
        try:
            result = process_article(
                runtime.sessions, runtime.extractor, article_id, max_attempts=queue.max_attempts
            )
        except StoreUnavailableError as exc:
            # An outage is not the article's fault: retry without limit, attempts untouched.
            delay = backoff_seconds(
                self.request.retries + 1,
                base=queue.retry_backoff_seconds,
                cap=queue.retry_backoff_max_seconds,
                rng=rng,
            )
            log.warning(
                "article %s: %s; retrying in %.0fs",
                *(article_id, exc, delay),
                extra={"article_id": article_id},
            )
            raise self.retry(exc=exc, countdown=delay) from exc
        if result.outcome is Outcome.RETRY:
            delay = backoff_seconds(
                result.attempts,
                base=queue.retry_backoff_seconds,
                cap=queue.retry_backoff_max_seconds,
                rng=rng,
            )
            raise self.retry(countdown=delay)
        log.info("article %s: %s", article_id, result.outcome, extra={"article_id": article_id})
        return str(result.outcome)


def enqueue_articles(app: CommitwatchCelery, article_ids: Sequence[int]) -> None:
    """Publish one message per article id over one connection; raises if Redis is down."""
    task = app.tasks[PROCESS_ARTICLE]
    with app.producer_or_acquire() as producer:
        for article_id in article_ids:
            task.apply_async(args=[article_id], producer=producer, retry=True)
