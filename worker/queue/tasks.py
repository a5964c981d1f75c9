"""Thin tasks: take an id, call the service, declare the retry policy. No logic of their own."""

from __future__ import annotations

import functools
import logging
import random
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import redis

from worker.backoff import backoff_seconds
from worker.errors import StoreUnavailableError
from worker.handoff import hand_off
from worker.intake import reject, submit
from worker.processor import Outcome, process_article
from worker.relay import publish_events
from worker.store.models import utcnow

if TYPE_CHECKING:
    from worker.queue.app import CommitwatchCelery

log = logging.getLogger(__name__)

PROCESS_ARTICLE = "commitwatch.process_article"
# The public intake task: one argument, an article-submission/1 object (worker/schemas/).
SUBMIT_ARTICLE = "commitwatch.submit_article"


def register_tasks(app: CommitwatchCelery) -> None:
    """Attach the tasks to ``app`` (tasks are per app, never module globals)."""
    rng = random.Random()

    def retry_later(
        task: Any, attempt: int, exc: Exception | None = None, article_id: int | None = None
    ) -> Exception:
        queue = app.runtime.settings.queue
        delay = backoff_seconds(
            attempt, base=queue.retry_backoff_seconds, cap=queue.retry_backoff_max_seconds, rng=rng
        )
        if exc is not None:
            extra = {"article_id": article_id} if article_id is not None else {}
            log.warning("%s; retrying in %.0fs", exc, delay, extra=extra)
        return task.retry(exc=exc, countdown=delay)  # type: ignore[no-any-return]

    @app.task(name=PROCESS_ARTICLE, bind=True, max_retries=None, shared=False)
    def process_article_task(self: Any, article_id: int) -> str:
        """Process one stored article; retried with backoff while attempts remain."""
        runtime = app.runtime
        try:
            result = process_article(
                runtime.sessions,
                runtime.extractor,
                article_id,
                max_attempts=runtime.settings.queue.max_attempts,
            )
        except StoreUnavailableError as exc:
            # An outage is not the article's fault: retry without limit, attempts untouched.
            raise retry_later(self, self.request.retries + 1, exc, article_id) from exc
        if result.outcome is Outcome.RETRY:
            raise retry_later(self, result.attempts)
        if result.events:
            _publish_now(app)
        log.info("article %s: %s", article_id, result.outcome, extra={"article_id": article_id})
        return str(result.outcome)

    @app.task(name=SUBMIT_ARTICLE, bind=True, max_retries=None, shared=False)
    def submit_article_task(self: Any, *args: Any, **kwargs: Any) -> str:
        """Store a submitted article (or recognise or reject it), then queue it for processing."""
        runtime = app.runtime
        try:
            if len(args) != 1 or kwargs:
                message = {"args": list(args), "kwargs": kwargs}
                reason = "expected exactly one positional argument: the submission object"
                return str(reject(runtime.sessions, message, reason).outcome)
            result = submit(
                runtime.sessions, args[0], max_chars=runtime.settings.extract.max_article_chars
            )
        except StoreUnavailableError as exc:
            raise retry_later(self, self.request.retries + 1, exc) from exc
        if result.needs_processing and result.article_id is not None:
            enqueue = functools.partial(enqueue_articles, app)
            hand_off(runtime.sessions, enqueue, [result.article_id], utcnow())
        return str(result.outcome)


def _publish_now(app: CommitwatchCelery) -> None:
    """Publish staged events right after the commit; the daemon's sweep covers any failure."""
    runtime = app.runtime
    try:
        publish_events(runtime.sessions, runtime.redis, runtime.settings.events)
    except (redis.RedisError, StoreUnavailableError) as exc:
        log.warning("events left in the outbox for the next sweep: %s", exc)


def enqueue_articles(app: CommitwatchCelery, article_ids: Sequence[int]) -> None:
    """Publish one message per article id over one connection; raises if Redis is down."""
    task = app.tasks[PROCESS_ARTICLE]
    with app.producer_or_acquire() as producer:
        for article_id in article_ids:
            task.apply_async(args=[article_id], producer=producer, retry=True)


def enqueue_submissions(app: CommitwatchCelery, submissions: Sequence[dict[str, Any]]) -> None:
    """Send article-submission/1 objects to the intake task, as any other producer would."""
    with app.producer_or_acquire() as producer:
        for submission in submissions:
            app.send_task(SUBMIT_ARTICLE, args=[submission], producer=producer, retry=True)
