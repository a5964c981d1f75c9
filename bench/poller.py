"""The poller alone: feed checks per second, conditional-GET hit rate, memory as feeds grow.

    python -m bench.poller --scale 1      # 2,000 feeds
    python -m bench.poller --scale 0.1    # a quick look

The feeds (70% answer 304 to a conditional GET, 20% have new entries on every request, 5% are
slow, 5% fail with 500) are served from a separate process on loopback, so the server does not
share this process's GIL. Three passes over PostgreSQL: a cold one (every feed is new), a warm
one (the mix), and one over the conditional feeds only (the 304 path the target is about).
Enqueueing is the in-memory twin (a counter): Redis is measured by ``bench.pipeline``.
All feeds are on one host, so ``fetch.per_host_concurrency`` is raised to ``poll.concurrency``
(default 8): the default cap of 2 per host would measure the cap, not the poller.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
from collections import Counter
from pathlib import Path
from typing import Any

from sqlalchemy import update

from bench.common import Stopwatch, emit, load_rows
from bench.services import bench_settings, postgres_database
from worker.config import Settings
from worker.feeds.sources import FeedSources
from worker.intake.poller import Poller
from worker.pipeline.dispatch import RecordingDispatch
from worker.store.db import Sessions, make_engine, make_sessions
from worker.store.feeds import add_feed
from worker.store.models import Feed

BENCH = "poller"
FEEDS_AT_SCALE_1 = 2000
# Share of each kind of feed, in the order they are numbered.
MIX = (("cond", 0.70), ("new", 0.20), ("slow", 0.05), ("fail", 0.05))
ITEMS_PER_FEED = 10
TARGET_CHECKS_PER_SECOND = 100.0


def serve(port: Any, stop: Any) -> None:
    """The feed server's process: serve until told to stop (bounded by the parent)."""
    from bench.feedserver import serving

    texts = [row["text"] for row in load_rows()]
    with serving(texts, ITEMS_PER_FEED) as server:
        port.put(server.server_address[1])
        stop.wait(3600)


def own_rss_mb() -> float:
    """This process's resident memory: the poller's own, the server runs elsewhere."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def feed_urls(port: int, feeds: int) -> list[str]:
    kinds = [kind for kind, share in MIX for _ in range(round(feeds * share))]
    base = f"http://127.0.0.1:{port}/feed"
    return [f"{base}/{kind}/{n}.xml" for n, kind in enumerate(kinds)]


def timed_pass(poller: Poller, feeds: int) -> dict[str, Any]:
    """One forced pass over every enabled feed: checks/s, outcomes, memory after it."""
    with Stopwatch() as clock:
        reports = poller.poll_due(force=True, limit=feeds)
    outcomes = Counter(report.outcome for report in reports)
    return {
        "checks": len(reports),
        "checks_per_second": len(reports) / clock.seconds,
        "hit_rate": outcomes["not-modified"] / max(1, len(reports)),
        "outcomes": dict(outcomes),
        "rss_mb": own_rss_mb(),
    }


def only_conditional(sessions: Sessions) -> None:
    with sessions.begin() as session:
        session.execute(update(Feed).where(~Feed.url.contains("/cond/")).values(enabled=False))


def run(url: str, port: int, feeds: int) -> dict[str, dict[str, Any]]:
    settings: Settings = bench_settings(url, "unused", fetch={"per_host_concurrency": 8})
    sessions = make_sessions(make_engine(url))
    urls = feed_urls(port, feeds)
    with sessions.begin() as session:
        for feed_url in urls:
            add_feed(session, feed_url)
    with FeedSources(settings.fetch) as sources:
        max_chars = settings.extract.max_article_chars
        poller = Poller(
            settings.poll, sessions, sources, RecordingDispatch(), max_article_chars=max_chars
        )
        passes = {"cold": timed_pass(poller, len(urls)), "warm": timed_pass(poller, len(urls))}
        only_conditional(sessions)
        passes["conditional"] = timed_pass(poller, len(urls))
    return passes


def report(passes: dict[str, dict[str, Any]], scale: float, feeds: int) -> None:
    for name, figures in passes.items():
        extra = {"pass": name, "feeds": feeds, "checks": figures["checks"]}
        rate = figures["checks_per_second"]
        if name == "conditional":
            extra |= {"target": TARGET_CHECKS_PER_SECOND, "met": rate >= TARGET_CHECKS_PER_SECOND}
        emit(BENCH, "checks_per_second", rate, "checks/s", scale, **extra)
        emit(BENCH, "conditional_hit_rate", figures["hit_rate"], "ratio", scale, **extra)
        emit(BENCH, "poller_rss_mb", figures["rss_mb"], "MB", scale, **extra)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    feeds = max(20, round(FEEDS_AT_SCALE_1 * args.scale))
    context = mp.get_context("spawn")
    port, stop = context.Queue(), context.Event()
    server = context.Process(target=serve, args=(port, stop), daemon=True)
    server.start()
    try:
        with postgres_database() as url:
            passes = run(url, port.get(timeout=60), feeds)
    finally:
        stop.set()
        server.join(timeout=30)
    report(passes, args.scale, feeds)


if __name__ == "__main__":
    main()
