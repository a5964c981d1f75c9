"""Fixtures for fault tests: stored articles, a publisher, and worker processes that are
always stopped (and their output drained) at the end."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

import pytest
from sqlalchemy import func, select

from tests.conftest import make_settings, unavailable
from tests.helpers import entry, start_worker, worker_env
from tests.reliability.redis_server import PrivateRedis
from worker.queue.tasks import enqueue_articles
from worker.runtime.wiring import Runtime
from worker.store.articles import save_entries
from worker.store.db import Sessions
from worker.store.feeds import add_feed
from worker.store.models import Article, Commitment, DeadLetter

NOW = datetime(2026, 1, 1, tzinfo=UTC)
HEALTHY = "The United Kingdom will impose new sanctions on Russia, the minister said."

StartWorker = Callable[..., subprocess.Popen[bytes]]
StartPoller = Callable[..., subprocess.Popen[bytes]]


@pytest.fixture
def queue_name() -> str:
    return f"faults-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def store_articles(pg_sessions: Sessions) -> Callable[[list[str]], list[int]]:
    """Store one article per text (under one feed) and return their ids."""

    def store(texts: list[str]) -> list[int]:
        with pg_sessions.begin() as session:
            feed, _ = add_feed(session, "https://news.test/faults")
            entries = [entry(f"k{uuid.uuid4().hex}", text=text) for text in texts]
            return save_entries(session, feed.id, entries, now=NOW, max_chars=10_000)

    return store


@pytest.fixture
def publish(postgres_url: str, redis_url: str, queue_name: str) -> Callable[[list[int]], None]:
    app = Runtime(
        make_settings(postgres_url, redis_url=redis_url, queue={"name": queue_name})
    ).celery
    return lambda ids: enqueue_articles(app, ids)


class Processes:
    """Service processes of one test (own process groups, logs in files); all killed at the end."""

    def __init__(self, tmp_path: Path) -> None:
        self.tmp_path = tmp_path
        self.started: list[subprocess.Popen[bytes]] = []
        self.workers: list[subprocess.Popen[bytes]] = []
        self.logs: list[IO[bytes]] = []

    def log(self, name: str) -> IO[bytes]:
        log = (self.tmp_path / f"{name}-{len(self.started)}.log").open("wb")
        self.logs.append(log)
        return log

    def add(
        self, proc: subprocess.Popen[bytes], *, worker: bool = False
    ) -> subprocess.Popen[bytes]:
        self.started.append(proc)
        if worker:
            self.workers.append(proc)
        return proc

    def dump_worker_stacks(self) -> None:
        """Have each running worker log every thread's stack (Celery's SIGUSR1): why it hangs."""
        for proc in self.workers:
            if proc.poll() is None:
                os.kill(proc.pid, signal.SIGUSR1)
        time.sleep(1)

    def stop_all(self) -> None:
        for proc in self.started:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
        for log in self.logs:
            log.close()


@pytest.fixture
def processes(tmp_path: Path) -> Iterator[Processes]:
    procs = Processes(tmp_path)
    yield procs
    procs.stop_all()


@pytest.fixture
def workers(
    postgres_url: str, redis_url: str, queue_name: str, processes: Processes
) -> StartWorker:
    """Start ``commitwatch worker`` processes: 3 attempts, short backoffs."""

    def start(
        extractor: str = "minimal", concurrency: int = 2, **env: str
    ) -> subprocess.Popen[bytes]:
        environment = worker_env(
            postgres_url,
            redis_url,
            queue_name,
            COMMITWATCH_EXTRACT__NAME=extractor,
            COMMITWATCH_QUEUE__MAX_ATTEMPTS="3",
            COMMITWATCH_QUEUE__RETRY_BACKOFF_SECONDS="0.2",
            COMMITWATCH_QUEUE__RETRY_BACKOFF_MAX_SECONDS="1",
            **env,
        )
        log = processes.log("worker")
        proc = start_worker(environment, concurrency=concurrency, new_session=True, log=log)
        return processes.add(proc, worker=True)

    return start


@pytest.fixture
def pollers(
    postgres_url: str, redis_url: str, queue_name: str, processes: Processes
) -> StartPoller:
    """Start ``commitwatch poll --forever`` daemons on local feeds, checked every second."""

    def start(**env: str) -> subprocess.Popen[bytes]:
        environment = worker_env(
            postgres_url,
            redis_url,
            queue_name,
            COMMITWATCH_FETCH__ALLOW_PRIVATE_NETWORKS="true",
            COMMITWATCH_POLL__MIN_INTERVAL_SECONDS="1",
            COMMITWATCH_POLL__MAX_INTERVAL_SECONDS="1",
            COMMITWATCH_POLL__JITTER="0",
            COMMITWATCH_POLL__IDLE_SECONDS="1",
            **env,
        )
        return processes.add(
            subprocess.Popen(
                [sys.executable, "-m", "worker", "poll", "--forever"],
                env=environment,
                stdout=processes.log("poller"),
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )

    return start


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    """A Redis of the test's own with append-only persistence, as in docker-compose.yml."""
    yield from _private_redis(tmp_path, persistent=True)


@pytest.fixture
def volatile_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    """A Redis of the test's own without persistence: a restart empties it."""
    yield from _private_redis(tmp_path, persistent=False)


def _private_redis(tmp_path: Path, *, persistent: bool) -> Iterator[PrivateRedis]:
    binary = shutil.which("redis-server")
    if binary is None:
        unavailable("redis-server is not installed")
    data = tmp_path / "redis"
    data.mkdir()
    server = PrivateRedis.build(str(binary), data, persistent=persistent)
    server.start()
    yield server
    server.stop()


def process_logs(tmp_path: Path, tail: int = 3000) -> str:
    """The end of every worker's and poller's log of this test, for failure messages."""
    return "\n".join(
        f"--- {p.name}\n" + p.read_text(errors="replace")[-tail:]
        for p in sorted(tmp_path.glob("*.log"))
    )


def counts(sessions: Sessions) -> dict[str, int]:
    """What an analyst would see: articles by status, result rows, dead letters."""
    with sessions() as session:
        by_status = dict(
            session.execute(
                select(Article.status, func.count(Article.id)).group_by(Article.status)
            ).all()
        )
        return {
            "done": by_status.get("done", 0),
            "dead": by_status.get("dead", 0),
            "pending": by_status.get("pending", 0),
            "commitments": int(session.scalar(select(func.count(Commitment.id))) or 0),
            "dead_letters": int(session.scalar(select(func.count(DeadLetter.id))) or 0),
        }
