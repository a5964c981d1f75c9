"""A real Celery worker process on the real Redis and PostgreSQL.

Articles stored in PostgreSQL are enqueued by id; a ``commitwatch worker`` subprocess takes
them off Redis, extracts, and stores results; SIGTERM stops it cleanly.
"""

from __future__ import annotations

import signal
import subprocess
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from tests.conftest import make_settings
from tests.helpers import entry, start_worker, wait_for, worker_env, worker_output
from worker.queue.tasks import enqueue_articles
from worker.runtime.wiring import Runtime
from worker.store.articles import save_entries
from worker.store.db import Sessions
from worker.store.feeds import add_feed
from worker.store.models import Article, Commitment

__all__ = ["wait_for", "worker_env", "worker_output"]  # older imports from this module

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.slow]

NOW = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture
def queue_name() -> str:
    return f"test-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def worker_process(
    postgres_url: str, redis_url: str, queue_name: str
) -> Iterator[subprocess.Popen[bytes]]:
    proc = start_worker(worker_env(postgres_url, redis_url, queue_name))
    yield proc
    if proc.poll() is None:
        proc.kill()
    proc.communicate(timeout=30)


def count_done(sessions: Sessions) -> int:
    with sessions() as session:
        query = select(func.count(Article.id)).where(Article.status == "done")
        return int(session.scalar(query) or 0)


def test_queue_worker_processes_enqueued_articles_and_stops_cleanly(
    pg_sessions: Sessions,
    postgres_url: str,
    redis_url: str,
    queue_name: str,
    worker_process: subprocess.Popen[bytes],
) -> None:
    with pg_sessions.begin() as session:
        feed, _ = add_feed(session, "https://news.test/feed")
        entries = [entry(f"e{n}") for n in range(10)]
        ids = save_entries(session, feed.id, entries, now=NOW, max_chars=10_000)
    settings = make_settings(postgres_url, redis_url=redis_url, queue={"name": queue_name})
    enqueue_articles(Runtime(settings).celery, ids)
    enqueue_articles(Runtime(settings).celery, ids[:3])  # duplicate deliveries change nothing

    assert wait_for(lambda: count_done(pg_sessions) == 10), worker_output(worker_process)
    with pg_sessions() as session:
        # the minimal extractor finds one sanctions sentence per article: one set each
        assert session.scalar(select(func.count(Commitment.id))) == 10

    worker_process.send_signal(signal.SIGTERM)
    assert worker_process.wait(timeout=60) == 0, worker_output(worker_process)
