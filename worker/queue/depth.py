"""How many messages wait in the Celery queue on Redis: read from kombu's own keys.

kombu keeps a queue as a Redis list named after it, plus one list per priority step
(``name\\x06\\x163`` ...), and every delivered but unacknowledged message in one ``unacked``
hash (with late acks: the ones running, and retries waiting for their countdown). The key
names come from kombu itself, so an upgrade that changed them would change them here too.
"""

from __future__ import annotations

from dataclasses import dataclass

import redis
from kombu.transport.redis import PRIORITY_STEPS, Channel


@dataclass(frozen=True, slots=True)
class QueueDepth:
    """Messages ready to be taken, and taken but not yet acknowledged."""

    queue: str
    ready: int
    unacked: int


def queue_keys(queue: str) -> list[str]:
    """The Redis lists that hold ``queue``'s messages, one per priority step."""
    return [f"{queue}{Channel.sep}{step}" if step else queue for step in PRIORITY_STEPS]


def queue_depth(client: redis.Redis, queue: str) -> QueueDepth:
    """LLEN of the queue's lists and HLEN of the unacked hash, in one round trip."""
    pipe = client.pipeline(transaction=False)
    for key in queue_keys(queue):
        pipe.llen(key)
    pipe.hlen(Channel.unacked_key)
    *ready, unacked = pipe.execute()
    return QueueDepth(queue=queue, ready=sum(int(n) for n in ready), unacked=int(unacked))
