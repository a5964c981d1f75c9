"""Processing in this process instead of through the queue: the embedded mode and ``--inline``.

The same ``process_article`` and ``accept`` the Celery tasks call, run here at once and to the
end: no broker, no workers, retries without backoff.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from worker.extract import Extractor
from worker.intake.submissions import accept
from worker.messages import ArticleSubmission
from worker.pipeline.processor import Outcome, Result, process_article
from worker.store.db import Sessions

Report = Callable[[str], None]


def ignore(_line: str) -> None:
    """The default report: the caller does not show progress."""


class InlineDispatch:
    """Processes work in this process, at once and to the end: no broker, no workers.

    ``report`` receives one line per article or submission, for a person at a terminal.
    """

    def __init__(
        self,
        sessions: Sessions,
        extractor: Extractor,
        *,
        max_attempts: int,
        max_chars: int,
        report: Report = ignore,
    ) -> None:
        self.sessions, self.extractor, self.report = sessions, extractor, report
        self.max_attempts, self.max_chars = max_attempts, max_chars

    def process(self, article_id: int) -> Result:
        """Process one article to the end: retry at once while attempts remain (no backoff)."""
        while True:
            result = process_article(
                self.sessions, self.extractor, article_id, max_attempts=self.max_attempts
            )
            if result.outcome is not Outcome.RETRY:
                return result

    def articles(self, article_ids: Sequence[int]) -> None:
        for article_id in article_ids:
            self.report(f"article {article_id}: {self.process(article_id).outcome}")

    def submissions(self, submissions: Sequence[ArticleSubmission]) -> None:
        for submission in submissions:
            result = accept(self.sessions, submission, max_chars=self.max_chars)
            line = f"{submission.source}/{submission.key}: {result.outcome}"
            if result.needs_processing and result.article_id is not None:
                line += f", article {result.article_id} {self.process(result.article_id).outcome}"
            self.report(line)
