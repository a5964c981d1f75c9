"""Figures, /metrics and /healthz against the real database and Redis."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis
from click.testing import CliRunner
from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families

from tests.helpers import ScriptedExtractor, entry, wait_for, worker_env
from worker.cli.main import cli
from worker.domain import utcnow
from worker.ops.figures import Figures, gather_figures
from worker.ops.health import check_database, check_redis
from worker.ops.metrics import make_registry
from worker.ops.server import make_app, start_server
from worker.pipeline.processor import process_article
from worker.queue.depth import queue_keys
from worker.store.articles import mark_enqueued, save_entries
from worker.store.db import Database, Sessions, make_engine, make_sessions
from worker.store.feeds import add_feed, record_failure

QUEUE = "ops-test"
SECRET = "n0t-for-logs"

pytestmark = pytest.mark.redis


@pytest.fixture
def client(redis_url: str) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(redis_url)
    yield client
    client.close()


def store_known_rows(sessions: Sessions) -> None:
    """One article done (one commitment), one dead after 2 attempts, one pending and queued;
    two feeds, one failing."""
    now = utcnow()
    with sessions.begin() as session:
        feed, _ = add_feed(session, "https://news.test/feed")
        broken, _ = add_feed(session, "https://news.test/broken")
        record_failure(session, broken.id, now=now, next_check_at=now, error="HTTP 500")
        done, dead, queued = save_entries(
            session, feed.id, [entry("a"), entry("b"), entry("c")], now=now, max_chars=10_000
        )
        mark_enqueued(session, [queued], now)
    process_article(sessions, ScriptedExtractor(), done, max_attempts=2)
    poison = ScriptedExtractor(errors=[RuntimeError("boom"), RuntimeError("boom")])
    for _ in range(2):
        process_article(sessions, poison, dead, max_attempts=2)


def test_figures_count_what_the_store_and_the_queue_hold(
    sessions: Sessions, client: redis.Redis
) -> None:
    store_known_rows(sessions)
    base, high, *_ = queue_keys(QUEUE)
    client.lpush(base, "m1", "m2")
    client.lpush(high, "m3")
    client.hset("unacked", "tag", "m4")

    figures = gather_figures(sessions, client, QUEUE)

    assert figures.errors == {}
    assert figures.store and figures.pipeline and figures.queue
    assert figures.store.articles_by_status == {"dead": 1, "done": 1, "pending": 1}
    assert (figures.store.feeds, figures.store.feeds_failing) == (2, 1)
    assert figures.store.commitments_by_type == {"sanctions": 1}
    assert figures.store.dead_letters_open == 1
    pipeline = figures.pipeline
    assert (pipeline.articles_queued, pipeline.article_retries) == (1, 1)
    assert pipeline.extract_seconds.count == 1 and pipeline.extract_seconds.cumulative[-1] == 1
    # helpers.entry is published on 2025-03-15: over a week before it was stored.
    assert pipeline.lag_from_published.count == 1
    assert pipeline.lag_from_published.cumulative[-1] == 0
    assert pipeline.lag_from_first_seen.cumulative[0] == 1  # first seen a moment ago
    assert (figures.queue.ready, figures.queue.unacked) == (3, 1)


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of an exposition, by name and sorted labels: it must parse."""
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def test_metrics_expose_the_figures_under_their_names(
    sessions: Sessions, client: redis.Redis
) -> None:
    store_known_rows(sessions)
    client.lpush(QUEUE, "m1")
    registry = make_registry(lambda: gather_figures(sessions, client, QUEUE))

    values = samples(generate_latest(registry).decode())

    assert values[("commitwatch_up", (("component", "database"),))] == 1
    assert values[("commitwatch_up", (("component", "redis"),))] == 1
    assert values[("commitwatch_articles", (("status", "dead"),))] == 1
    assert values[("commitwatch_articles", (("status", "done"),))] == 1
    assert values[("commitwatch_articles_queued", ())] == 1
    assert values[("commitwatch_article_retries", ())] == 1
    assert values[("commitwatch_dead_letters_open", ())] == 1
    assert values[("commitwatch_commitments", (("type", "sanctions"),))] == 1
    assert values[("commitwatch_feeds", (("state", "failing"),))] == 1
    assert values[("commitwatch_feeds", (("state", "ok"),))] == 1
    assert values[("commitwatch_queue_ready", (("queue", QUEUE),))] == 1
    assert values[("commitwatch_extraction_seconds_count", ())] == 1
    lag = ("commitwatch_lag_seconds_bucket", (("le", "+Inf"), ("since", "first_seen")))
    assert values[lag] == 1


def test_metrics_report_a_dead_database_as_down_and_keep_the_queue() -> None:
    figures = Figures(errors={"database": "OperationalError: refused"})
    values = samples(generate_latest(make_registry(lambda: figures)).decode())
    assert values[("commitwatch_up", (("component", "database"),))] == 0
    assert not any(name == "commitwatch_articles" for name, _ in values)


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


@contextmanager
def serving(database_url: str, redis_url: str) -> Iterator[str]:
    """The metrics app on a free port; yields its base URL."""
    database = Database(database_url)
    client = redis.Redis.from_url(redis_url, socket_connect_timeout=2)
    registry = make_registry(lambda: gather_figures(database.sessions, client, QUEUE))
    app = make_app(registry, lambda: [check_database(database), check_redis(client, redis_url)])
    server = start_server(app, "127.0.0.1", 0)
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        client.close()
        database.close()


@pytest.mark.postgres
def test_healthz_is_200_when_both_answer_and_503_naming_a_dead_database(
    postgres_url: str, redis_url: str
) -> None:
    dead = f"postgresql+psycopg://postgres:{SECRET}@127.0.0.1:1/test"
    with serving(postgres_url, redis_url) as live, serving(dead, redis_url) as down:
        ok_status, ok_body = get(live + "/healthz")
        down_status, down_body = get(down + "/healthz")
        metrics_status, metrics = get(down + "/metrics")
        missing, _ = get(live + "/nothing")
    assert ok_status == 200 and json.loads(ok_body)["status"] == "ok"
    report = json.loads(down_body)
    assert down_status == 503 and report["down"] == ["database"]
    assert (
        report["checks"]["database"]["target"]
        == "postgresql+psycopg://postgres:***@127.0.0.1:1/test"
    )
    assert report["checks"]["redis"]["ok"] is True
    assert SECRET not in down_body.decode()
    values = samples(metrics.decode())
    assert metrics_status == 200
    assert values[("commitwatch_up", (("component", "database"),))] == 0
    assert values[("commitwatch_up", (("component", "redis"),))] == 1
    assert missing == 404


def test_healthz_names_a_dead_redis(sqlite_url: str) -> None:
    with serving(sqlite_url, f"redis://:{SECRET}@127.0.0.1:1/0") as base:
        status, body = get(base + "/healthz")
    assert status == 503 and json.loads(body)["down"] == ["redis"]
    assert SECRET not in body.decode()


def test_stats_prints_the_figures_the_metrics_serve(
    sqlite_url: str, client: redis.Redis, redis_url: str, tmp_path: Path
) -> None:
    engine = make_engine(sqlite_url)
    store_known_rows(make_sessions(engine))
    engine.dispose()
    client.lpush(QUEUE, "m1", "m2")
    config = tmp_path / "cw.toml"
    config.write_text(
        f'database_url = "{sqlite_url}"\nredis_url = "{redis_url}"\n[queue]\nname = "{QUEUE}"\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["--config", str(config), "stats"])
    assert result.exit_code == 0, result.output
    assert "articles     3  (dead 1, done 1, pending 1)" in result.stdout
    assert "queued       1 articles handed to workers, 1 retries" in result.stdout
    assert f"queue        {QUEUE}: 2 ready, 0 unacked" in result.stdout
    assert "extraction   1 articles" in result.stdout


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_serve_metrics_command_serves_until_sigterm(sqlite_url: str, redis_url: str) -> None:
    port = free_port()
    env = worker_env(sqlite_url, redis_url, QUEUE, COMMITWATCH_LOG_FORMAT="json")
    proc = subprocess.Popen(
        [sys.executable, "-m", "worker", "serve-metrics", "--port", str(port)],
        env=env,
        stderr=subprocess.PIPE,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        assert wait_for(lambda: _answers(base + "/healthz"), timeout=30)
        status, body = get(base + "/metrics")
        assert status == 200 and b"commitwatch_articles" in body
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err.decode()
    lines = [json.loads(line) for line in err.decode().splitlines()]
    assert any("serving /metrics" in str(line["message"]) for line in lines)


def _answers(url: str) -> bool:
    try:
        return get(url)[0] == 200
    except OSError:
        return False
