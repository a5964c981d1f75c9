"""The embedded default: everything in one process on SQLite, no Redis, no PostgreSQL.

It runs the daemon's own code: the same poller, and the same ``process_article`` the Celery
task calls, invoked in-process instead of through the queue.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import timedelta
from pathlib import Path

from worker.config import Settings
from worker.extract import Extractor
from worker.feeds.fetch import Fetcher
from worker.poller import Poller, PollReport
from worker.processor import Outcome, Result, process_article
from worker.runtime import Runtime
from worker.store.articles import stale_pending_ids
from worker.store.db import Sessions, upgrade_database
from worker.store.feeds import add_feed
from worker.store.models import utcnow
from worker.store.queries import Stats, stats
from worker.wiring import fetch_settings

SEED_PATTERNS = ("*.rss", "*.atom", "*.xml")
FUTURE = timedelta(days=1)
ALL = 1_000_000

Progress = Callable[[str], None]


def seed_feed_urls(seeds_dir: Path) -> list[str]:
    """``file://`` URLs of the sample feeds in ``seeds_dir``, in a stable order."""
    paths = sorted({p for pattern in SEED_PATTERNS for p in seeds_dir.glob(pattern)})
    return [p.resolve().as_uri() for p in paths]


def run_inline(
    sessions: Sessions, extractor: Extractor, article_id: int, max_attempts: int
) -> Result:
    """Process one article to the end: retry at once while attempts remain (no broker here)."""
    while True:
        result = process_article(sessions, extractor, article_id, max_attempts=max_attempts)
        if result.outcome is not Outcome.RETRY:
            return result


def run_embedded(
    settings: Settings, seeds_dir: Path, progress: Progress
) -> tuple[list[PollReport], Stats]:
    """Migrate, register the seed feeds, poll them all once, process what is new; summarise."""
    upgrade_database(settings.database_url)
    with Runtime(settings) as runtime:
        return _run(runtime, seeds_dir, progress)


def _run(runtime: Runtime, seeds_dir: Path, progress: Progress) -> tuple[list[PollReport], Stats]:
    settings = runtime.settings
    with runtime.sessions.begin() as session:
        for url in seed_feed_urls(seeds_dir):
            add_feed(session, url)
    with Fetcher(fetch_settings(settings)) as fetcher:
        poller = Poller(settings, runtime.sessions, fetcher, enqueue=lambda ids: None)
        reports = poller.poll_due(force=True)
    for report in reports:
        progress(
            f"feed {report.feed_id}: {report.outcome}, {report.new_articles} new  {report.url}"
        )
    with runtime.sessions() as session:  # everything pending, also what an interrupted run left
        pending = stale_pending_ids(session, enqueued_before=utcnow() + FUTURE, limit=ALL)
    _process_all(runtime, pending, progress)
    with runtime.sessions() as session:
        return reports, stats(session, examples=5)


def _process_all(runtime: Runtime, article_ids: Sequence[int], progress: Progress) -> None:
    if not article_ids:
        progress("no new articles")
        return
    progress(f"extracting {len(article_ids)} articles with {runtime.settings.extract.name!r}")
    max_attempts = runtime.settings.queue.max_attempts
    for number, article_id in enumerate(article_ids, 1):
        result = run_inline(runtime.sessions, runtime.extractor, article_id, max_attempts)
        progress(f"[{number}/{len(article_ids)}] article {article_id}: {result.outcome}")
