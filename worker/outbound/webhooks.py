"""Signed webhook delivery of the commitment events: one consumer group per receiver URL.

Each receiver reads the event stream through its own consumer group, so a receiver that is
down holds back only itself, and its progress survives restarts: an event is acknowledged
only once delivered (or set aside after ``max_attempts``), so a crash mid-delivery sends it
again (at least once: receivers deduplicate on ``event_id``). Events go out in stream order;
a failing event is retried with backoff before the next one is sent.

Every request carries ``Commitwatch-Timestamp`` and ``Commitwatch-Signature: sha256=<hex>``,
an HMAC-SHA256 of ``"<timestamp>." + body`` with the shared secret; ``verify`` is what a
receiver runs (the timestamp stops replays of old requests).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import random
import socket
import threading
import time

import httpx
import redis

from worker.backoff import backoff_seconds
from worker.config import WebhooksConfig
from worker.errors import ConfigError
from worker.outbound.consumer import Delivery, EventConsumer

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "Commitwatch-Signature"
TIMESTAMP_HEADER = "Commitwatch-Timestamp"
# A receiver that answers 410 Gone asks us to stop: the event is set aside, not retried.
PERMANENT_STATUSES = frozenset({410})
# Events taken from the stream per read, and how long a read waits for new ones: short, so a
# stop is noticed within two seconds.
TAKE_COUNT = 20
TAKE_BLOCK_MS = 2_000
# The failure stream is trimmed (approximately) beyond this: it is for inspection, not storage.
FAILURES_MAX_LENGTH = 100_000
# After a Redis error a sender waits this long before reading again.
REDIS_RETRY_SECONDS = 5.0


def sign(secret: bytes, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret, f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify(
    secret: bytes,
    timestamp: str,
    body: bytes,
    signature: str,
    *,
    tolerance_seconds: float = 300,
    now: float | None = None,
) -> bool:
    """A receiver's check: the signature matches and the request is recent."""
    try:
        sent = int(timestamp)
    except ValueError:
        return False
    if abs((time.time() if now is None else now) - sent) > tolerance_seconds:
        return False
    return hmac.compare_digest(sign(secret, sent, body), signature)


def group_name(url: str) -> str:
    """The receiver's consumer group: stable for a URL, without exposing it in Redis."""
    return "webhook:" + hashlib.sha256(url.encode()).hexdigest()[:16]


class WebhookSender:
    """Delivers the stream's events to one URL, in order, until ``stop`` is set."""

    def __init__(
        self,
        client: redis.Redis,
        http: httpx.Client,
        *,
        url: str,
        stream: str,
        config: WebhooksConfig,
        stop: threading.Event,
        rng: random.Random | None = None,
    ) -> None:
        if config.secret is None:  # the config refuses URLs without one; never send unsigned
            raise ConfigError("webhooks need a secret (COMMITWATCH_WEBHOOKS__SECRET)")
        self.http, self.url, self.config, self.stop = http, url, config, stop
        self.secret = config.secret.get_secret_value().encode()
        self.failures = f"{stream}:webhook-failures"
        self.rng = rng or random.Random()
        self.consumer = EventConsumer(
            client,
            stream=stream,
            group=group_name(url),
            consumer=f"{socket.gethostname()}-{os.getpid()}",
            start_at="$",  # a new receiver gets events from now on
        )

    def run(self) -> None:
        log.info("webhook sender for %s started", self.url)
        while not self.stop.is_set():
            try:
                for delivery in self.consumer.take(count=TAKE_COUNT, block_ms=TAKE_BLOCK_MS):
                    if not self.deliver(delivery):
                        return  # stopping: the rest stays pending and is sent after restart
            except redis.RedisError as exc:
                log.warning("webhook sender for %s: Redis unavailable (%s)", self.url, exc)
                self.stop.wait(REDIS_RETRY_SECONDS)
        log.info("webhook sender for %s stopped", self.url)

    def deliver(self, delivery: Delivery) -> bool:
        """Send one event until it is accepted or set aside; False if stopped first."""
        body = delivery.event.model_dump_json(by_alias=True).encode()
        for attempt in range(1, self.config.max_attempts + 1):
            status, problem = self._post(body, delivery.event.event_id)
            if problem is None:
                self.consumer.ack(delivery)
                return True
            if status in PERMANENT_STATUSES or attempt == self.config.max_attempts:
                self._set_aside(delivery, problem, attempt)
                return True
            delay = backoff_seconds(
                attempt,
                base=self.config.backoff_seconds,
                cap=self.config.backoff_max_seconds,
                rng=self.rng,
            )
            log.warning(
                "webhook %s event %s attempt %d failed (%s); retrying in %.1fs",
                self.url,
                delivery.event.event_id,
                attempt,
                problem,
                delay,
            )
            if self.stop.wait(delay):
                return False
        return True

    def _post(self, body: bytes, event_id: str) -> tuple[int | None, str | None]:
        """The HTTP status (None if no answer) and what went wrong (None if accepted)."""
        timestamp = int(time.time())
        headers = {
            "Content-Type": "application/json",
            "Commitwatch-Event-Id": event_id,
            TIMESTAMP_HEADER: str(timestamp),
            SIGNATURE_HEADER: sign(self.secret, timestamp, body),
        }
        try:
            response = self.http.post(
                self.url, content=body, headers=headers, timeout=self.config.timeout_seconds
            )
        except httpx.HTTPError as exc:
            return None, f"{type(exc).__name__}: {exc}"
        if response.is_success:
            return response.status_code, None
        return response.status_code, f"{response.status_code} {response.reason_phrase}"

    def _set_aside(self, delivery: Delivery, problem: str, attempts: int) -> None:
        log.error(
            "webhook %s gave up on event %s after %d attempts: %s",
            self.url,
            delivery.event.event_id,
            attempts,
            problem,
        )
        self.consumer.client.xadd(
            self.failures,
            {
                "url": self.url,
                "event_id": delivery.event.event_id,
                "stream_id": delivery.message_id,
                "reason": problem,
                "attempts": attempts,
            },
            maxlen=FAILURES_MAX_LENGTH,
            approximate=True,
        )
        self.consumer.ack(delivery)


def send_forever(
    client: redis.Redis, config: WebhooksConfig, stream: str, stop: threading.Event
) -> None:
    """One sender thread per configured URL until ``stop``; returns when all have stopped."""
    with httpx.Client(follow_redirects=False) as http:
        senders = [
            WebhookSender(client, http, url=url, stream=stream, config=config, stop=stop)
            for url in config.urls
        ]
        threads = [
            threading.Thread(target=s.run, name=f"webhook-{i}") for i, s in enumerate(senders)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
