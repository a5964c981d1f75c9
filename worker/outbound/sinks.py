"""Output sinks: every way commitment events leave the stream, one consumer group each.

The extension point for a new destination (a message bus, a search index, a file): write a
class with the ``Sink`` attributes and ``send``, and run it with ``SinkRunner``. The runner
does the rest, the same for every sink: it reads the stream through the sink's own consumer
group (a slow or broken destination holds back only itself, and its progress survives
restarts), sends events in stream order, retries a failure with backoff, sets an event aside
in ``<stream>:<kind>-failures`` after ``max_attempts`` (or at once when the sink says the
failure is permanent), and acknowledges an event only once it is sent or set aside, so a
crash mid-delivery sends it again (at least once: destinations deduplicate on ``event_id``).
``worker.outbound.webhooks`` is the first sink.
"""

from __future__ import annotations

import logging
import os
import random
import socket
import threading
from dataclasses import dataclass
from typing import Protocol

import redis

from worker.backoff import backoff_seconds
from worker.messages import CommitmentEvent
from worker.outbound.consumer import Delivery, EventConsumer

log = logging.getLogger(__name__)

# Events taken from the stream per read, and how long a read waits for new ones: short, so a
# stop is noticed within two seconds.
TAKE_COUNT = 20
TAKE_BLOCK_MS = 2_000
# The failure stream is trimmed (approximately) beyond this: it is for inspection, not storage.
FAILURES_MAX_LENGTH = 100_000
# After a Redis error a runner waits this long before reading again.
REDIS_RETRY_SECONDS = 5.0


@dataclass(frozen=True, slots=True)
class Attempt:
    """How one send went: ``problem`` None means delivered; ``permanent`` means never retry."""

    problem: str | None = None
    permanent: bool = False


class Sink(Protocol):
    """One destination of the event stream."""

    kind: str  # names the failure stream and the log lines ("webhook")
    target: str  # where events go, as logged and kept with a failure (a URL)
    group: str  # its consumer group: stable for the destination

    def send(self, event: CommitmentEvent) -> Attempt:
        """Deliver one event; never raises for a failure of the destination."""
        ...


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How hard a runner tries one event before setting it aside."""

    max_attempts: int
    backoff_seconds: float
    backoff_max_seconds: float


class SinkRunner:
    """Delivers the stream's events to one sink, in order, until ``stop`` is set."""

    def __init__(
        self,
        client: redis.Redis,
        sink: Sink,
        *,
        stream: str,
        policy: RetryPolicy,
        stop: threading.Event,
        rng: random.Random | None = None,
    ) -> None:
        self.sink, self.policy, self.stop = sink, policy, stop
        self.failures = f"{stream}:{sink.kind}-failures"
        self.rng = rng or random.Random()
        self.consumer = EventConsumer(
            client,
            stream=stream,
            group=sink.group,
            consumer=f"{socket.gethostname()}-{os.getpid()}",
            start_at="$",  # a new destination gets events from now on
        )

    @property
    def name(self) -> str:
        return f"{self.sink.kind} {self.sink.target}"

    def run(self) -> None:
        log.info("%s sender started", self.name)
        while not self.stop.is_set():
            try:
                for delivery in self.consumer.take(count=TAKE_COUNT, block_ms=TAKE_BLOCK_MS):
                    if not self.deliver(delivery):
                        return  # stopping: the rest stays pending and is sent after restart
            except redis.RedisError as exc:
                log.warning("%s sender: Redis unavailable (%s)", self.name, exc)
                self.stop.wait(REDIS_RETRY_SECONDS)
        log.info("%s sender stopped", self.name)

    def deliver(self, delivery: Delivery) -> bool:
        """Send one event until it is accepted or set aside; False if stopped first."""
        for attempt in range(1, self.policy.max_attempts + 1):
            result = self.sink.send(delivery.event)
            if result.problem is None:
                self.consumer.ack(delivery)
                return True
            if result.permanent or attempt == self.policy.max_attempts:
                self._set_aside(delivery, result.problem, attempt)
                return True
            delay = backoff_seconds(
                attempt,
                base=self.policy.backoff_seconds,
                cap=self.policy.backoff_max_seconds,
                rng=self.rng,
            )
            log.warning(
                "%s event %s attempt %d failed (%s); retrying in %.1fs",
                self.name,
                delivery.event.event_id,
                attempt,
                result.problem,
                delay,
            )
            if self.stop.wait(delay):
                return False
        return True

    def _set_aside(self, delivery: Delivery, problem: str, attempts: int) -> None:
        log.error(
            "%s gave up on event %s after %d attempts: %s",
            self.name,
            delivery.event.event_id,
            attempts,
            problem,
        )
        self.consumer.client.xadd(
            self.failures,
            {
                "url": self.sink.target,
                "event_id": delivery.event.event_id,
                "stream_id": delivery.message_id,
                "reason": problem,
                "attempts": attempts,
            },
            maxlen=FAILURES_MAX_LENGTH,
            approximate=True,
        )
        self.consumer.ack(delivery)


def run_all(runners: list[SinkRunner]) -> None:
    """One thread per runner until their ``stop`` is set; returns when all have stopped."""
    threads = [
        threading.Thread(target=r.run, name=f"{r.sink.kind}-{i}") for i, r in enumerate(runners)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
