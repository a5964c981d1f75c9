"""Webhooks: signed, in order, retried with backoff, set aside when hopeless, resumed after a stop.

The receiver is a real local HTTP server; events flow through the real Redis stream.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
import redis
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tests.conftest import make_settings
from tests.helpers import WEBHOOK_SECRET, Receiver, event_json
from worker.config import WebhooksConfig
from worker.errors import ConfigError
from worker.outbound.webhooks import WebhookSender, sign, verify

STREAM = "commitwatch:commitments"


def test_webhook_signature_verifies_and_refuses_tampering_and_replays() -> None:
    body, secret = b'{"event_id": "e1"}', b"s3cret"
    signature = sign(secret, 1_700_000_000, body)
    assert verify(secret, "1700000000", body, signature, now=1_700_000_010)
    assert not verify(secret, "1700000000", body + b" ", signature, now=1_700_000_010)
    assert not verify(b"other", "1700000000", body, signature, now=1_700_000_010)
    assert not verify(secret, "1700000001", body, signature, now=1_700_000_010)
    assert not verify(secret, "1700000000", body, signature, now=1_700_000_000 + 3600)
    assert not verify(secret, "soon", body, signature)


def test_webhook_urls_without_a_secret_are_refused() -> None:
    with pytest.raises(ConfigError, match="webhooks need a secret"):
        make_settings("sqlite://", webhooks={"urls": ["https://hooks.test/x"]})


def answered_by(receiver: Receiver) -> Callable[[Request], Response]:
    return lambda request: Response(status=receiver.answer(request.get_data(), request.headers))


@pytest.fixture
def client(redis_url: str) -> Iterator[redis.Redis]:
    connection = redis.Redis.from_url(redis_url)
    yield connection
    connection.close()


def sender(client: redis.Redis, url: str, stop: threading.Event, **config: Any) -> WebhookSender:
    settings = WebhooksConfig(
        urls=[url], secret=WEBHOOK_SECRET, backoff_seconds=0.01, backoff_max_seconds=0.05, **config
    )
    return WebhookSender(client, httpx.Client(), url=url, stream=STREAM, config=settings, stop=stop)


def run_until(sender: WebhookSender, stop: threading.Event, done: Any) -> None:
    thread = threading.Thread(target=sender.run)
    thread.start()
    try:
        for _ in range(300):
            if done():
                break
            stop.wait(0.05)
    finally:
        stop.set()
        thread.join(timeout=10)


@pytest.mark.redis
def test_webhook_delivers_each_event_once_in_order_retrying_failures(
    client: redis.Redis, httpserver: HTTPServer
) -> None:
    receiver = Receiver([500, 503])  # the first event fails twice, then everything succeeds
    httpserver.expect_request("/hook", method="POST").respond_with_handler(answered_by(receiver))
    stop = threading.Event()
    webhook = sender(client, httpserver.url_for("/hook"), stop)  # joins the stream from now
    for n in range(3):
        client.xadd(STREAM, {"data": event_json(n)})

    run_until(webhook, stop, lambda: len(receiver.accepted) == 3)
    assert receiver.accepted == ["event-0", "event-1", "event-2"]
    assert receiver.calls == 5
    assert client.xpending(STREAM, webhook.consumer.group)["pending"] == 0


@pytest.mark.redis
def test_webhook_sets_a_hopeless_event_aside_and_carries_on(
    client: redis.Redis, httpserver: HTTPServer
) -> None:
    receiver = Receiver([500, 500, 500])
    httpserver.expect_request("/hook").respond_with_handler(answered_by(receiver))
    stop = threading.Event()
    webhook = sender(client, httpserver.url_for("/hook"), stop, max_attempts=3)
    client.xadd(STREAM, {"data": event_json(0)})
    client.xadd(STREAM, {"data": event_json(1)})

    run_until(webhook, stop, lambda: receiver.accepted == ["event-1"])
    assert receiver.accepted == ["event-1"]
    [(_, failure)] = client.xrange(f"{STREAM}:webhook-failures")
    assert failure[b"event_id"] == b"event-0"
    assert failure[b"reason"] == b"500 INTERNAL SERVER ERROR"
    assert failure[b"attempts"] == b"3"


@pytest.mark.redis
def test_webhook_stopped_while_retrying_sends_the_event_after_restart(
    client: redis.Redis, httpserver: HTTPServer
) -> None:
    receiver = Receiver([503] * 1000)  # down for as long as the first sender runs
    httpserver.expect_request("/hook").respond_with_handler(answered_by(receiver))
    url = httpserver.url_for("/hook")
    stop = threading.Event()
    first = sender(client, url, stop)
    client.xadd(STREAM, {"data": event_json(0)})
    run_until(first, stop, lambda: receiver.calls >= 3)  # stopped between retries
    assert receiver.accepted == []

    receiver.statuses.clear()  # the receiver is back; a new process takes over
    stop = threading.Event()
    run_until(sender(client, url, stop), stop, lambda: receiver.accepted == ["event-0"])
    assert receiver.accepted == ["event-0"]
    assert client.xpending(STREAM, first.consumer.group)["pending"] == 0
