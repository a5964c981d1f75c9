"""Queue integrations end to end: a message in through the queue, a commitment event out.

A real ``commitwatch worker`` process, the real Redis and PostgreSQL. The producer writes the
Celery message by hand (JSON and base64, no Celery), as a producer in another language would,
following the README; the consumer reads the stream with a consumer group.
"""

from __future__ import annotations

import base64
import json
import subprocess
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import redis
from click.testing import CliRunner
from sqlalchemy import func, select

from tests.conftest import make_settings
from tests.helpers import ScriptedExtractor, start_worker, wait_for, worker_env, worker_output
from worker.cli.main import cli
from worker.intake.submissions import submit
from worker.outbound.consumer import Delivery, EventConsumer
from worker.pipeline.processor import process_article
from worker.runtime.daemon import poll_once
from worker.store.db import Sessions
from worker.store.models import Article, RejectedSubmission

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.slow]

STREAM = "commitwatch:commitments"
SANCTIONS = "The United Kingdom will impose sanctions on Russia."


def celery_message(queue: str, task: str, args: list[Any]) -> bytes:
    """A Celery protocol 2 task message as the Redis transport stores it (see README)."""
    task_id = str(uuid.uuid4())
    body = json.dumps([args, {}, {"callbacks": None, "errbacks": None, "chain": None}])
    return json.dumps(
        {
            "body": base64.b64encode(body.encode()).decode(),
            "content-encoding": "utf-8",
            "content-type": "application/json",
            "headers": {"lang": "py", "task": task, "id": task_id, "root_id": task_id},
            "properties": {
                "correlation_id": task_id,
                "delivery_mode": 2,
                "delivery_info": {"exchange": "", "routing_key": queue},
                "priority": 0,
                "body_encoding": "base64",
                "delivery_tag": str(uuid.uuid4()),
            },
        }
    ).encode()


def submission(source_id: str, text: str = SANCTIONS) -> dict[str, Any]:
    return {
        "schema": "commitwatch.article-submission/1",
        "source": "newsroom",
        "source_id": source_id,
        "title": "Sanctions",
        "text": text,
    }


@pytest.fixture
def queue_name() -> str:
    return f"test-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def worker(postgres_url: str, redis_url: str, queue_name: str) -> Iterator[subprocess.Popen[bytes]]:
    proc = start_worker(worker_env(postgres_url, redis_url, queue_name), concurrency=1)
    yield proc
    if proc.poll() is None:
        proc.terminate()
    proc.communicate(timeout=60)


def consume(consumer: EventConsumer, want: int) -> list[Delivery]:
    """Take and acknowledge events until ``want`` arrived (or a minute passed)."""
    got: list[Delivery] = []

    def more() -> bool:
        batch = consumer.take(block_ms=200)
        consumer.ack(*batch)
        got.extend(batch)
        return len(got) >= want

    wait_for(more, 60)
    return got


def test_integration_message_in_through_the_queue_event_out_on_the_stream(
    pg_sessions: Sessions,
    redis_url: str,
    queue_name: str,
    worker: subprocess.Popen[bytes],
) -> None:
    client = redis.Redis.from_url(redis_url)
    consumer = EventConsumer(client, stream=STREAM, group="analytics", consumer="c1")
    task = "commitwatch.submit_article"
    client.lpush(queue_name, celery_message(queue_name, task, [submission("n-1")]))
    client.lpush(queue_name, celery_message(queue_name, task, [submission("n-1")]))  # again
    client.lpush(queue_name, celery_message(queue_name, task, [{"source": "newsroom"}]))
    client.lpush(queue_name, celery_message(queue_name, task, ["a", "b"]))

    deliveries = consume(consumer, 1)
    assert len(deliveries) == 1, worker_output(worker)
    event = deliveries[0].event
    assert (event.type, event.commitment.type) == ("commitment.created", "sanctions")
    assert event.commitment.sentence == SANCTIONS
    assert (event.source.kind, event.source.name, event.source.source_id) == (
        "submission",
        "newsroom",
        "n-1",
    )
    assert event.article.title == "Sanctions"

    def rejected() -> list[str]:
        with pg_sessions() as session:
            return list(session.scalars(select(RejectedSubmission.reason)))

    assert wait_for(lambda: len(rejected()) == 2), worker_output(worker)
    assert sorted(rejected()) == [
        "expected exactly one positional argument: the submission object",
        "text: Field required",
    ]
    with pg_sessions() as session:  # the resubmission was recognised, not stored twice
        assert session.scalar(select(func.count(Article.id))) == 1
    assert client.xlen(STREAM) == 1


def test_integration_cli_submit_sends_a_batch_through_the_queue(
    pg_sessions: Sessions,
    postgres_url: str,
    redis_url: str,
    queue_name: str,
    worker: subprocess.Popen[bytes],
    tmp_path: Any,
) -> None:
    batch = tmp_path / "batch.jsonl"
    lines = [json.dumps(submission(f"b-{n}")) for n in range(5)] + ['{"source": "x"}']
    batch.write_text("\n".join(lines) + "\n")
    env = worker_env(postgres_url, redis_url, queue_name)
    result = CliRunner().invoke(cli, ["submit", str(batch)], env=env)
    assert result.exit_code == 1  # the invalid last line is reported, not sent
    assert "line 6: rejected" in result.output
    assert "sent 5 submissions" in result.output

    def done() -> int:
        with pg_sessions() as session:
            query = select(func.count(Article.id)).where(Article.status == "done")
            return int(session.scalar(query) or 0)

    assert wait_for(lambda: done() == 5), worker_output(worker)
    client = redis.Redis.from_url(redis_url)
    assert wait_for(lambda: client.xlen(STREAM) == 5)


def test_integration_a_consumer_that_crashes_before_acking_loses_no_event(
    pg_sessions: Sessions, postgres_url: str, redis_url: str
) -> None:
    settings = make_settings(postgres_url, redis_url=redis_url)
    for n in range(6):
        accepted = submit(pg_sessions, submission(f"c-{n}", SANCTIONS), max_chars=10_000)
        assert accepted.article_id is not None
        process_article(pg_sessions, ScriptedExtractor(), accepted.article_id, max_attempts=3)
    # A worker that died right after committing leaves its events in the outbox: the daemon's
    # next pass (no feeds due here) publishes them.
    client = redis.Redis.from_url(redis_url)
    assert client.xlen(STREAM) == 0
    poll_once(settings)
    assert client.xlen(STREAM) == 6

    def reader(name: str, idle_ms: int = 60_000) -> EventConsumer:
        return EventConsumer(client, stream=STREAM, group="g", consumer=name, claim_idle_ms=idle_ms)

    crashed = reader("a").take(count=4)  # read, never acknowledged: the process died
    resumed = reader("a").take(count=10)  # restarted under its name: its own events first
    assert [d.message_id for d in resumed] == [d.message_id for d in crashed]
    reader("a").ack(*resumed[:2])  # handled two, then died for good

    survivor = reader("b", idle_ms=100)
    rest = consume(survivor, 4)  # the two nobody read, and the dead one's two once idle
    handled = [d.event.event_id for d in resumed[:2] + rest]
    assert len(handled) == len(set(handled)) == 6
    assert client.xpending(STREAM, "g")["pending"] == 0
