"""The poll daemon as deployed: ``commitwatch poll --forever`` in its own process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import redis
from pytest_httpserver import HTTPServer
from sqlalchemy import func, select

from tests.conftest import SEEDS
from tests.helpers import wait_for
from worker.store.db import make_engine, make_sessions, upgrade_database
from worker.store.feeds import add_feed
from worker.store.models import Article, Feed

pytestmark = [pytest.mark.redis, pytest.mark.slow]


def test_daemon_polls_enqueues_and_stops_on_sigterm(
    httpserver: HTTPServer, redis_url: str, tmp_path: Path
) -> None:
    httpserver.expect_request("/feed").respond_with_data(
        (SEEDS / "statements.rss").read_bytes(), content_type="application/rss+xml"
    )
    database_url = f"sqlite:///{tmp_path / 'daemon.db'}"
    upgrade_database(database_url)
    engine = make_engine(database_url)
    sessions = make_sessions(engine)
    with sessions.begin() as session:
        add_feed(session, httpserver.url_for("/feed"))
    queue = f"daemon-{uuid.uuid4().hex[:8]}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMMITWATCH_")}
    env.update(
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        COMMITWATCH_CONFIG=os.devnull,
        COMMITWATCH_QUEUE__NAME=queue,
        COMMITWATCH_FETCH__ALLOW_PRIVATE_NETWORKS="true",
        COMMITWATCH_POLL__IDLE_SECONDS="0.5",
    )
    daemon = subprocess.Popen(
        [sys.executable, "-m", "worker", "poll", "--forever"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    client = redis.Redis.from_url(redis_url)
    try:
        assert wait_for(lambda: client.llen(queue) == 5, timeout=60)
        daemon.send_signal(signal.SIGTERM)
        assert daemon.wait(timeout=30) == 0
    finally:
        if daemon.poll() is None:
            daemon.kill()
        output = daemon.communicate(timeout=30)[0].decode(errors="replace")
        client.close()
    with sessions() as session:
        assert session.scalar(select(func.count(Article.id))) == 5
        feed = session.scalars(select(Feed)).one()
        assert feed.last_success_at is not None and feed.consecutive_errors == 0
    engine.dispose()
    assert "poller stopped" in output
