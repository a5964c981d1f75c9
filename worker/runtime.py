"""What one process needs at run time, built once from the settings and passed down.

Built lazily: Celery forks its pool after start-up, and a database engine or a loaded model
must be created in the process that uses it, not inherited across ``fork``. Use it as a
context manager (or call ``close``) so the engine's connections are released.
"""

from __future__ import annotations

from functools import cached_property
from types import TracebackType

import redis
from sqlalchemy import Engine

from worker.config import ExtractConfig, Settings
from worker.extract import Extractor, load_extractor
from worker.store.db import Sessions, make_engine, make_sessions


class Runtime:
    """The process's database sessions, Redis client and extractor, created on first use."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @cached_property
    def engine(self) -> Engine:
        return make_engine(self.settings.database_url)

    @cached_property
    def sessions(self) -> Sessions:
        return make_sessions(self.engine)

    @cached_property
    def redis(self) -> redis.Redis:
        """For the event stream; short timeouts, so an outage delays events, not the caller."""
        return redis.Redis.from_url(
            self.settings.redis_url, socket_connect_timeout=5, socket_timeout=10
        )

    @cached_property
    def extractor(self) -> Extractor:
        return build_extractor(self.settings.extract)

    def close(self) -> None:
        """Release database and Redis connections (a no-op if none were made)."""
        if "redis" in self.__dict__:
            self.__dict__.pop("redis").close()
        if "engine" in self.__dict__:
            self.engine.dispose()
            del self.__dict__["engine"]
            self.__dict__.pop("sessions", None)

    def __enter__(self) -> Runtime:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def build_extractor(extract: ExtractConfig, name: str | None = None) -> Extractor:
    """The configured extractor, or the one ``name``d with the same lexicon and models."""
    return load_extractor(
        name or extract.name, lexicon_dir=extract.lexicon_dir, model_dir=extract.model_dir
    )
