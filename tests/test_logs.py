"""Logs: JSON lines off a terminal, ids attached from context, passwords never shown."""

from __future__ import annotations

import io
import json
import logging
import signal
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import make_settings
from tests.helpers import ScriptedExtractor, entry, polling, wait_for, worker_env
from worker.cli.main import cli
from worker.logs import HANDLER_NAME, configure_logging, log_context, wants_json
from worker.pipeline.dispatch import RecordingDispatch
from worker.pipeline.processor import process_article
from worker.queue.tasks import enqueue_articles
from worker.redact import mask_url, redact
from worker.runtime.wiring import Runtime
from worker.store.articles import save_entries
from worker.store.db import Sessions, make_engine, make_sessions
from worker.store.feeds import add_feed
from worker.store.models import Article

SECRET = "s3cr&t@pass"


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    """Root logging as JSON into a buffer; our handler is removed afterwards."""
    stream = io.StringIO()
    configure_logging("INFO", "json", stream=stream)
    yield stream
    root = logging.getLogger()
    for handler in [h for h in root.handlers if h.get_name() == HANDLER_NAME]:
        root.removeHandler(handler)


def records(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("postgresql://cw:hunter2@db:5432/cw", "postgresql://cw:***@db:5432/cw"),
        ("redis://:hunter2@redis:6379/0", "redis://:***@redis:6379/0"),
        (f"postgresql+psycopg://cw:{SECRET}@db/cw", "postgresql+psycopg://cw:***@db/cw"),
        ("redis://redis:6379/0 and sqlite:///cw.db", "redis://redis:6379/0 and sqlite:///cw.db"),
        ("https://example.org:8443/feed?by=a@b", "https://example.org:8443/feed?by=a@b"),
        (
            "a postgresql://u:p1@h/d then redis://:p2@r/0",
            "a postgresql://u:***@h/d then redis://:***@r/0",
        ),
    ],
)
def test_redact_masks_every_url_password_and_nothing_else(text: str, expected: str) -> None:
    assert redact(text) == expected


def test_mask_url_hides_the_password_of_a_database_url() -> None:
    masked = mask_url(f"postgresql://cw:{SECRET}@db/cw")
    assert SECRET not in masked and "cw:***@db" in masked


def test_logs_are_json_off_a_terminal_and_text_on_one() -> None:
    assert wants_json("auto", io.StringIO())
    assert not wants_json("auto", Terminal())
    assert wants_json("json", Terminal()) and not wants_json("text", io.StringIO())


def test_log_lines_parse_and_carry_the_context_ids(log_lines: io.StringIO) -> None:
    log = logging.getLogger("worker.test")
    with log_context(feed_id=7):
        log.info("checking")
        with log_context(article_id=3):
            log.warning("connecting to postgresql://cw:%s@db/cw", SECRET)
    log.info("outside")
    lines = records(log_lines)
    assert [(r.get("feed_id"), r.get("article_id")) for r in lines] == [
        (7, None),
        (7, 3),
        (None, None),
    ]
    assert lines[1]["level"] == "WARNING" and lines[1]["logger"] == "worker.test"
    assert SECRET not in log_lines.getvalue() and "cw:***@db" in str(lines[1]["message"])


def test_text_lines_show_the_ids_and_mask_passwords() -> None:
    stream = Terminal()
    configure_logging("INFO", "auto", stream=stream)
    try:
        with log_context(article_id=5):
            logging.getLogger("worker.test").error("redis://:%s@r/0 down", SECRET)
    finally:
        configure_logging("INFO", "text", stream=io.StringIO())
    line = stream.getvalue()
    assert "[article_id=5]" in line and "redis://:***@r/0 down" in line
    assert SECRET not in line and not line.startswith("{")


def test_exceptions_in_json_lines_are_masked(log_lines: io.StringIO) -> None:
    try:
        raise ConnectionError(f"cannot reach redis://:{SECRET}@r/0")
    except ConnectionError:
        logging.getLogger("worker.test").exception("enqueue failed")
    [line] = records(log_lines)
    assert "ConnectionError" in str(line["exception"]) and SECRET not in str(line["exception"])


def test_processor_logs_carry_the_article_id(sessions: Sessions, log_lines: io.StringIO) -> None:
    with sessions.begin() as session:
        feed, _ = add_feed(session, "https://news.test/feed")
        now = datetime(2026, 1, 1, tzinfo=UTC)
        [article_id] = save_entries(session, feed.id, [entry("a")], now=now, max_chars=10_000)
    extractor = ScriptedExtractor(errors=[RuntimeError("boom")])
    process_article(sessions, extractor, article_id, max_attempts=3)
    failed = [r for r in records(log_lines) if "boom" in str(r["message"])]
    assert failed and all(r["article_id"] == article_id for r in failed)


def test_poller_logs_carry_the_feed_id(sqlite_url: str, log_lines: io.StringIO) -> None:
    settings = make_settings(sqlite_url)
    engine = make_engine(sqlite_url)
    sessions = make_sessions(engine)
    with sessions.begin() as session:
        feed, _ = add_feed(session, "http://127.0.0.1:9/feed")  # nothing listens: a failure
    with polling(settings, sessions, RecordingDispatch()) as poller:
        [report] = poller.poll_due(force=True)
    engine.dispose()
    feed_lines = [r for r in records(log_lines) if "feed" in str(r["message"])]
    assert report.outcome == "failed"
    assert feed_lines and all(r["feed_id"] == feed.id for r in feed_lines)


def test_cli_never_prints_a_database_password(tmp_path: Path) -> None:
    config = tmp_path / "cw.toml"
    config.write_text(
        f'database_url = "postgresql://cw:{SECRET}@127.0.0.1:1/cw"\n'
        f'redis_url = "redis://:{SECRET}@127.0.0.1:1/0"\n',
        encoding="utf-8",
    )
    runner = CliRunner()
    result = runner.invoke(cli, ["--config", str(config), "--log-format", "json", "health"])
    assert result.exit_code == 1
    assert "postgresql+psycopg://cw:***@127.0.0.1:1/cw" in result.output
    assert "redis://:***@127.0.0.1:1/0" in result.output
    assert SECRET not in result.output


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.slow
def test_celery_worker_logs_are_json_lines_with_the_article_id(
    pg_sessions: Sessions, postgres_url: str, redis_url: str
) -> None:
    with pg_sessions.begin() as session:
        feed, _ = add_feed(session, "https://news.test/feed")
        now = datetime(2026, 1, 1, tzinfo=UTC)
        [article_id] = save_entries(session, feed.id, [entry("a")], now=now, max_chars=10_000)
    queue = f"test-logs-{article_id}-{uuid.uuid4().hex[:6]}"
    env = worker_env(postgres_url, redis_url, queue, COMMITWATCH_LOG_FORMAT="json")
    proc = subprocess.Popen(
        [sys.executable, "-m", "worker", "worker", "--concurrency", "1"],
        env=env,
        stdout=subprocess.DEVNULL,  # Celery's shutdown notice goes to stdout, never a log
        stderr=subprocess.PIPE,
    )
    try:
        settings = make_settings(postgres_url, redis_url=redis_url, queue={"name": queue})
        enqueue_articles(Runtime(settings).celery, [article_id])
        assert wait_for(lambda: _status(pg_sessions, article_id) == "done")
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    lines = [json.loads(line) for line in err.decode().splitlines() if line.strip()]
    assert any(line["message"].endswith("ready.") for line in lines)
    assert any(line.get("article_id") == article_id for line in lines)


def _status(sessions: Sessions, article_id: int) -> str:
    with sessions() as session:
        return session.get_one(Article, article_id).status


def test_feed_commands_mask_basic_auth_credentials(tmp_path: Path) -> None:
    config = tmp_path / "cw.toml"
    config.write_text(f'database_url = "sqlite:///{tmp_path / "cw.db"}"\n', encoding="utf-8")
    runner = CliRunner()
    runner.invoke(cli, ["--config", str(config), "db", "upgrade"])
    url = f"https://reader:{SECRET}@feeds.example.org/private.rss"
    added = runner.invoke(cli, ["--config", str(config), "feeds", "add", url])
    listed = runner.invoke(cli, ["--config", str(config), "feeds", "list"])
    assert added.exit_code == 0 and listed.exit_code == 0, added.output + listed.output
    assert "https://reader:***@feeds.example.org/private.rss" in listed.stdout
    assert SECRET not in added.output + listed.output
