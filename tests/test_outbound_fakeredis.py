"""The Redis-side logic over fakeredis: fast unit tests beside the real-Redis integration tests.

The relay (outbox → stream), consumer groups (own pending first, then abandoned, then new),
webhook delivery (retries, set-aside, 410) and the health and queue-depth readers keep Redis
state of their own; these tests pin that logic in milliseconds, with an in-memory Redis and
an in-memory HTTP transport. ``test_outbox``, ``test_webhooks`` and ``test_integrations`` run
the same paths against the real server.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import fakeredis
import httpx
import pytest
from kombu.transport.redis import Channel

from tests.conftest import make_settings
from tests.helpers import WEBHOOK_SECRET, Receiver, entry, event_json, extraction, store_results
from worker.config import EventsConfig, WebhooksConfig
from worker.ops.health import check_redis
from worker.outbound.consumer import EventConsumer
from worker.outbound.relay import publish_events, relay
from worker.outbound.webhooks import WebhookSender
from worker.queue.depth import queue_depth, queue_keys
from worker.store.articles import save_entries
from worker.store.db import Sessions, make_engine, make_sessions, upgrade_database
from worker.store.feeds import add_feed
from worker.store.outbox import pending_count

NOW = datetime(2026, 1, 1, 12, tzinfo=UTC)
HOOK = "https://hooks.test/in"


@pytest.fixture
def server() -> fakeredis.FakeServer:
    return fakeredis.FakeServer()


@pytest.fixture
def fake(server: fakeredis.FakeServer) -> Iterator[fakeredis.FakeRedis]:
    client = fakeredis.FakeRedis(server=server)
    yield client
    client.close()


@pytest.fixture
def sqlite_sessions(tmp_path: Path) -> Iterator[Sessions]:
    url = f"sqlite:///{tmp_path / 'outbound.db'}"
    upgrade_database(url)
    engine = make_engine(url)
    yield make_sessions(engine)
    engine.dispose()


@pytest.fixture
def events_config() -> EventsConfig:
    return make_settings("sqlite://").events


def stored_events(sessions: Sessions, *keys: str) -> list[int]:
    """One article per key with its results stored: one staged event each."""
    with sessions.begin() as session:
        feed, _ = add_feed(session, "https://news.test/feed")
        ids = save_entries(session, feed.id, [entry(k) for k in keys], now=NOW, max_chars=1000)
    for article_id in ids:
        with sessions.begin() as session:
            store_results(session, article_id, extraction())
    return ids


def unpublished(sessions: Sessions) -> int:
    with sessions() as session:
        return pending_count(session)


# --- the relay ---


def test_relay_publishes_staged_events_in_order_once(
    sqlite_sessions: Sessions, fake: fakeredis.FakeRedis, events_config: EventsConfig
) -> None:
    ids = stored_events(sqlite_sessions, "a", "b", "c")
    config = events_config.model_copy(update={"publish_batch": 2})  # several round trips
    assert publish_events(sqlite_sessions, fake, config) == 3
    assert publish_events(sqlite_sessions, fake, config) == 0
    entries = fake.xrange(config.stream)
    events = [json.loads(fields[b"data"]) for _, fields in entries]
    assert [e["article"]["id"] for e in events] == ids
    assert [f[b"event_id"].decode() for _, f in entries] == [e["event_id"] for e in events]
    assert {f[b"schema"] for _, f in entries} == {b"commitwatch.commitment-event/1"}
    assert unpublished(sqlite_sessions) == 0


def test_relay_trims_the_stream_to_its_configured_length(
    sqlite_sessions: Sessions, fake: fakeredis.FakeRedis, events_config: EventsConfig
) -> None:
    stored_events(sqlite_sessions, *"abcdef")
    config = events_config.model_copy(update={"max_length": 2})
    assert publish_events(sqlite_sessions, fake, config) == 6
    assert fake.xlen(config.stream) <= 6  # approximate trimming never keeps more


def test_relay_sweep_keeps_events_in_the_outbox_while_redis_is_down(
    sqlite_sessions: Sessions,
    server: fakeredis.FakeServer,
    fake: fakeredis.FakeRedis,
    events_config: EventsConfig,
) -> None:
    stored_events(sqlite_sessions, "a")
    server.connected = False
    assert relay(sqlite_sessions, fake, events_config) == 0
    assert unpublished(sqlite_sessions) == 1
    server.connected = True
    assert relay(sqlite_sessions, fake, events_config) == 1
    assert unpublished(sqlite_sessions) == 0


# --- consumer groups ---


def reader(client: fakeredis.FakeRedis, name: str, **kwargs: Any) -> EventConsumer:
    return EventConsumer(client, stream="s", group="g", consumer=name, **kwargs)


def test_consumer_rereads_its_own_pending_events_first_after_a_crash(
    fake: fakeredis.FakeRedis,
) -> None:
    first = reader(fake, "a")
    for n in range(5):
        fake.xadd("s", {"data": event_json(n)})
    crashed = first.take(count=3, block_ms=1)  # read, never acknowledged
    resumed = reader(fake, "a").take(count=10, block_ms=1)  # the same name after a restart
    assert [d.message_id for d in resumed] == [d.message_id for d in crashed]
    assert [d.event.event_id for d in resumed] == ["event-0", "event-1", "event-2"]


def test_consumer_claims_what_a_dead_consumer_left_idle(fake: fakeredis.FakeRedis) -> None:
    reader(fake, "a")
    for n in range(4):
        fake.xadd("s", {"data": event_json(n)})
    dead = reader(fake, "a").take(count=2, block_ms=1)
    survivor = reader(fake, "b", claim_idle_ms=0)
    taken = survivor.take(count=10, block_ms=1)  # the dead one's two, claimed
    assert [d.message_id for d in taken] == [d.message_id for d in dead]
    survivor.ack(*taken)
    rest = survivor.take(count=10, block_ms=1)  # then the two nobody read
    survivor.ack(*rest)
    handled = [d.event.event_id for d in taken + rest]
    assert sorted(handled) == [f"event-{n}" for n in range(4)]
    assert fake.xpending("s", "g")["pending"] == 0


def test_consumer_joining_twice_keeps_the_group_and_its_position(
    fake: fakeredis.FakeRedis,
) -> None:
    fake.xadd("s", {"data": event_json(0)})
    first = reader(fake, "a", start_at="$")  # a new group starts after event 0
    fake.xadd("s", {"data": event_json(1)})
    again = reader(fake, "a", start_at="0")  # BUSYGROUP: the group is not reset
    assert [d.event.event_id for d in again.take(block_ms=1)] == ["event-1"]
    assert first.group == again.group


def test_consumer_acknowledges_and_skips_what_is_not_an_event(fake: fakeredis.FakeRedis) -> None:
    consumer = reader(fake, "a")
    fake.xadd("s", {"data": "not json"})
    fake.xadd("s", {"other": "field"})
    fake.xadd("s", {"data": event_json(2)})
    assert [d.event.event_id for d in consumer.take(block_ms=1)] == ["event-2"]
    assert fake.xpending("s", "g")["pending"] == 1  # only the real event waits for its ack


# --- webhook delivery ---


def sender(
    client: fakeredis.FakeRedis, receiver: Receiver, **config: Any
) -> tuple[WebhookSender, threading.Event]:
    settings = WebhooksConfig(
        urls=[HOOK],
        secret=WEBHOOK_SECRET,
        backoff_seconds=0.001,
        backoff_max_seconds=0.002,
        **config,
    )
    answer = lambda request: httpx.Response(receiver.answer(request.read(), request.headers))  # noqa: E731
    http = httpx.Client(transport=httpx.MockTransport(answer))
    stop = threading.Event()
    return WebhookSender(client, http, url=HOOK, stream="s", config=settings, stop=stop), stop


def deliver_all(webhook: WebhookSender) -> None:
    for delivery in webhook.consumer.take(block_ms=1):
        assert webhook.deliver(delivery)


def test_webhook_delivers_in_order_retrying_failures(fake: fakeredis.FakeRedis) -> None:
    receiver = Receiver([500, 503])
    webhook, _ = sender(fake, receiver)  # joins the stream from now on
    for n in range(3):
        fake.xadd("s", {"data": event_json(n)})
    deliver_all(webhook)
    assert receiver.accepted == ["event-0", "event-1", "event-2"]
    assert receiver.calls == 5
    assert fake.xpending("s", webhook.consumer.group)["pending"] == 0


@pytest.mark.parametrize(
    ("statuses", "attempts", "calls"),
    [([500, 500, 500], 3, 3), ([410], 1, 1)],  # hopeless after max_attempts; 410 at once
)
def test_webhook_sets_an_undeliverable_event_aside_and_carries_on(
    fake: fakeredis.FakeRedis, statuses: list[int], attempts: int, calls: int
) -> None:
    receiver = Receiver(list(statuses))
    webhook, _ = sender(fake, receiver, max_attempts=3)
    fake.xadd("s", {"data": event_json(0)})
    fake.xadd("s", {"data": event_json(1)})
    deliver_all(webhook)
    assert receiver.accepted == ["event-1"]
    assert receiver.calls == calls + 1
    [(_, failure)] = fake.xrange("s:webhook-failures")
    assert (failure[b"event_id"], failure[b"attempts"]) == (b"event-0", str(attempts).encode())
    assert fake.xpending("s", webhook.consumer.group)["pending"] == 0


def test_webhook_stopped_between_retries_leaves_the_event_pending(
    fake: fakeredis.FakeRedis,
) -> None:
    receiver = Receiver([503] * 10)
    webhook, stop = sender(fake, receiver)
    fake.xadd("s", {"data": event_json(0)})
    [delivery] = webhook.consumer.take(block_ms=1)
    stop.set()
    assert not webhook.deliver(delivery)  # stopped: not acknowledged, sent after a restart
    assert fake.xpending("s", webhook.consumer.group)["pending"] == 1


# --- health and queue depth ---


def test_health_check_redis_names_the_masked_url_and_why_it_is_down(
    server: fakeredis.FakeServer, fake: fakeredis.FakeRedis
) -> None:
    url = "redis://:hunter2@redis:6379/0"
    assert check_redis(fake, url).ok
    server.connected = False
    check = check_redis(fake, url)
    assert not check.ok and check.error and "Connection" in check.error
    assert check.target == "redis://:***@redis:6379/0"


def test_queue_depth_counts_every_priority_list_and_the_unacked_hash(
    fake: fakeredis.FakeRedis,
) -> None:
    base, high, *_ = queue_keys("q")
    fake.lpush(base, "m1", "m2")
    fake.lpush(high, "m3")
    fake.hset(Channel.unacked_key, mapping={"t1": "x", "t2": "y"})
    depth = queue_depth(fake, "q")
    assert (depth.queue, depth.ready, depth.unacked) == ("q", 3, 2)
