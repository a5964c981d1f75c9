"""The store: migrations match the models, entries are stored once, claims are exclusive."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select

from tests.helpers import entry, extraction, store_results
from worker.store.articles import mark_enqueued, save_entries, stale_pending_ids
from worker.store.db import Sessions, make_engine
from worker.store.feeds import add_feed, claim_due_feeds
from worker.store.models import Article, Base, Commitment, Entity, Mention

NOW = datetime(2026, 1, 1, 12, tzinfo=UTC)


def test_store_migrations_match_models(database_url: str) -> None:
    engine = make_engine(database_url)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
    engine.dispose()


def _feed(sessions: Sessions, url: str = "https://news.test/feed") -> int:
    with sessions.begin() as session:
        feed, _ = add_feed(session, url)
        return feed.id


def test_store_saves_new_entries_once(sessions: Sessions) -> None:
    feed_id = _feed(sessions)
    with sessions.begin() as session:
        first = save_entries(session, feed_id, [entry("a"), entry("b")], now=NOW, max_chars=1000)
    with sessions.begin() as session:
        again = save_entries(session, feed_id, [entry("a"), entry("b")], now=NOW, max_chars=1000)
    assert len(first) == 2
    assert again == []


def test_store_edited_entry_goes_back_to_pending(sessions: Sessions) -> None:
    feed_id = _feed(sessions)
    with sessions.begin() as session:
        [article_id] = save_entries(session, feed_id, [entry("a")], now=NOW, max_chars=1000)
        session.get_one(Article, article_id).status = "done"
    with sessions.begin() as session:
        edited = save_entries(
            session, feed_id, [entry("a", text="Corrected text.")], now=NOW, max_chars=1000
        )
        article = session.get_one(Article, article_id)
        assert edited == [article_id]
        assert (article.status, article.text) == ("pending", "Corrected text.")


def test_store_caps_article_text(sessions: Sessions) -> None:
    feed_id = _feed(sessions)
    with sessions.begin() as session:
        [article_id] = save_entries(
            session, feed_id, [entry("a", text="x" * 50)], now=NOW, max_chars=10
        )
        assert session.get_one(Article, article_id).text == "x" * 10


def test_store_claim_is_exclusive_between_pollers(sessions: Sessions) -> None:
    _feed(sessions)  # due from the moment it is added
    lease, later = timedelta(minutes=10), datetime.now(UTC) + timedelta(seconds=1)
    with sessions() as first, sessions() as second:
        claims_a = claim_due_feeds(first, later, lease=lease, limit=10)
        claims_b = claim_due_feeds(second, later, lease=lease, limit=10)
        claims_after_lease = claim_due_feeds(second, later + lease, lease=lease, limit=10)
    assert len(claims_a) == 1
    assert claims_b == []
    assert [c.id for c in claims_after_lease] == [claims_a[0].id]


def test_store_stale_pending_articles_are_found_for_requeue(sessions: Sessions) -> None:
    feed_id = _feed(sessions)
    with sessions.begin() as session:
        ids = save_entries(session, feed_id, [entry("a"), entry("b")], now=NOW, max_chars=1000)
        mark_enqueued(session, ids[:1], NOW)
    with sessions() as session:
        never_sent = stale_pending_ids(session, enqueued_before=NOW - timedelta(hours=1), limit=10)
        all_old = stale_pending_ids(session, enqueued_before=NOW + timedelta(hours=1), limit=10)
    assert never_sent == ids[1:]
    assert all_old == ids


def test_store_replacing_an_extraction_leaves_one_set(sessions: Sessions) -> None:
    feed_id = _feed(sessions)
    with sessions.begin() as session:
        [article_id] = save_entries(session, feed_id, [entry("a")], now=NOW, max_chars=1000)
    for _ in range(2):
        with sessions.begin() as session:
            store_results(session, article_id, extraction())
    with sessions() as session:
        assert session.scalar(select(func.count(Commitment.id))) == 1
        assert session.scalar(select(func.count(Mention.id))) == 2
        assert session.scalar(select(func.count(Entity.id))) == 2
        commitment = session.scalars(select(Commitment)).one()
        assert commitment.actor is not None and commitment.actor.key == "gpe:gb"
        assert commitment.target is not None and commitment.target.name == "Russia"
        assert session.get_one(Article, article_id).status == "done"


def test_store_entities_are_shared_across_articles(sessions: Sessions) -> None:
    feed_id = _feed(sessions)
    with sessions.begin() as session:
        ids = save_entries(session, feed_id, [entry("a"), entry("b")], now=NOW, max_chars=1000)
    for article_id in ids:
        with sessions.begin() as session:
            store_results(session, article_id, extraction())
    with sessions() as session:
        assert session.scalar(select(func.count(Entity.id))) == 2
        assert session.scalar(select(func.count(Mention.id))) == 4


def test_store_racing_pollers_never_claim_a_feed_twice(sessions: Sessions) -> None:
    from concurrent.futures import ThreadPoolExecutor

    feed_ids = {_feed(sessions, f"https://news.test/{n}") for n in range(40)}
    later = datetime.now(UTC) + timedelta(seconds=1)

    def claim(_: int) -> list[int]:
        with sessions() as session:
            got = claim_due_feeds(session, later, lease=timedelta(minutes=10), limit=40)
            return [c.id for c in got]

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(claim, range(4)))
    claimed = [feed_id for result in results for feed_id in result]
    assert sorted(claimed) == sorted(feed_ids)  # every feed once, none twice
