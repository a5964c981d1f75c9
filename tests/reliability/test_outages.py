"""Outages of the servers the service depends on: PostgreSQL behind a proxy that a test
cuts, and a private Redis with append-only persistence that a test restarts."""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis
from pytest_httpserver import HTTPServer
from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from tests.conftest import SEEDS, make_settings, unavailable
from tests.helpers import wait_for
from tests.reliability.conftest import HEALTHY, StartWorker, counts, worker_logs
from tests.reliability.proxy import TcpProxy
from worker.feeds.fetch import Fetcher
from worker.poller import Poller
from worker.queue.app import create_app
from worker.queue.tasks import enqueue_articles
from worker.store.db import Sessions, make_engine, make_sessions
from worker.store.feeds import add_feed
from worker.store.models import Article
from worker.wiring import fetch_settings

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.slow]

Store = Callable[[list[str]], list[int]]


@pytest.fixture
def pg_proxy(postgres_url: str) -> Iterator[tuple[TcpProxy, str]]:
    """A proxy in front of the test database, and the database URL that goes through it."""
    url = make_url(postgres_url)
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    yield proxy, url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    proxy.close()


def test_outage_postgres_down_tasks_wait_and_complete_without_spending_attempts(
    pg_sessions: Sessions,
    store_articles: Store,
    publish: Callable[[list[int]], None],
    workers: StartWorker,
    pg_proxy: tuple[TcpProxy, str],
    tmp_path: Path,
) -> None:
    proxy, proxied_url = pg_proxy
    ids = store_articles([HEALTHY] * 6)
    workers("minimal", DATABASE_URL=proxied_url)
    proxy.cut()
    publish(ids)
    assert not wait_for(lambda: counts(pg_sessions)["done"] > 0, timeout=6)  # nothing can land
    proxy.restore()

    assert wait_for(lambda: counts(pg_sessions)["done"] == 6, timeout=90), worker_logs(tmp_path)
    final = counts(pg_sessions)
    assert final["commitments"] == 6 and final["dead_letters"] == 0
    with pg_sessions() as session:  # the outage was retried, not counted against the articles
        assert set(session.scalars(select(Article.attempts))) == {1}


def test_outage_postgres_down_the_poller_keeps_its_place(
    httpserver: HTTPServer, postgres_url: str, redis_url: str, pg_proxy: tuple[TcpProxy, str]
) -> None:
    proxy, proxied_url = pg_proxy
    httpserver.expect_request("/feed").respond_with_data(
        (SEEDS / "statements.rss").read_bytes(), content_type="application/rss+xml"
    )
    settings = make_settings(proxied_url, redis_url=redis_url)
    engine = make_engine(proxied_url)
    sessions = make_sessions(engine)
    with sessions.begin() as session:
        add_feed(session, httpserver.url_for("/feed"))
    enqueued: list[int] = []
    try:
        with Fetcher(fetch_settings(settings)) as fetcher:
            poller = Poller(settings, sessions, fetcher, enqueued.extend)
            assert [r.new_articles for r in poller.poll_due()] == [5]
            proxy.cut()
            with pytest.raises(OperationalError):  # the daemon logs it and tries again later
                poller.poll_due()
            proxy.restore()
            assert poller.poll_due() == []  # not due: its place was kept
    finally:
        engine.dispose()
    assert len(httpserver.log) == 1  # fetched once in all
    assert len(enqueued) == 5


@dataclass
class PrivateRedis:
    """A Redis of the test's own, persisted like docker-compose's, that the test can restart."""

    args: list[str]
    url: str
    proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            self.args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        client = redis.Redis.from_url(self.url)
        try:
            assert wait_for(lambda: _pings(client), timeout=20), "private redis did not start"
        finally:
            client.close()

    def restart(self) -> None:
        client = redis.Redis.from_url(self.url)
        with contextlib.suppress(redis.ConnectionError):
            client.shutdown()  # writes the append-only file and exits
        client.close()
        assert self.proc is not None
        self.proc.wait(timeout=30)
        self.start()

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait(timeout=30)


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    binary = shutil.which("redis-server")
    if binary is None:
        unavailable("redis-server is not installed")
    data = tmp_path / "redis"
    data.mkdir()
    port = _free_port()
    server = PrivateRedis(
        [
            str(binary),
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--dir",
            str(data),
            "--appendonly",
            "yes",
            "--appendfsync",
            "always",
            "--save",
            "",
            "--maxmemory-policy",
            "noeviction",
        ],
        f"redis://127.0.0.1:{port}/0",
    )
    server.start()
    yield server
    server.stop()


def _pings(client: redis.Redis) -> bool:
    try:
        return bool(client.ping())
    except redis.ConnectionError:
        return False


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.xfail(
    strict=False,
    reason="flaky: failed 1 run in 3 under load (cause not yet captured); issue 4 stays open",
)
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
    app = create_app(make_settings(postgres_url, redis_url=url, queue={"name": queue_name}))
    workers(
        "tests.reliability.plugins:slow",
        concurrency=1,
        REDIS_URL=url,
        RELIABILITY_SLOW_SECONDS="0.3",
        COMMITWATCH_QUEUE__VISIBILITY_TIMEOUT="5",
    )
    enqueue_articles(app, ids[:10])
    assert wait_for(lambda: counts(pg_sessions)["done"] >= 2, timeout=60), worker_logs(tmp_path)

    private_redis.restart()  # restart while the worker runs and messages wait in the queue
    enqueue_articles(app, ids[10:])  # the long-lived publisher reconnects by itself

    assert wait_for(lambda: counts(pg_sessions)["done"] == 15, timeout=120), worker_logs(tmp_path)
    assert counts(pg_sessions)["commitments"] == 15
