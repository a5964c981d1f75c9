"""Redis outages: restarts with persistence (as docker-compose.yml deploys it) while workers
run."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest

from tests.conftest import make_settings
from tests.helpers import wait_for
from tests.reliability.conftest import (
    HEALTHY,
    StartWorker,
    counts,
    process_logs,
)
from tests.reliability.redis_server import PrivateRedis
from worker.config import Settings
from worker.feeds.fetch import Fetcher
from worker.poller import Poller
from worker.queue.app import create_app
from worker.queue.tasks import enqueue_articles
from worker.store.db import Sessions
from worker.store.models import utcnow
from worker.wiring import celery_enqueue, fetch_settings

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.slow]

Store = Callable[[list[str]], list[int]]
# Workers on these tests redeliver an abandoned message after 5 s, not the deployed 2 h.
SHORT_VISIBILITY = {"COMMITWATCH_QUEUE__VISIBILITY_TIMEOUT": "5"}


def settled(sessions: Sessions, done: int) -> Callable[[], bool]:
    return lambda: counts(sessions)["done"] == done


def diagnosis(server: PrivateRedis, queue: str, tmp_path: Path) -> str:
    return f"{server.state(queue)}\n{process_logs(tmp_path)}"


def sweep_stale(settings: Settings, sessions: Sessions) -> int:
    """The poller's stale sweep, as its first pass after the stale window runs it."""
    later = utcnow() + timedelta(seconds=settings.poll.requeue_after_seconds + 1)
    with Fetcher(fetch_settings(settings)) as fetcher:
        enqueue = celery_enqueue(settings)
        return Poller(settings, sessions, fetcher, enqueue, clock=lambda: later).requeue_stale()


# A restart can drop the one message a worker is taking at that instant: kombu pops it
# (BRPOP) and only then records it as unacked, a write that fails once Redis is gone
# (kombu #305). The article is still pending in the database, and the stale sweep resends it.
MOST_DROPPED_PER_RESTART = 1


def test_outage_redis_restart_loses_nothing_enqueued(
    pg_sessions: Sessions,
    store_articles: Store,
    workers: StartWorker,
    postgres_url: str,
    private_redis: PrivateRedis,
    queue_name: str,
    tmp_path: Path,
) -> None:
    url = private_redis.url
    ids = store_articles([HEALTHY] * 15)
    settings = make_settings(postgres_url, redis_url=url, queue={"name": queue_name})
    app = create_app(settings)
    workers(
        "tests.reliability.plugins:slow",
        concurrency=1,
        REDIS_URL=url,
        RELIABILITY_SLOW_SECONDS="0.3",
        **SHORT_VISIBILITY,
    )
    enqueue_articles(app, ids[:10])
    assert wait_for(lambda: counts(pg_sessions)["done"] >= 2, timeout=60), process_logs(tmp_path)

    private_redis.restart()  # restart while the worker runs and messages wait in the queue
    enqueue_articles(app, ids[10:])  # the long-lived publisher reconnects by itself

    drained = wait_for(lambda: private_redis.drained(queue_name), timeout=90)
    assert drained, diagnosis(private_redis, queue_name, tmp_path)
    assert sweep_stale(settings, pg_sessions) <= MOST_DROPPED_PER_RESTART
    assert wait_for(settled(pg_sessions, 15), timeout=60), diagnosis(
        private_redis, queue_name, tmp_path
    )
    assert counts(pg_sessions)["commitments"] == 15
