"""Engines, sessions and migrations: the one place that knows how to reach the database."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from importlib.resources import files
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from worker.errors import StoreConflictError, StoreUnavailableError

# SQLite waits this long for a writer's lock instead of failing at once (poller and worker
# threads share the file in the embedded mode).
SQLITE_BUSY_TIMEOUT_MS = 30_000

# The unit of work the services pass to store functions; only the store looks inside it.
Sessions = sessionmaker[Session]
__all__ = ["Session", "Sessions"]


def normalise_url(url: str) -> str:
    """Use psycopg 3 for plain ``postgresql://`` URLs, as docker and Heroku-style envs give them."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine with per-dialect settings that keep concurrent access safe."""
    url = normalise_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(
            url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, **kwargs
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # pre-ping replaces connections that died with a database restart instead of failing a task.
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")  # readers do not block the writer
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


def make_sessions(engine: Engine) -> Sessions:
    """Session factory; objects stay readable after commit because tasks log them afterwards."""
    return sessionmaker(engine, expire_on_commit=False)


class Database:
    """One database for one process: its engine (connection pool) and session factory."""

    def __init__(self, url: str) -> None:
        self.engine = make_engine(url)
        self.sessions = make_sessions(self.engine)

    @property
    def target(self) -> str:
        """The URL with the password hidden, to name the database in reports."""
        return self.engine.url.render_as_string(hide_password=True)

    def ping(self) -> None:
        """``SELECT 1`` on a pooled connection (pre-ping replaces a dead one); raises if down."""
        with self.engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    def close(self) -> None:
        """Release the pool's connections."""
        self.engine.dispose()


def alembic_config(url: str) -> Config:
    """Alembic configuration built in code, so ``commitwatch db upgrade`` needs no ini file."""
    config = Config()
    config.set_main_option("script_location", str(files("worker.store") / "migrations"))
    config.set_main_option("sqlalchemy.url", normalise_url(url).replace("%", "%%"))
    return config


def upgrade_database(url: str, revision: str = "head") -> None:
    """Bring the schema to ``revision``; safe to run on every start (a no-op when current)."""
    command.upgrade(alembic_config(url), revision)


@contextmanager
def outage_as_unavailable() -> Iterator[None]:
    """Turn "the database is unreachable" into ``StoreUnavailableError``, which is retried.

    Only connection-level failures qualify; a constraint violation or a bug is not an outage.
    """
    try:
        yield
    except (OperationalError, InterfaceError) as exc:
        raise StoreUnavailableError(f"database unavailable: {exc.orig or exc}") from exc
    except DBAPIError as exc:
        if exc.connection_invalidated:
            raise StoreUnavailableError(f"database connection lost: {exc.orig or exc}") from exc
        raise


@contextmanager
def conflict_as_error() -> Iterator[None]:
    """Turn a unique-constraint violation into ``StoreConflictError``: a racing writer won.

    Wrap the whole transaction (``with conflict_as_error(), sessions.begin():``): the
    violation may surface only at commit.
    """
    try:
        yield
    except IntegrityError as exc:
        raise StoreConflictError(f"stored concurrently: {exc.orig or exc}") from exc
