"""Shared fixtures: databases (SQLite, real PostgreSQL), real Redis, settings, paths.

Real-server fixtures skip with a reason when the server is down, except in CI (``CI=true``),
where an unreachable server fails the test: integration tests must never silently skip there.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from worker.config import Settings, load_settings
from worker.store.db import Sessions, make_engine, make_sessions, upgrade_database

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SHARED = ROOT.parent / "shared"
POSTGRES_URL = os.environ.get(
    "COMMITWATCH_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("COMMITWATCH_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def unavailable(reason: str) -> None:
    """Skip locally, fail in CI: a missing service there is a broken run, not a skip."""
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"{reason} (CI requires it)")
    pytest.skip(reason)


def make_settings(database_url: str, **overrides: Any) -> Settings:
    """Settings for tests: no config file, local servers allowed, small limits."""
    values: dict[str, Any] = {
        "database_url": database_url,
        "redis_url": REDIS_URL,
        "fetch": {"allow_private_networks": True, "connect_timeout": 2, "read_timeout": 5},
        "queue": {
            "max_attempts": 3,
            "retry_backoff_seconds": 0.05,
            "retry_backoff_max_seconds": 0.2,
        },
    }
    for key, value in overrides.items():
        if isinstance(value, dict):
            values[key] = {**values.get(key, {}), **value}
        else:
            values[key] = value
    return load_settings(Path(os.devnull), **values)


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never read the developer's config or environment overrides."""
    for name in list(os.environ):
        if name.startswith("COMMITWATCH_") and not name.startswith("COMMITWATCH_TEST_"):
            monkeypatch.delenv(name)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("REDIS_URL", raising=False)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'commitwatch.db'}"
    upgrade_database(url)
    return url


@pytest.fixture(scope="session")
def postgres_server_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session, migrated, dropped at the end."""
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    name = f"commitwatch_test_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        admin.dispose()
        unavailable(f"PostgreSQL not reachable at {POSTGRES_URL}: {type(exc).__name__}")
    url = admin.url.set(database=name).render_as_string(hide_password=False)
    upgrade_database(url)
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def postgres_url(postgres_server_url: str) -> Iterator[str]:
    """The session database, emptied after each test."""
    yield postgres_server_url
    engine = make_engine(postgres_server_url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "TRUNCATE feeds, articles, entities, article_entities, mentions, commitments,"
                " dead_letters, outbox_events, rejected_submissions RESTART IDENTITY CASCADE"
            )
        )
    engine.dispose()


@pytest.fixture
def pg_sessions(postgres_url: str) -> Iterator[Sessions]:
    """Sessions on the test PostgreSQL database, for tests that need that server."""
    engine = make_engine(postgres_url)
    yield make_sessions(engine)
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str:
    """Run a test on both databases the service supports."""
    fixture = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    return str(request.getfixturevalue(fixture))


@pytest.fixture
def sessions(database_url: str) -> Iterator[Sessions]:
    engine = make_engine(database_url)
    yield make_sessions(engine)
    engine.dispose()


@pytest.fixture
def redis_url() -> str:
    """The real Redis (a test database number), flushed before the test."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.flushdb()
    except redis.RedisError as exc:
        unavailable(f"Redis not reachable at {REDIS_URL}: {type(exc).__name__}")
    finally:
        client.close()
    return REDIS_URL
