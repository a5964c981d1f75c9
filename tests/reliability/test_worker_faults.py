"""Faults injected into real worker processes on the real Redis and PostgreSQL.

Each test asserts what matters to a user: every article ends done (or, if it cannot be
processed, dead-lettered), none is lost, and none has two sets of results.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import redis

from tests.helpers import wait_for, worker_env
from tests.reliability.conftest import HEALTHY, StartWorker, counts, process_logs
from tests.reliability.plugins import CRASH, POISON
from worker.store.db import Sessions
from worker.store.dead_letters import open_dead_letters

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.slow]

Store = Callable[[list[str]], list[int]]
Publish = Callable[[list[int]], None]


def test_faults_poison_article_is_dead_lettered_and_replayed_once_fixed(
    pg_sessions: Sessions,
    store_articles: Store,
    publish: Publish,
    workers: StartWorker,
    postgres_url: str,
    redis_url: str,
    queue_name: str,
    tmp_path: Path,
) -> None:
    ids = store_articles([HEALTHY] * 8 + [f"{HEALTHY} {POISON}"])
    broken = workers("tests.reliability.plugins:poison")
    publish(ids)

    settled = lambda: counts(pg_sessions)["done"] == 8 and counts(pg_sessions)["dead"] == 1  # noqa: E731
    assert wait_for(settled, timeout=90), process_logs(tmp_path)
    with pg_sessions() as session:
        [letter] = open_dead_letters(session)
        assert letter.attempts == 3 and "poison pill" in letter.reason
    assert broken.poll() is None  # the worker kept serving

    os.killpg(broken.pid, signal.SIGKILL)
    workers("minimal")  # the fixed release
    env = worker_env(postgres_url, redis_url, queue_name)
    replay = subprocess.run(
        [sys.executable, "-m", "worker", "dead-letters", "replay", "--all"],
        env=env,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert replay.returncode == 0, replay.stderr.decode()
    assert wait_for(lambda: counts(pg_sessions)["done"] == 9, timeout=90), process_logs(tmp_path)
    assert counts(pg_sessions)["commitments"] == 9


def test_faults_article_that_kills_its_pool_process_is_bounded(
    pg_sessions: Sessions,
    store_articles: Store,
    publish: Publish,
    workers: StartWorker,
    tmp_path: Path,
) -> None:
    ids = store_articles([HEALTHY] * 4 + [f"{HEALTHY} {CRASH}"])
    worker = workers("tests.reliability.plugins:crash")
    publish(ids)

    settled = lambda: counts(pg_sessions)["done"] == 4 and counts(pg_sessions)["dead"] == 1  # noqa: E731
    assert wait_for(settled, timeout=120), process_logs(tmp_path)
    with pg_sessions() as session:
        [letter] = open_dead_letters(session)
        assert "gave up after 3 attempts" in letter.reason
    assert worker.poll() is None  # the main process replaced its pool child each time


def test_faults_sigkill_mid_batch_loses_and_duplicates_nothing(
    pg_sessions: Sessions,
    store_articles: Store,
    publish: Publish,
    workers: StartWorker,
    tmp_path: Path,
) -> None:
    fast_redelivery = {
        "COMMITWATCH_QUEUE__VISIBILITY_TIMEOUT": "5",
        "RELIABILITY_SLOW_SECONDS": "0.3",
    }
    ids = store_articles([HEALTHY] * 20)
    first = workers("tests.reliability.plugins:slow", **fast_redelivery)
    publish(ids)
    assert wait_for(lambda: counts(pg_sessions)["done"] >= 4, timeout=60), process_logs(tmp_path)
    os.killpg(first.pid, signal.SIGKILL)  # main process and pool, no goodbye
    first.wait(timeout=10)
    assert counts(pg_sessions)["done"] < 20

    workers("tests.reliability.plugins:slow", **fast_redelivery)
    assert wait_for(lambda: counts(pg_sessions)["done"] == 20, timeout=120), process_logs(tmp_path)
    final = counts(pg_sessions)
    assert final["commitments"] == 20  # one set per article
    assert final["dead_letters"] == 0


def test_faults_same_message_to_two_workers_at_once_gives_one_result_set(
    pg_sessions: Sessions,
    store_articles: Store,
    publish: Publish,
    workers: StartWorker,
    redis_url: str,
    queue_name: str,
    tmp_path: Path,
) -> None:
    ids = store_articles([HEALTHY] * 10)
    slow = {"RELIABILITY_SLOW_SECONDS": "0.3"}
    workers("tests.reliability.plugins:slow", concurrency=1, **slow)
    workers("tests.reliability.plugins:slow", concurrency=1, **slow)
    # Every message twice, back to back: each worker takes one copy of the same article at
    # the same moment, so both extract it concurrently and race to store the results.
    publish([article_id for article_id in ids for _ in range(2)])

    client = redis.Redis.from_url(redis_url)
    drained = lambda: client.llen(queue_name) == 0 and client.hlen("unacked") == 0  # noqa: E731
    try:
        assert wait_for(drained, timeout=90), process_logs(tmp_path)
    finally:
        client.close()
    final = counts(pg_sessions)
    assert final["done"] == 10
    assert final["commitments"] == 10


def test_faults_sigterm_finishes_or_returns_in_flight_work(
    pg_sessions: Sessions,
    store_articles: Store,
    publish: Publish,
    workers: StartWorker,
    tmp_path: Path,
) -> None:
    env = {"RELIABILITY_SLOW_SECONDS": "1.0", "COMMITWATCH_QUEUE__SOFT_SHUTDOWN_SECONDS": "10"}
    ids = store_articles([HEALTHY] * 8)
    first = workers("tests.reliability.plugins:slow", **env)
    publish(ids)
    assert wait_for(lambda: counts(pg_sessions)["done"] >= 1, timeout=60), process_logs(tmp_path)
    first.send_signal(signal.SIGTERM)
    assert first.wait(timeout=60) == 0, process_logs(tmp_path)
    stopped = counts(pg_sessions)
    assert stopped["done"] < 8  # it stopped with work left, which must not be lost

    workers("tests.reliability.plugins:slow", **env)
    assert wait_for(lambda: counts(pg_sessions)["done"] == 8, timeout=90), process_logs(tmp_path)
    assert counts(pg_sessions)["commitments"] == 8
