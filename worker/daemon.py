"""The deployed poller: ``commitwatch poll --forever``.

One scheduling mechanism: this daemon, not Celery beat. Feeds have their own adaptive
schedules in the database, and each check is leased with a compare-and-set, so running two
pollers (by mistake or for availability) never polls a feed twice. Beat would need exactly
one instance and knows nothing of per-feed intervals.
"""

from __future__ import annotations

import logging
import signal
import threading
from datetime import timedelta
from types import FrameType

from sqlalchemy import func, select

from worker.config import Settings
from worker.feeds.fetch import Fetcher
from worker.poller import Poller, PollReport
from worker.runtime import Runtime
from worker.store.models import Feed, utcnow
from worker.wiring import celery_enqueue, fetch_settings

log = logging.getLogger(__name__)


def poll_once(settings: Settings, *, force: bool = False) -> list[PollReport]:
    """One pass over the due feeds (``force``: all enabled feeds)."""
    with Runtime(settings) as runtime, Fetcher(fetch_settings(settings)) as fetcher:
        poller = Poller(settings, runtime.sessions, fetcher, celery_enqueue(settings))
        return poller.poll_due(force=force)


def poll_forever(settings: Settings, stop: threading.Event | None = None) -> None:
    """Poll as feeds fall due until SIGTERM/SIGINT; a pass in progress is finished first."""
    stop = stop or stop_on_signals()
    with Runtime(settings) as runtime, Fetcher(fetch_settings(settings)) as fetcher:
        poller = Poller(settings, runtime.sessions, fetcher, celery_enqueue(settings))
        log.info("poller started")
        while not stop.is_set():
            try:
                reports = poller.poll_due()
                if reports:
                    log.info("checked %d feeds", len(reports))
                wait = _seconds_until_next_due(poller, settings)
            except Exception:  # e.g. the database is down: wait and try again, never exit
                log.exception("poll pass failed; retrying in %.0fs", settings.poll.idle_seconds)
                wait = settings.poll.idle_seconds
            stop.wait(wait)
    log.info("poller stopped")


def _seconds_until_next_due(poller: Poller, settings: Settings) -> float:
    with poller.sessions() as session:
        due = session.scalar(select(func.min(Feed.next_check_at)).where(Feed.enabled.is_(True)))
    if due is None:
        return settings.poll.idle_seconds
    if due.tzinfo is None:  # SQLite's func.min bypasses the column type
        from datetime import UTC

        due = due.replace(tzinfo=UTC)
    seconds = (due - utcnow()) / timedelta(seconds=1)
    return min(max(seconds, 1.0), settings.poll.idle_seconds)


def stop_on_signals() -> threading.Event:
    """An event set by SIGTERM or SIGINT: long-running commands finish their work and exit."""
    stop = threading.Event()

    def handle(signum: int, _frame: FrameType | None) -> None:
        log.info("received %s; finishing the current pass", signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGTERM, handle)
    signal.signal(signal.SIGINT, handle)
    return stop
