"""PostgreSQL outages: the database behind a proxy that a test cuts (Redis outages are in
test_redis_outages.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from tests.conftest import SEEDS, make_settings
from tests.helpers import polling, wait_for
from tests.reliability.conftest import HEALTHY, StartWorker, counts, process_logs
from tests.reliability.proxy import TcpProxy
from worker.pipeline.dispatch import RecordingDispatch
from worker.store.db import Sessions, make_engine, make_sessions
from worker.store.feeds import add_feed
from worker.store.models import Article

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

    assert wait_for(lambda: counts(pg_sessions)["done"] == 6, timeout=90), process_logs(tmp_path)
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
    enqueued = RecordingDispatch()
    try:
        with polling(settings, sessions, enqueued) as poller:
            assert [r.new_articles for r in poller.poll_due()] == [5]
            proxy.cut()
            with pytest.raises(OperationalError):  # the daemon logs it and tries again later
                poller.poll_due()
            proxy.restore()
            assert poller.poll_due() == []  # not due: its place was kept
    finally:
        engine.dispose()
    assert len(httpserver.log) == 1  # fetched once in all
    assert len(enqueued.ids) == 5
