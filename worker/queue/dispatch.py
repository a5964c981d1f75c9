"""The queue's ``Dispatch``: articles and submissions published for the Celery workers."""

from __future__ import annotations

from collections.abc import Sequence

from celery import Celery

from worker.messages import ArticleSubmission
from worker.queue.tasks import enqueue_articles, enqueue_submissions


class QueueDispatch:
    """Publishes ids (and submissions) over ``app``'s broker; raises if Redis is down."""

    def __init__(self, app: Celery) -> None:
        self.app = app

    def articles(self, article_ids: Sequence[int]) -> None:
        enqueue_articles(self.app, article_ids)

    def submissions(self, submissions: Sequence[ArticleSubmission]) -> None:
        payloads = [
            s.model_dump(mode="json", by_alias=True, exclude_none=True) for s in submissions
        ]
        enqueue_submissions(self.app, payloads)
