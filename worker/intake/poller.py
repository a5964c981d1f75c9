"""Polling: claim due feeds, fetch, parse, store new entries, enqueue their ids, reschedule.

An article is committed to the database *before* its id is enqueued, and re-enqueued by the
stale sweep if the queue was down or the message got lost, so nothing fetched is ever lost.
Every failure of one feed is recorded on that feed; none escapes to stop the daemon.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from worker.config import PollConfig
from worker.domain import FeedEntry, ParsedFeed, utcnow
from worker.errors import FeedError, FeedGoneError, FetchError
from worker.feeds.fetch import FetchResult
from worker.feeds.fulltext import main_text
from worker.feeds.parse import parse_feed
from worker.feeds.schedule import RHYTHM_WINDOW, SchedulePolicy, next_check
from worker.feeds.sources import FeedSources
from worker.logs import log_context
from worker.pipeline.dispatch import Dispatch
from worker.pipeline.handoff import hand_off
from worker.store import articles as article_store
from worker.store import feeds as feed_store
from worker.store.db import Sessions
from worker.store.feeds import FeedClaim

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]

# Stale articles re-enqueued per sweep: bounded so one sweep never floods the queue.
REQUEUE_BATCH = 500
# With full text on, entries whose feed text is shorter than this are fetched: a summary.
FULL_TEXT_BELOW_CHARS = 1000


@dataclass(frozen=True, slots=True)
class PollReport:
    """What one feed check did, for progress output and logs."""

    feed_id: int
    url: str
    outcome: str  # "new", "not-modified", "failed", "gone"
    new_articles: int = 0
    error: str | None = None


class Poller:
    """Checks due feeds with bounded concurrency; hands new articles to ``dispatch``.

    ``dispatch`` None stores articles and leaves them pending, for a caller that processes
    every pending article itself afterwards (the embedded runner).
    """

    def __init__(
        self,
        config: PollConfig,
        sessions: Sessions,
        sources: FeedSources,
        dispatch: Dispatch | None,
        *,
        max_article_chars: int,
        clock: Clock = utcnow,
        rng: random.Random | None = None,
    ) -> None:
        self.config = config
        self.sessions = sessions
        self.sources = sources
        self.dispatch = dispatch
        self.max_article_chars = max_article_chars
        self.clock = clock
        self.rng = rng or random.Random()
        self.policy = schedule_policy(config)
        self._rng_lock = threading.Lock()

    def poll_due(self, *, force: bool = False, limit: int = 1000) -> list[PollReport]:
        """Check every due feed once (``force``: every enabled feed), then sweep stale articles."""
        with self.sessions() as session:
            lease = timedelta(seconds=self.config.lease_seconds)
            claims = feed_store.claim_due_feeds(
                session, self.clock(), lease=lease, limit=limit, force=force
            )
        with ThreadPoolExecutor(self.config.concurrency) as pool:
            reports = list(pool.map(self.poll_feed, claims))
        self.requeue_stale()
        return reports

    def poll_feed(self, claim: FeedClaim) -> PollReport:
        """Check one claimed feed; every failure is recorded on the feed, never raised."""
        with log_context(feed_id=claim.id):
            return self._poll_feed(claim)

    def _poll_feed(self, claim: FeedClaim) -> PollReport:
        try:
            return self._check(claim)
        except FeedGoneError as exc:
            self._disable(claim, str(exc))
            return PollReport(claim.id, claim.url, "gone", error=str(exc))
        except FeedError as exc:
            retry_after = exc.retry_after if isinstance(exc, FetchError) else None
            return self._fail(claim, f"{type(exc).__name__}: {exc}", retry_after)
        except Exception as exc:  # a bug must not stop the other feeds or the daemon
            log.exception("feed %s (%s): unexpected error", claim.id, claim.url)
            return self._fail(claim, f"unexpected {type(exc).__name__}: {exc}", None)

    def requeue_stale(self) -> int:
        """Re-enqueue pending articles whose message was never sent or may be lost."""
        cutoff = self.clock() - timedelta(seconds=self.config.requeue_after_seconds)
        with self.sessions() as session:
            ids = article_store.stale_pending_ids(
                session, enqueued_before=cutoff, limit=REQUEUE_BATCH
            )
        if ids:
            log.info("re-enqueueing %d pending articles", len(ids))
            self._enqueue(ids)
        return len(ids)

    def _check(self, claim: FeedClaim) -> PollReport:
        result = self.sources.fetch(claim.url, etag=claim.etag, last_modified=claim.last_modified)
        parsed = None
        if result.status != 304:
            parsed = parse_feed(
                result.body,
                content_type=result.content_type,
                base_url=result.url,
                max_entries=self.config.max_entries_per_fetch,
                now=self.clock(),
            )
            if self.sources.config.full_text:
                parsed = self._with_full_text(claim.id, parsed)
        new_ids = self._store(claim, result, parsed)
        self._enqueue(new_ids)
        outcome = "not-modified" if parsed is None else "new"
        log.info("feed %s: %s, %d new or edited articles", claim.id, outcome, len(new_ids))
        return PollReport(claim.id, claim.url, outcome, len(new_ids))

    def _with_full_text(self, feed_id: int, parsed: ParsedFeed) -> ParsedFeed:
        """Replace short summaries of unseen entries by their page's main text.

        Only entries a save would change are fetched, so a feed is never re-crawled. The
        content hash stays the feed's: an edit is still detected from the feed itself.
        """
        with self.sessions() as session:
            unseen = article_store.unseen_keys(session, feed_id, parsed.entries)
        entries = tuple(
            self._full_entry(entry) if entry.key in unseen else entry for entry in parsed.entries
        )
        return replace(parsed, entries=entries)

    def _full_entry(self, entry: FeedEntry) -> FeedEntry:
        if not entry.link or len(entry.text) >= FULL_TEXT_BELOW_CHARS:
            return entry
        try:
            page = self.sources.fetch_page(entry.link)
        except FeedError as exc:
            log.info("full text of %s not fetched, keeping the summary: %s", entry.link, exc)
            return entry
        text = main_text(page.body, url=page.url)
        return replace(entry, text=text) if text and len(text) > len(entry.text) else entry

    def _store(self, claim: FeedClaim, result: FetchResult, parsed: ParsedFeed | None) -> list[int]:
        now = self.clock()
        with self.sessions.begin() as session:
            ids: list[int] = []
            if parsed is not None:
                ids = article_store.save_entries(
                    session,
                    claim.id,
                    parsed.entries,
                    now=now,
                    max_chars=self.max_article_chars,
                )
            rhythm = article_store.recent_entry_times(session, claim.id, since=now - RHYTHM_WINDOW)
            feed_store.record_success(
                session,
                claim.id,
                now=now,
                next_check_at=self._next_check(
                    now,
                    rhythm,
                    ttl=parsed.ttl_minutes if parsed else None,
                    max_age=result.max_age_seconds,
                ),
                status=result.status,
                etag=result.etag,
                last_modified=result.last_modified,
                title=parsed.title if parsed else None,
                new_url=result.permanent_url,
            )
        return ids

    def _fail(self, claim: FeedClaim, error: str, retry_after: float | None) -> PollReport:
        log.warning("feed %s (%s): %s", claim.id, claim.url, error)
        now = self.clock()
        when = self._next_check(
            now, [], errors=claim.consecutive_errors + 1, retry_after=retry_after
        )
        with self.sessions.begin() as session:
            feed_store.record_failure(session, claim.id, now=now, next_check_at=when, error=error)
        return PollReport(claim.id, claim.url, "failed", error=error)

    def _disable(self, claim: FeedClaim, reason: str) -> None:
        log.warning("feed %s (%s) disabled: %s", claim.id, claim.url, reason)
        with self.sessions.begin() as session:
            feed_store.disable_feed(session, claim.id, now=self.clock(), reason=reason)

    def _next_check(
        self,
        now: datetime,
        entry_times: Sequence[datetime],
        *,
        ttl: int | None = None,
        max_age: int | None = None,
        retry_after: float | None = None,
        errors: int = 0,
    ) -> datetime:
        with self._rng_lock:  # random.Random is not safe to share between threads
            return next_check(
                now,
                entry_times=entry_times,
                ttl_minutes=ttl,
                max_age_seconds=max_age,
                retry_after=retry_after,
                consecutive_errors=errors,
                policy=self.policy,
                rng=self.rng,
            )

    def _enqueue(self, article_ids: Sequence[int]) -> None:
        if self.dispatch is not None:
            hand_off(self.sessions, self.dispatch, article_ids, self.clock())


def schedule_policy(poll: PollConfig) -> SchedulePolicy:
    """The scheduler's bounds from the ``[poll]`` section."""
    return SchedulePolicy(
        min_interval=timedelta(seconds=poll.min_interval_seconds),
        max_interval=timedelta(seconds=poll.max_interval_seconds),
        jitter=poll.jitter,
    )
