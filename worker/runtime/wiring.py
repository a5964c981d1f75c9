"""What one process needs at run time, built once from the settings and passed down.

The one place where configuration meets I/O: the database sessions, the Redis client, the
extractor, the Celery app, the ``Dispatch`` (queue or in-process) and the feed sources are all
built here, and each service receives only its own settings section from here.

Built lazily: Celery forks its pool after start-up, and a database engine or a loaded model
must be created in the process that uses it, not inherited across ``fork``. Use it as a
context manager (or call ``close``) so the engine's connections are released.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import cached_property
from types import TracebackType
from typing import Any

import redis
from redis import Redis

from worker.config import ExtractConfig, Settings
from worker.domain import utcnow
from worker.errors import StoreUnavailableError
from worker.extract import Extractor, load_extractor
from worker.feeds.sources import FeedSources
from worker.intake import submissions
from worker.intake.poller import Poller
from worker.outbound.relay import publish_events
from worker.pipeline.dispatch import Dispatch
from worker.pipeline.handoff import hand_off
from worker.pipeline.processor import Result, process_article
from worker.queue.app import Celery, create_app
from worker.queue.dispatch import QueueDispatch
from worker.runtime.inline import InlineDispatch, Report, ignore
from worker.store.db import Database, Sessions
from worker.store.submissions import IntakeResult

log = logging.getLogger(__name__)

# The event stream's client gives up quickly: an outage delays events, not the caller.
REDIS_CONNECT_TIMEOUT_SECONDS = 5
REDIS_SOCKET_TIMEOUT_SECONDS = 10
# A scrape, ``stats`` or ``health`` waits this long for Redis before reporting it down.
FIGURES_REDIS_TIMEOUT_SECONDS = 3.0


class Runtime:
    """The process's adapters, created on first use; also the services the Celery tasks run."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    @cached_property
    def database(self) -> Database:
        return Database(self.settings.database_url)

    @property
    def sessions(self) -> Sessions:
        return self.database.sessions

    @cached_property
    def redis(self) -> redis.Redis:
        return redis.Redis.from_url(
            self.settings.redis_url,
            socket_connect_timeout=REDIS_CONNECT_TIMEOUT_SECONDS,
            socket_timeout=REDIS_SOCKET_TIMEOUT_SECONDS,
        )

    def figures_redis(self) -> Redis:
        """A client that gives up quickly: figures and health checks must answer, not hang.
        The caller closes it."""
        timeout = FIGURES_REDIS_TIMEOUT_SECONDS
        return redis.Redis.from_url(
            self.settings.redis_url, socket_connect_timeout=timeout, socket_timeout=timeout
        )

    @cached_property
    def extractor(self) -> Extractor:
        return build_extractor(self.settings.extract)

    @cached_property
    def celery(self) -> Celery:
        """The Celery app, its tasks running this runtime's services."""
        return create_app(self.settings.queue, self.settings.redis_url, self)

    def dispatch(self, *, inline: bool = False, report: Report | None = None) -> Dispatch:
        """The queue (the default), or this process (``inline``, reporting line by line)."""
        return self.inline_dispatch(report) if inline else QueueDispatch(self.celery)

    def inline_dispatch(self, report: Report | None = None) -> InlineDispatch:
        return InlineDispatch(
            self.sessions,
            self.extractor,
            max_attempts=self.settings.queue.max_attempts,
            max_chars=self.settings.extract.max_article_chars,
            report=report or ignore,
        )

    def feed_sources(self) -> FeedSources:
        """Every feed source type over one HTTP client; the caller closes it."""
        return FeedSources(self.settings.fetch)

    def poller(self, sources: FeedSources, dispatch: Dispatch | None) -> Poller:
        return Poller(
            self.settings.poll,
            self.sessions,
            sources,
            dispatch,
            max_article_chars=self.settings.extract.max_article_chars,
        )

    # --- the services the Celery tasks call (``worker.queue.tasks.TaskServices``) ---

    def process(self, article_id: int) -> Result:
        return process_article(
            self.sessions, self.extractor, article_id, max_attempts=self.settings.queue.max_attempts
        )

    def submit(self, payload: Any) -> IntakeResult:
        max_chars = self.settings.extract.max_article_chars
        return submissions.submit(self.sessions, payload, max_chars=max_chars)

    def reject(self, payload: Any, reason: str) -> IntakeResult:
        return submissions.reject(self.sessions, payload, reason)

    def hand_off(self, article_ids: Sequence[int]) -> bool:
        return hand_off(self.sessions, self.dispatch(), article_ids, utcnow())

    def publish_events(self) -> None:
        """Publish staged events right after the commit; the daemon's sweep covers a failure."""
        try:
            publish_events(self.sessions, self.redis, self.settings.events)
        except (redis.RedisError, StoreUnavailableError) as exc:
            log.warning("events left in the outbox for the next sweep: %s", exc)

    def extractor_version(self) -> str:
        return self.extractor.version

    def close(self) -> None:
        """Release database and Redis connections (a no-op if none were made)."""
        if "redis" in self.__dict__:
            self.__dict__.pop("redis").close()
        if "database" in self.__dict__:
            self.__dict__.pop("database").close()

    def __enter__(self) -> Runtime:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def build_extractor(extract: ExtractConfig, name: str | None = None) -> Extractor:
    """The configured extractor, or the one ``name``d with the same lexicon and models."""
    return load_extractor(
        name or extract.name,
        lexicon_dir=extract.lexicon_dir,
        model_dir=extract.model_dir,
        options=extract.options,
    )
