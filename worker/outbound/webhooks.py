"""Signed webhook delivery of the commitment events: the first output sink, one per URL.

``WebhookSink`` only posts one event and says how it went; ``worker.outbound.sinks`` does
the rest for it as for any sink: a consumer group per receiver URL (a receiver that is down
holds back only itself), stream order, retries with backoff, set-aside after
``max_attempts`` or at once on 410 Gone, acknowledgement only once delivered or set aside.

Every request carries ``Commitwatch-Timestamp`` and ``Commitwatch-Signature: sha256=<hex>``,
an HMAC-SHA256 of ``"<timestamp>." + body`` with the shared secret; ``verify`` is what a
receiver runs (the timestamp stops replays of old requests).
"""

from __future__ import annotations

import hashlib
import hmac
import random
import threading
import time

import httpx
import redis

from worker.config import WebhooksConfig
from worker.errors import ConfigError
from worker.messages import CommitmentEvent
from worker.outbound.sinks import Attempt, RetryPolicy, SinkRunner, run_all

SIGNATURE_HEADER = "Commitwatch-Signature"
TIMESTAMP_HEADER = "Commitwatch-Timestamp"
# A receiver that answers 410 Gone asks us to stop: the event is set aside, not retried.
PERMANENT_STATUSES = frozenset({410})


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


class WebhookSink:
    """POSTs each event, signed, to one URL."""

    kind = "webhook"

    def __init__(self, http: httpx.Client, url: str, config: WebhooksConfig) -> None:
        if config.secret is None:  # the config refuses URLs without one; never send unsigned
            raise ConfigError("webhooks need a secret (COMMITWATCH_WEBHOOKS__SECRET)")
        self.http, self.target, self.group = http, url, group_name(url)
        self.secret = config.secret.get_secret_value().encode()
        self.timeout = config.timeout_seconds

    def send(self, event: CommitmentEvent) -> Attempt:
        body = event.model_dump_json(by_alias=True).encode()
        timestamp = int(time.time())
        headers = {
            "Content-Type": "application/json",
            "Commitwatch-Event-Id": event.event_id,
            TIMESTAMP_HEADER: str(timestamp),
            SIGNATURE_HEADER: sign(self.secret, timestamp, body),
        }
        try:
            response = self.http.post(
                self.target, content=body, headers=headers, timeout=self.timeout
            )
        except httpx.HTTPError as exc:
            return Attempt(f"{type(exc).__name__}: {exc}")
        if response.is_success:
            return Attempt()
        problem = f"{response.status_code} {response.reason_phrase}"
        return Attempt(problem, permanent=response.status_code in PERMANENT_STATUSES)


def retry_policy(config: WebhooksConfig) -> RetryPolicy:
    return RetryPolicy(config.max_attempts, config.backoff_seconds, config.backoff_max_seconds)


class WebhookSender(SinkRunner):
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
        sink = WebhookSink(http, url, config)
        super().__init__(
            client, sink, stream=stream, policy=retry_policy(config), stop=stop, rng=rng
        )


def send_forever(
    client: redis.Redis, config: WebhooksConfig, stream: str, stop: threading.Event
) -> None:
    """One sender thread per configured URL until ``stop``; returns when all have stopped."""
    with httpx.Client(follow_redirects=False) as http:
        run_all(
            [
                WebhookSender(client, http, url=url, stream=stream, config=config, stop=stop)
                for url in config.urls
            ]
        )
