"""A Celery app with one no-op task, configured exactly like the service's: the engine's ceiling.

Started by ``bench/pipeline.py`` as ``celery -A bench.noop worker``; the task only counts itself
in Redis so the benchmark knows when every message went through.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

import redis
from celery import Celery

from worker.config import Settings, load_settings
from worker.queue.app import celery_settings

NOOP = "bench.noop"


def make_app(settings: Settings) -> Celery:
    """The service's Celery settings, this one task; the publisher builds it from its settings."""
    app = Celery("bench-noop", broker=settings.redis_url, set_as_current=False)
    app.conf.update(celery_settings(settings.queue))
    app.task(name=NOOP)(noop)
    return app


def counter_key(queue: str) -> str:
    """Where the tasks count themselves; named after the queue so clean-up finds it."""
    return f"{queue}:noop-done"


@cache
def _client() -> redis.Redis:
    return redis.Redis.from_url(settings.redis_url)


def noop() -> None:
    """Nothing but a counter: what is left is Celery, kombu and Redis."""
    _client().incr(counter_key(settings.queue.name))


# The worker's app (``celery -A bench.noop``), configured from its environment.
settings = load_settings(Path(os.environ.get("COMMITWATCH_CONFIG", os.devnull)))
app = make_app(settings)
