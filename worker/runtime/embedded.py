"""The embedded default: everything in one process on SQLite, no Redis, no PostgreSQL.

It runs the daemon's own code: the same poller, and the same ``process_article`` the Celery
task calls, run by the in-process ``Dispatch`` instead of through the queue.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import timedelta
from pathlib import Path

from worker.config import Settings
from worker.domain import utcnow
from worker.intake.poller import PollReport
from worker.runtime.wiring import Runtime
from worker.store.articles import stale_pending_ids
from worker.store.db import upgrade_database
from worker.store.feeds import add_feed
from worker.store.queries import Stats, stats

SEED_PATTERNS = ("*.rss", "*.atom", "*.xml")
FUTURE = timedelta(days=1)
ALL = 1_000_000

Progress = Callable[[str], None]


def seed_feed_urls(seeds_dir: Path) -> list[str]:
    """``file://`` URLs of the sample feeds in ``seeds_dir``, in a stable order."""
    paths = sorted({p for pattern in SEED_PATTERNS for p in seeds_dir.glob(pattern)})
    return [p.resolve().as_uri() for p in paths]


def run_embedded(
    settings: Settings, seeds_dir: Path, progress: Progress
) -> tuple[list[PollReport], Stats]:
    """Migrate, register the seed feeds, poll them all once, process what is new; summarise."""
    upgrade_database(settings.database_url)
    with Runtime(settings) as runtime:
        return _run(runtime, seeds_dir, progress)


def _run(runtime: Runtime, seeds_dir: Path, progress: Progress) -> tuple[list[PollReport], Stats]:
    with runtime.sessions.begin() as session:
        for url in seed_feed_urls(seeds_dir):
            add_feed(session, url)
    with runtime.feed_sources() as sources:
        # No dispatch while polling: the articles stay pending and are processed below, in
        # order, with the ones an interrupted run left.
        reports = runtime.poller(sources, dispatch=None).poll_due(force=True)
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
    inline = runtime.inline_dispatch()
    for number, article_id in enumerate(article_ids, 1):
        result = inline.process(article_id)
        progress(f"[{number}/{len(article_ids)}] article {article_id}: {result.outcome}")
