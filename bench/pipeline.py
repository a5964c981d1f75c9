"""End to end: local feeds → poller → Redis → Celery workers (one per core) → PostgreSQL.

    python -m bench.pipeline --scale 1      # 5,000 articles: 100 feeds of 50 items
    python -m bench.pipeline --scale 0.05   # a quick look

In the same run, the ceilings: Celery no-op tasks through the same Redis with the service's
Celery settings, and the default extractor alone (one process per core, no queue, no database).
The pipeline's share of the extractor alone is the cost of the queue and the database. The
poller runs in this process, on the same two cores as the workers, as on a one-box deployment.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import IO, Any

from sqlalchemy import func, select

from bench import extraction
from bench.common import (
    PeakRss,
    Stopwatch,
    emit,
    load_rows,
    percentile,
    repeated_texts,
    tree_cpu_seconds,
)
from bench.feedserver import FeedServer, serving
from bench.services import (
    bench_settings,
    celery_worker,
    postgres_database,
    process,
    redis_queue,
    wait_until,
    worker_env,
)
from worker.config import Settings
from worker.runtime.wiring import Runtime
from worker.store.db import Sessions, make_engine, make_sessions
from worker.store.feeds import add_feed
from worker.store.models import Article

BENCH = "pipeline"
ARTICLES_AT_SCALE_1 = 5000
ITEMS_PER_FEED = 50
# All feeds are on one loopback host: the default cap of 2 per host would measure the cap.
POLL_CONCURRENCY = 8
# The extractor-alone ceiling runs on a sample this big at most (same texts, cycled).
ALONE_MAX_ARTICLES = 500
NOOP_AT_SCALE_1 = 5000
READY_TIMEOUT = 120.0
# What a pool process logs once its extractor is loaded (worker.queue.app).
POOL_READY = re.compile(rb"pool process \d+ ready")


def done_count(sessions: Sessions) -> int:
    with sessions() as session:
        query = select(func.count(Article.id)).where(Article.status.in_(("done", "dead")))
        return int(session.scalar(query) or 0)


def latencies(sessions: Sessions) -> list[float]:
    """Seconds from enqueue to committed results, per article."""
    with sessions() as session:
        rows = session.execute(
            select(Article.enqueued_at, Article.processed_at).where(Article.status == "done")
        ).all()
    return [(done - queued).total_seconds() for queued, done in rows if queued and done]


def wait_ready(settings: Settings) -> None:
    """Until a worker answers a ping: start-up is not part of the throughput."""
    app = Runtime(settings).celery
    if not wait_until(lambda: bool(app.control.ping(timeout=1.0)), READY_TIMEOUT, every=0.5):
        sys.exit("the Celery worker did not start; see its log")


def wait_loaded(log: IO[bytes], processes: int) -> None:
    """Until every pool process has loaded its extractor (it logs a line when it has).

    The main process answers pings before its pool processes are up; the benchmark measures
    the steady state, as the extractor-alone figure does, so model loading stays outside.
    """
    path = Path(log.name)

    def loaded() -> bool:
        return len(POOL_READY.findall(path.read_bytes())) >= processes

    if not wait_until(loaded, READY_TIMEOUT, every=0.5):
        sys.exit(f"the worker's pool processes did not load their extractor; see {path}")


def add_feeds(sessions: Sessions, server: FeedServer, feeds: int) -> None:
    with sessions.begin() as session:
        for n in range(feeds):
            add_feed(session, server.url("cond", n))


def run_pipeline(url: str, queue: str, articles: int, log: IO[bytes]) -> dict[str, Any]:
    """Serve, poll once, wait for every article to be committed; figures of the whole run."""
    feeds = math.ceil(articles / ITEMS_PER_FEED)
    settings = bench_settings(
        url,
        queue,
        fetch={"per_host_concurrency": POLL_CONCURRENCY},
        poll={"concurrency": POLL_CONCURRENCY},
    )
    sessions = make_sessions(make_engine(url))
    corpus = [row["text"] for row in load_rows()]
    with serving(corpus, ITEMS_PER_FEED) as server, PeakRss() as rss:
        add_feeds(sessions, server, feeds)
        cores = os.cpu_count() or 1
        with celery_worker(settings, log, cores) as worker_pid:
            wait_ready(settings)
            wait_loaded(log, cores)
            cpu_before = tree_cpu_seconds(worker_pid)
            with (
                Runtime(settings) as runtime,
                runtime.feed_sources() as sources,
                Stopwatch() as clock,
            ):
                poller = runtime.poller(sources, runtime.dispatch())
                poller.poll_due(force=True, limit=feeds)
                polled = time.perf_counter() - clock.started
                total = feeds * ITEMS_PER_FEED
                finished = wait_until(lambda: done_count(sessions) >= total, 120 + total)
            worker_cpu = tree_cpu_seconds(worker_pid) - cpu_before
    lat = latencies(sessions)
    return {
        "articles": total,
        "done": len(lat),
        "finished": finished,
        "seconds": clock.seconds,
        "poll_seconds": polled,
        "lat": lat,
        "peak_rss_mb": rss.peak / 2**20,
        "worker_cpu_seconds": worker_cpu,
    }


def run_noop(url: str, queue: str, tasks: int, log: IO[bytes]) -> dict[str, float]:
    """Publish ``tasks`` no-ops and time them through a worker with the service's settings."""
    import redis

    from bench import noop

    settings = bench_settings(url, queue)
    env = worker_env(settings)
    cores = str(os.cpu_count() or 1)
    command = [sys.executable, "-m", "celery", "-A", "bench.noop", "worker", "-c", cores]
    client = redis.Redis.from_url(settings.redis_url)
    with process([*command, "-Q", queue, "--loglevel", "WARNING"], env, log):
        wait_ready(settings)
        app = noop.make_app(settings)
        task = app.tasks[noop.NOOP]
        with Stopwatch() as clock:
            with app.producer_or_acquire() as producer:
                for _ in range(tasks):
                    task.apply_async(producer=producer, queue=queue)
            published = time.perf_counter() - clock.started
            key = noop.counter_key(queue)
            wait_until(lambda: int(client.get(key) or 0) >= tasks, 60 + tasks / 100, every=0.05)
    client.close()
    return {"tasks_per_second": tasks / clock.seconds, "publish_per_second": tasks / published}


def report_pipeline(figures: dict[str, Any], scale: float) -> None:
    n, lat = figures["articles"], figures["lat"]
    rate = figures["done"] / figures["seconds"]
    emit(BENCH, "articles_per_second", rate, "articles/s", scale, articles=n, done=figures["done"])
    emit(BENCH, "poll_seconds", figures["poll_seconds"], "s", scale, articles=n)
    for share in (0.5, 0.95, 0.99):
        name = f"latency_p{round(share * 100)}"
        emit(BENCH, name, percentile(lat, share), "s", scale, articles=n)
    emit(BENCH, "peak_rss_mb", figures["peak_rss_mb"], "MB", scale, articles=n)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--log", default=None, help="worker log file (default: a temp file)")
    args = parser.parse_args()
    articles = max(ITEMS_PER_FEED, round(ARTICLES_AT_SCALE_1 * args.scale))
    log_path = args.log or tempfile.mkstemp(prefix="bench-worker-", suffix=".log")[1]
    with open(log_path, "wb") as log:
        with postgres_database() as url, redis_queue() as queue:
            figures = run_pipeline(url, queue, articles, log)
        with postgres_database() as url, redis_queue() as queue:
            noop = run_noop(url, queue, max(500, round(NOOP_AT_SCALE_1 * args.scale)), log)
    report_pipeline(figures, args.scale)
    for metric, value in noop.items():
        emit(BENCH, f"noop_{metric}", value, "tasks/s", args.scale)
    sample = repeated_texts(min(figures["articles"], ALONE_MAX_ARTICLES))
    alone = extraction.measure(extraction.OURS, sample, os.cpu_count() or 1)
    emit(
        BENCH,
        "extractor_alone_articles_per_second",
        alone["articles_per_second"],
        "articles/s",
        args.scale,
        articles=len(sample),
    )
    share = figures["done"] / figures["seconds"] / alone["articles_per_second"]
    emit(
        BENCH,
        "share_of_extractor_alone",
        share,
        "ratio",
        args.scale,
        target=0.8,
        met=share >= 0.8,
        worker_log=log_path,
    )
    # The same comparison in CPU time, which other work on the machine hardly moves: the
    # workers' CPU per article (pool and main process; not PostgreSQL's, Redis's or the
    # poller's) against the extractor alone's.
    worker_ms = 1000 * figures["worker_cpu_seconds"] / max(1, figures["done"])
    alone_ms = 1000 / alone["articles_per_cpu_second"]
    emit(BENCH, "worker_cpu_ms_per_article", worker_ms, "ms", args.scale)
    emit(BENCH, "extractor_alone_cpu_ms_per_article", alone_ms, "ms", args.scale)
    emit(BENCH, "cpu_share_of_extractor_alone", alone_ms / worker_ms, "ratio", args.scale)
    if not figures["finished"]:
        sys.exit(f"only {figures['done']} of {figures['articles']} articles done; see {log_path}")


if __name__ == "__main__":
    main()
