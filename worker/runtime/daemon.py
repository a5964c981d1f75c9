"""The deployed poller: ``commitwatch poll --forever``.

Each pass also sweeps the event outbox (``worker.outbound.relay``): events a worker could not
publish reach the stream within one pass.

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

from worker.config import Settings
from worker.domain import utcnow
from worker.intake.poller import Poller, PollReport
from worker.outbound.relay import relay
from worker.runtime.wiring import Runtime
from worker.store.feeds import next_due

log = logging.getLogger(__name__)


def poll_once(settings: Settings, *, force: bool = False) -> list[PollReport]:
    """One pass over the due feeds (``force``: all enabled feeds), then the event relay."""
    with Runtime(settings) as runtime, runtime.feed_sources() as sources:
        reports = runtime.poller(sources, runtime.dispatch()).poll_due(force=force)
        relay(runtime.sessions, runtime.redis, settings.events)
        return reports


def poll_forever(settings: Settings, stop: threading.Event | None = None) -> None:
    """Poll as feeds fall due until SIGTERM/SIGINT; a pass in progress is finished first."""
    stop = stop or stop_on_signals()
    with Runtime(settings) as runtime, runtime.feed_sources() as sources:
        poller = runtime.poller(sources, runtime.dispatch())
        log.info("poller started")
        while not stop.is_set():
            try:
                reports = poller.poll_due()
                if reports:
                    log.info("checked %d feeds", len(reports))
                relay(runtime.sessions, runtime.redis, settings.events)
                wait = _seconds_until_next_due(poller, settings.poll.idle_seconds)
            except Exception:  # e.g. the database is down: wait and try again, never exit
                log.exception("poll pass failed; retrying in %.0fs", settings.poll.idle_seconds)
                wait = settings.poll.idle_seconds
            stop.wait(wait)
    log.info("poller stopped")


def _seconds_until_next_due(poller: Poller, idle_seconds: float) -> float:
    with poller.sessions() as session:
        due = next_due(session)
    if due is None:
        return idle_seconds
    seconds = (due - utcnow()) / timedelta(seconds=1)
    return min(max(seconds, 1.0), idle_seconds)


def stop_on_signals() -> threading.Event:
    """An event set by SIGTERM or SIGINT: long-running commands finish their work and exit."""
    stop = threading.Event()

    def handle(signum: int, _frame: FrameType | None) -> None:
        log.info("received %s; finishing the current pass", signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGTERM, handle)
    signal.signal(signal.SIGINT, handle)
    return stop
