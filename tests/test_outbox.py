"""The outbox: events staged with the results they describe, published after commit, in order.

Store tests run on SQLite and PostgreSQL; the relay publishes to the real Redis.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
import redis
from sqlalchemy import func, select

from tests.conftest import make_settings
from tests.helpers import entry, extraction, store_results
from worker.config import EventsConfig
from worker.domain import Extraction
from worker.messages import CommitmentEvent
from worker.outbound.relay import publish_events, relay
from worker.store.articles import save_entries
from worker.store.db import Sessions
from worker.store.feeds import add_feed
from worker.store.models import Commitment, OutboxEvent
from worker.store.outbox import pending_count, prune_published
from worker.store.queries import stats

NOW = datetime(2026, 1, 1, 12, tzinfo=UTC)


def _article(sessions: Sessions, key: str = "a") -> int:
    with sessions.begin() as session:
        feed, _ = add_feed(session, "https://news.test/feed")
        [article_id] = save_entries(session, feed.id, [entry(key)], now=NOW, max_chars=1000)
        return article_id


def _store(sessions: Sessions, article_id: int, result: Extraction) -> int:
    with sessions.begin() as session:
        return store_results(session, article_id, result)


def _events(sessions: Sessions) -> list[CommitmentEvent]:
    with sessions() as session:
        rows = session.scalars(select(OutboxEvent).order_by(OutboxEvent.id))
        return [CommitmentEvent.model_validate_json(row.payload) for row in rows]


def test_outbox_first_extraction_stages_one_created_event_per_commitment(
    sessions: Sessions,
) -> None:
    article_id = _article(sessions)
    assert _store(sessions, article_id, extraction()) == 1
    [event] = _events(sessions)
    assert event.type == "commitment.created"
    assert (event.commitment.type, event.commitment.actor) == ("sanctions", "gpe:gb")
    assert {e.name for e in event.entities} == {"United Kingdom", "Russia"}
    assert (event.article.id, event.article.url) == (article_id, "https://news.test/a")
    assert (event.source.kind, event.source.name) == ("feed", "https://news.test/feed")
    with sessions() as session:  # the stored row carries the same stable key
        assert session.scalars(select(Commitment.key)).one() == event.commitment.key


def test_outbox_re_extraction_publishes_only_what_changed(sessions: Sessions) -> None:
    article_id = _article(sessions)
    _store(sessions, article_id, extraction())
    assert _store(sessions, article_id, extraction()) == 0  # same result: nothing new
    assert _store(sessions, article_id, extraction(version="test-2")) == 0

    [pledge] = extraction().commitments
    refused = Extraction("test-2", extraction().entities, (), (replace(pledge, status="refused"),))
    assert _store(sessions, article_id, refused) == 1
    assert _store(sessions, article_id, Extraction("test-2")) == 1  # no longer found
    events = _events(sessions)
    assert [e.type for e in events] == [
        "commitment.created",
        "commitment.updated",
        "commitment.withdrawn",
    ]
    assert len({e.commitment.key for e in events}) == 1  # one commitment's history
    assert events[1].commitment.status == "refused"
    assert {e.key for e in events[2].entities} == {"gpe:gb", "gpe:ru"}  # from the stored rows
    assert len({e.event_id for e in events}) == 3


def test_outbox_rolled_back_results_leave_no_event(sessions: Sessions) -> None:
    article_id = _article(sessions)
    with pytest.raises(RuntimeError), sessions.begin() as session:
        store_results(session, article_id, extraction())
        raise RuntimeError("crash before commit")
    assert _events(sessions) == []


@pytest.fixture
def events_config(redis_url: str) -> EventsConfig:
    return make_settings("sqlite://", redis_url=redis_url).events


@pytest.mark.redis
def test_relay_publishes_committed_events_in_order_once(
    sessions: Sessions, redis_url: str, events_config: EventsConfig
) -> None:
    client = redis.Redis.from_url(redis_url)
    ids = [_article(sessions, key) for key in "abc"]
    for article_id in ids:
        _store(sessions, article_id, extraction())
    config = events_config.model_copy(update={"publish_batch": 2})  # several round trips

    assert publish_events(sessions, client, config) == 3
    assert publish_events(sessions, client, config) == 0  # published rows are not sent again
    entries = client.xrange(config.stream)
    published = [json.loads(fields[b"data"]) for _, fields in entries]
    assert [e["article"]["id"] for e in published] == ids
    assert [fields[b"event_id"].decode() for _, fields in entries] == [
        e["event_id"] for e in published
    ]
    with sessions() as session:
        assert pending_count(session) == 0


@pytest.mark.redis
def test_relay_crash_between_publish_and_commit_republishes_the_same_event_id(
    sessions: Sessions, redis_url: str, events_config: EventsConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = redis.Redis.from_url(redis_url)
    _store(sessions, _article(sessions), extraction())

    def crash(*args: object, **kwargs: object) -> None:
        raise RuntimeError("relay died after XADD")

    monkeypatch.setattr("worker.outbound.relay.mark_published", crash)
    with pytest.raises(RuntimeError):
        publish_events(sessions, client, events_config)
    monkeypatch.undo()
    assert publish_events(sessions, client, events_config) == 1

    ids = [fields[b"event_id"] for _, fields in client.xrange(events_config.stream)]
    assert len(ids) == 2 and ids[0] == ids[1]  # at least once, deduplicable by event_id


def test_relay_keeps_events_in_the_outbox_while_redis_is_down(
    sessions: Sessions, events_config: EventsConfig
) -> None:
    dead = redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=1)
    _store(sessions, _article(sessions), extraction())
    assert relay(sessions, dead, events_config) == 0
    with sessions() as session:
        assert pending_count(session) == 1
        assert stats(session).events_unpublished == 1  # what stats and /metrics show


def test_outbox_prunes_only_events_published_long_ago(sessions: Sessions) -> None:
    _store(sessions, _article(sessions, "a"), extraction())
    _store(sessions, _article(sessions, "b"), extraction())
    with sessions.begin() as session:
        first = session.scalars(select(OutboxEvent).order_by(OutboxEvent.id)).first()
        assert first is not None
        first.published_at = NOW - timedelta(days=30)
    with sessions.begin() as session:
        assert prune_published(session, before=NOW - timedelta(days=7)) == 1
    with sessions() as session:
        assert session.scalar(select(func.count(OutboxEvent.id))) == 1
        assert pending_count(session) == 1  # the unpublished one is never pruned
