"""Sending stored work on: one interface, chosen once at start-up and passed to every sender.

Two ways to run the same work: publish it for the Celery workers (``QueueDispatch`` in
``worker.queue.dispatch``, the deployed service) or process it here and now (``InlineDispatch``
in ``worker.runtime.inline``: ``commitwatch run`` and every ``--inline``). The runtime builds
one; the poller, the intake task and ``dead-letters replay`` receive it and never ask which.
Articles are sent only after they are committed (a worker must find them); a ``Dispatch`` that
raises leaves them pending, and the poller's stale sweep sends them again.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from worker.messages import ArticleSubmission


class Dispatch(Protocol):
    """Where committed articles and validated submissions go to be processed."""

    def articles(self, article_ids: Sequence[int]) -> None:
        """Hand committed articles on; raises if they could not be (they stay pending)."""
        ...

    def submissions(self, submissions: Sequence[ArticleSubmission]) -> None:
        """Hand validated submissions to the intake, as any other producer would."""
        ...


class RecordingDispatch:
    """The in-memory twin for tests: records what was sent; ``down`` fails like an outage."""

    def __init__(self) -> None:
        self.ids: list[int] = []
        self.sent_submissions: list[ArticleSubmission] = []
        self.down = False

    def articles(self, article_ids: Sequence[int]) -> None:
        self._check()
        self.ids.extend(article_ids)

    def submissions(self, submissions: Sequence[ArticleSubmission]) -> None:
        self._check()
        self.sent_submissions.extend(submissions)

    def _check(self) -> None:
        if self.down:
            raise ConnectionError("the queue is down")
