"""Thin tasks: take an id, call the service, declare the retry policy. No logic of their own.

The tasks run whatever ``TaskServices`` they are registered with (the runtime, in a worker);
they know the queue's own settings and nothing else.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Sequence
from typing import Any, Protocol

from celery import Celery

from worker.backoff import backoff_seconds
from worker.config import QueueConfig
from worker.errors import StoreUnavailableError
from worker.pipeline.processor import Outcome, Result
from worker.store.submissions import IntakeResult

log = logging.getLogger(__name__)

PROCESS_ARTICLE = "commitwatch.process_article"
# The public intake task: one argument, an article-submission/1 object (worker/schemas/).
SUBMIT_ARTICLE = "commitwatch.submit_article"


class TaskServices(Protocol):
    """What the tasks call; ``worker.runtime.wiring.Runtime`` provides it in each process."""

    def process(self, article_id: int) -> Result:
        """One attempt at one article (``process_article``)."""
        ...

    def submit(self, payload: Any) -> IntakeResult:
        """Store or reject one submitted message."""
        ...

    def reject(self, payload: Any, reason: str) -> IntakeResult:
        """Record a message that cannot be taken in."""
        ...

    def hand_off(self, article_ids: Sequence[int]) -> bool:
        """Send committed articles on; False (kept pending) when the queue is down."""
        ...

    def publish_events(self) -> None:
        """Publish staged events now; a failure leaves them for the daemon's sweep."""
        ...

    def extractor_version(self) -> str:
        """Build the extractor (if not yet) and name its version."""
        ...


def register_tasks(app: Celery, services: TaskServices, queue: QueueConfig) -> None:
    """Attach the tasks to ``app`` (tasks are per app, never module globals)."""
    rng = random.Random()

    def retry_later(
        task: Any, attempt: int, exc: Exception | None = None, article_id: int | None = None
    ) -> Exception:
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
        try:
            result = services.process(article_id)
        except StoreUnavailableError as exc:
            # An outage is not the article's fault: retry without limit, attempts untouched.
            raise retry_later(self, self.request.retries + 1, exc, article_id) from exc
        if result.outcome is Outcome.RETRY:
            raise retry_later(self, result.attempts)
        if result.events:
            services.publish_events()
        log.info("article %s: %s", article_id, result.outcome, extra={"article_id": article_id})
        return str(result.outcome)

    @app.task(name=SUBMIT_ARTICLE, bind=True, max_retries=None, shared=False)
    def submit_article_task(self: Any, *args: Any, **kwargs: Any) -> str:
        """Store a submitted article (or recognise or reject it), then queue it for processing."""
        try:
            if len(args) != 1 or kwargs:
                message = {"args": list(args), "kwargs": kwargs}
                reason = "expected exactly one positional argument: the submission object"
                return str(services.reject(message, reason).outcome)
            result = services.submit(args[0])
        except StoreUnavailableError as exc:
            raise retry_later(self, self.request.retries + 1, exc) from exc
        if result.needs_processing and result.article_id is not None:
            services.hand_off([result.article_id])
        return str(result.outcome)


def enqueue_articles(app: Celery, article_ids: Sequence[int]) -> None:
    """Publish one message per article id over one connection; raises if Redis is down."""
    task = app.tasks[PROCESS_ARTICLE]
    with app.producer_or_acquire() as producer:
        for article_id in article_ids:
            task.apply_async(args=[article_id], producer=producer, retry=True)


def enqueue_submissions(app: Celery, submissions: Sequence[dict[str, Any]]) -> None:
    """Send article-submission/1 objects to the intake task, as any other producer would."""
    with app.producer_or_acquire() as producer:
        for submission in submissions:
            app.send_task(SUBMIT_ARTICLE, args=[submission], producer=producer, retry=True)
