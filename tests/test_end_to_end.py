"""End to end on real parts: the seeds feeds over a local HTTP server → poller → Redis →
a ``commitwatch worker`` process → PostgreSQL, asserting what an analyst would query."""

from __future__ import annotations

import signal
import uuid

import pytest
from pytest_httpserver import HTTPServer
from sqlalchemy import func, select

from tests.conftest import SEEDS, make_settings
from tests.helpers import start_worker, wait_for, worker_env, worker_output
from worker.runtime.daemon import poll_once
from worker.store.db import Sessions
from worker.store.feeds import add_feed
from worker.store.models import Article, Commitment, Entity, Mention

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.slow]

EXTRACTOR = "rules"


def test_end_to_end_seeds_feed_to_stored_commitments(
    httpserver: HTTPServer, postgres_url: str, redis_url: str, pg_sessions: Sessions
) -> None:
    httpserver.expect_request("/statements.rss").respond_with_data(
        (SEEDS / "statements.rss").read_bytes(), content_type="application/rss+xml"
    )
    httpserver.expect_request("/consilium.atom").respond_with_data(
        (SEEDS / "consilium.atom").read_bytes(), content_type="application/atom+xml"
    )
    queue = f"e2e-{uuid.uuid4().hex[:8]}"
    settings = make_settings(
        postgres_url, redis_url=redis_url, queue={"name": queue}, extract={"name": EXTRACTOR}
    )
    with pg_sessions.begin() as session:
        for path in ("/statements.rss", "/consilium.atom"):
            add_feed(session, httpserver.url_for(path))

    reports = poll_once(settings)
    worker = start_worker(
        worker_env(postgres_url, redis_url, queue, COMMITWATCH_EXTRACT__NAME=EXTRACTOR)
    )
    try:
        assert sorted(r.new_articles for r in reports) == [1, 5]

        def all_done() -> bool:
            with pg_sessions() as session:
                return (
                    session.scalar(select(func.count(Article.id)).where(Article.status == "done"))
                    == 6
                )

        assert wait_for(all_done, timeout=180), worker_output(worker)
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=90) == 0
    finally:
        if worker.poll() is None:
            worker.kill()
        worker.communicate(timeout=30)

    with pg_sessions() as session:
        by_type = dict(
            session.execute(
                select(Commitment.type, func.count(Commitment.id)).group_by(Commitment.type)
            ).all()
        )
        assert by_type.get("sanctions", 0) >= 3
        assert {"ceasefire", "frozen_assets", "military_meeting"} <= set(by_type)
        seed = session.scalars(
            select(Article).where(Article.entry_key == "seed-starmer-coalition")
        ).one()
        for commitment in session.scalars(
            select(Commitment).where(Commitment.article_id == seed.id)
        ):
            assert seed.text[commitment.start : commitment.end] == commitment.sentence
        for mention in session.scalars(select(Mention).where(Mention.article_id == seed.id)):
            assert seed.text[mention.start : mention.end] == mention.text
        if EXTRACTOR != "minimal":
            names = set(session.scalars(select(Entity.name)))
            assert {"Keir Starmer", "Vladimir Putin", "United Kingdom", "NATO"} <= names
    # Polling again finds nothing new: the server's bodies are unchanged.
    assert [r.new_articles for r in poll_once(settings, force=True)] == [0, 0]
