"""The real servers a benchmark runs on: a throwaway PostgreSQL database, a Redis db and queue.

Everything created here is named ``commitwatch_bench_<random>`` and removed on the way out, so a
benchmark never touches the data of the service or of the tests running beside it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from sqlalchemy import create_engine, text

from bench.common import ROOT
from worker.config import Settings, load_settings
from worker.store.db import upgrade_database

POSTGRES_URL = os.environ.get(
    "COMMITWATCH_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
# Redis db 14: the tests flush db 15; the service uses db 0.
REDIS_URL = os.environ.get("COMMITWATCH_BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")


def bench_name() -> str:
    return f"commitwatch_bench_{uuid.uuid4().hex[:8]}"


@contextmanager
def postgres_database() -> Iterator[str]:
    """A fresh, migrated database; dropped (with its connections) at the end."""
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    name = bench_name()
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = admin.url.set(database=name).render_as_string(hide_password=False)
    try:
        upgrade_database(url)
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def redis_queue() -> Iterator[str]:
    """A queue name of our own on the bench Redis db; its keys are deleted at the end."""
    import redis

    name = bench_name()
    client = redis.Redis.from_url(REDIS_URL)
    try:
        yield name
    finally:
        keys = list(client.scan_iter(match=f"*{name}*"))
        if keys:
            client.delete(*keys)
        client.close()


def bench_settings(database_url: str, queue: str, **sections: dict[str, Any]) -> Settings:
    """Settings with no config file: loopback feeds allowed (the feeds are served locally)."""
    values: dict[str, Any] = {
        "database_url": database_url,
        "redis_url": REDIS_URL,
        "queue": {"name": queue},
        "fetch": {"allow_private_networks": True},
        "extract": {"name": "rules"},
    }
    for key, section in sections.items():
        values[key] = {**values.get(key, {}), **section}
    return load_settings(Path(os.devnull), **values)


def worker_env(settings: Settings) -> dict[str, str]:
    """The environment of ``commitwatch worker``: these settings, no developer overrides."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMMITWATCH_")}
    env.update(
        DATABASE_URL=settings.database_url,
        REDIS_URL=settings.redis_url,
        COMMITWATCH_QUEUE__NAME=settings.queue.name,
        COMMITWATCH_EXTRACT__NAME=settings.extract.name,
        COMMITWATCH_CONFIG=os.devnull,
        PYTHONPATH=str(ROOT),
    )
    return env


@contextmanager
def process(command: list[str], env: dict[str, str], log: IO[bytes]) -> Iterator[int]:
    """Run ``command`` (in its own process group) for the block; SIGTERM it, then wait."""
    proc = subprocess.Popen(
        command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        yield proc.pid
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=90)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)
            proc.wait(timeout=30)


def celery_worker(settings: Settings, log: IO[bytes], concurrency: int) -> Any:
    """``commitwatch worker`` as deployed: prefork pool, one process per core."""
    command = [sys.executable, "-m", "worker", "worker", "--concurrency", str(concurrency)]
    return process(command, worker_env(settings), log)


def wait_until(predicate: Any, timeout: float, every: float = 0.25) -> bool:
    """Poll ``predicate`` until it holds or ``timeout`` passes (bounded, never forever)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(every)
    return False
