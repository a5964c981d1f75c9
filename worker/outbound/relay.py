"""The outbox relay: publishes committed commitment events to the Redis Stream.

It runs in two places: a worker publishes right after committing an article's results (low
latency), and the scheduler daemon sweeps every pass (events a crashed worker or a Redis outage
left behind). Rows are locked while published, so two relays never publish the same row; a
crash between XADD and marking the row published re-publishes it later with the same
``event_id`` (at least once).
"""

from __future__ import annotations

import logging
from datetime import timedelta

import redis

from worker.config import EventsConfig
from worker.domain import utcnow
from worker.messages import EVENT_SCHEMA
from worker.store.db import Sessions
from worker.store.outbox import mark_published, prune_published, unpublished

log = logging.getLogger(__name__)


def publish_events(sessions: Sessions, client: redis.Redis, config: EventsConfig) -> int:
    """Publish every unpublished event in order; returns how many. Raises if Redis is down."""
    total = 0
    while True:
        with sessions.begin() as session:
            rows = unpublished(session, limit=config.publish_batch)
            if not rows:
                return total
            pipe = client.pipeline(transaction=False)
            for row in rows:
                fields = {
                    "event_id": row.event_id,
                    "type": row.type,
                    "schema": EVENT_SCHEMA,
                    "data": row.payload,
                }
                pipe.xadd(config.stream, fields, maxlen=config.max_length, approximate=True)  # type: ignore[arg-type]
            pipe.execute()
            mark_published(session, rows, utcnow())
        total += len(rows)
        if len(rows) < config.publish_batch:  # that was the last of them: no empty round trip
            return total


def relay(sessions: Sessions, client: redis.Redis, config: EventsConfig) -> int:
    """One sweep: publish what is pending, prune what was published long ago; never raises
    for a Redis outage (the events wait in the outbox)."""
    try:
        published = publish_events(sessions, client, config)
    except redis.RedisError as exc:
        log.warning("events not published (%s); they wait in the outbox", exc)
        return 0
    with sessions.begin() as session:
        prune_published(session, before=utcnow() - timedelta(days=config.retention_days))
    if published:
        log.info("published %d commitment events to %s", published, config.stream)
    return published
