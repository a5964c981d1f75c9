"""Reading the commitment event stream with a consumer group: the reference consumer.

``commitwatch events tail`` uses it, and it is the README's example in library form. A
consumer that crashes before acknowledging leaves its events pending in the group; when it
restarts under the same name it reads them again first, and any other consumer of the group
claims them (XAUTOCLAIM) once they have been idle for ``claim_idle_ms``. Events can therefore
arrive more than once: deduplicate on ``event_id``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import redis
from pydantic import ValidationError

from worker.messages import CommitmentEvent

log = logging.getLogger(__name__)

# A pending event idle this long belongs to a consumer presumed dead: another one claims it.
CLAIM_IDLE_MS = 60_000


@dataclass(frozen=True, slots=True)
class Delivery:
    """One stream entry and the event it carries; ``ack`` it once handled."""

    message_id: str
    event: CommitmentEvent


class EventConsumer:
    """One named consumer in a consumer group of the event stream."""

    def __init__(
        self,
        client: redis.Redis,
        *,
        stream: str,
        group: str,
        consumer: str,
        claim_idle_ms: int = CLAIM_IDLE_MS,
        start_at: str = "0",
    ) -> None:
        """Join ``group``, creating it (and the stream) if needed, reading from ``start_at``
        ("0": every event still in the stream; "$": only events published from now on)."""
        self.client, self.stream, self.group, self.consumer = client, stream, group, consumer
        self.claim_idle_ms = claim_idle_ms
        try:
            client.xgroup_create(stream, group, id=start_at, mkstream=True)
        except redis.ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise

    def take(self, *, count: int = 100, block_ms: int = 5_000) -> list[Delivery]:
        """The next events: this consumer's own unacked ones first, then ones a dead
        consumer left idle, then new ones (waiting up to ``block_ms`` for them)."""
        for source in (self._own_pending, self._claim_abandoned):
            if entries := source(count):
                return self._decode(entries)
        reply: Any = self.client.xreadgroup(
            self.group, self.consumer, {self.stream: ">"}, count=count, block=block_ms
        )
        return self._decode(_entries(reply))

    def ack(self, *deliveries: Delivery) -> None:
        if deliveries:
            self.client.xack(self.stream, self.group, *(d.message_id for d in deliveries))

    def _own_pending(self, count: int) -> list[Any]:
        reply: Any = self.client.xreadgroup(
            self.group, self.consumer, {self.stream: "0"}, count=count
        )
        return _entries(reply)

    def _claim_abandoned(self, count: int) -> list[Any]:
        reply: Any = self.client.xautoclaim(
            self.stream, self.group, self.consumer, self.claim_idle_ms, "0-0", count=count
        )
        return list(reply[1])

    def _decode(self, entries: list[Any]) -> list[Delivery]:
        deliveries = []
        for message_id, fields in entries:
            message_id = _text(message_id)
            if fields is None:  # trimmed from the stream while pending: nothing left to read
                self.client.xack(self.stream, self.group, message_id)
                continue
            data = fields.get(b"data", fields.get("data"))
            try:
                deliveries.append(Delivery(message_id, CommitmentEvent.model_validate_json(data)))
            except (ValidationError, TypeError) as exc:
                log.error("event %s is not a commitment-event/1 (skipped): %s", message_id, exc)
                self.client.xack(self.stream, self.group, message_id)
        return deliveries


def _entries(reply: Any) -> list[Any]:
    """The entries of a one-stream XREADGROUP reply (RESP2: [[stream, entries]])."""
    return list(reply[0][1]) if reply else []


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
