"""A real Celery worker process on the real Redis and PostgreSQL.

Articles stored in PostgreSQL are enqueued by id; a ``commitwatch worker`` subprocess takes
them off Redis, extracts, and stores results; SIGTERM stops it cleanly.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from tests.conftest import make_settings
from tests.helpers import entry
from worker.queue.app import create_app
from worker.queue.tasks import enqueue_articles
from worker.store.articles import save_entries
from worker.store.db import Sessions, make_engine, make_sessions
from worker.store.feeds import add_feed
from worker.store.models import Article, Commitment

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.slow]

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def worker_env(database_url: str, redis_url: str, queue: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMMITWATCH_")}
    env.update(
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        COMMITWATCH_QUEUE__NAME=queue,
        COMMITWATCH_EXTRACT__NAME="minimal",
        COMMITWATCH_CONFIG=os.devnull,
    )
    return env


@pytest.fixture
def queue_name() -> str:
    return f"test-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def worker_process(
    postgres_url: str, redis_url: str, queue_name: str
) -> Iterator[subprocess.Popen[bytes]]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "worker", "worker", "--concurrency", "2"],
        env=worker_env(postgres_url, redis_url, queue_name),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    yield proc
    if proc.poll() is None:
        proc.kill()
    proc.communicate(timeout=30)


def wait_for(predicate, timeout: float = 60.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def count_done(sessions: Sessions) -> int:
    with sessions() as session:
        return int(
            session.scalar(select(func.count(Article.id)).where(Article.status == "done")) or 0
        )


@pytest.fixture
def pg_sessions(postgres_url: str) -> Iterator[Sessions]:
    engine = make_engine(postgres_url)
    yield make_sessions(engine)
    engine.dispose()


def test_queue_worker_processes_enqueued_articles_and_stops_cleanly(
    pg_sessions: Sessions,
    postgres_url: str,
    redis_url: str,
    queue_name: str,
    worker_process: subprocess.Popen[bytes],
) -> None:
    sessions = pg_sessions
    with sessions.begin() as session:
        feed, _ = add_feed(session, "https://news.test/feed")
        ids = save_entries(
            session, feed.id, [entry(f"e{n}") for n in range(10)], now=NOW, max_chars=10_000
        )
    settings = make_settings(postgres_url, redis_url=redis_url, queue={"name": queue_name})
    enqueue_articles(create_app(settings), ids)
    enqueue_articles(create_app(settings), ids[:3])  # duplicate deliveries change nothing

    assert wait_for(lambda: count_done(sessions) == 10), worker_output(worker_process)
    with sessions() as session:
        # the minimal extractor finds one sanctions sentence per article: one set each
        assert session.scalar(select(func.count(Commitment.id))) == 10

    worker_process.send_signal(signal.SIGTERM)
    assert worker_process.wait(timeout=60) == 0, worker_output(worker_process)


def worker_output(proc: subprocess.Popen[bytes]) -> str:
    """The worker's log, for the failure message (stops it first if needed)."""
    if proc.poll() is None:
        proc.kill()
    out, _ = proc.communicate(timeout=30)
    return out.decode(errors="replace")[-4000:]
