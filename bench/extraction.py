"""Extraction throughput: ours in one process and one per core, the peer, and both F1s.

    python -m bench.extraction --scale 1      # 2,000 articles (the eval corpus repeated)
    python -m bench.extraction --scale 0.05   # a quick look

Every run happens in child processes that load their extractor once; the parent samples the RSS
of all of them, so peak memory is the whole run's. Throughput excludes model loading (reported
apart): a worker loads once and then runs for days. The per-core figure divides all articles by
the slowest process's time, so an uneven split counts against us.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import time
from typing import Any

from bench.common import PeakRss, emit, repeated_texts
from worker.defaults import EXTRACTOR

BENCH = "extraction"
# The minimum corpus size at scale 1.
ARTICLES_AT_SCALE_1 = 2000


# Ours is the extractor a new deployment runs.
OURS = EXTRACTOR
# The limits per process: model load and peak memory.
MAX_LOAD_SECONDS = 3.0
MAX_RSS_MB = 400.0


def build(system: str) -> Any:
    """The extractor under test: one of ours by name, or the peer."""
    if system == "peer":
        from bench.peer import PeerExtractor

        return PeerExtractor()
    from worker.extract import load_extractor

    return load_extractor(system)


def run_chunk(system: str, texts: list[str]) -> tuple[float, float, float]:
    """Load once, extract ``texts``: (load seconds, extraction seconds, extraction CPU seconds).

    Runs in a child. CPU seconds (all the child's threads) hardly move when other work shares
    the machine, where wall-clock seconds do: compare those when the load average is high.
    """
    from worker.domain import ArticleText

    started = time.perf_counter()
    extractor = build(system)
    loaded, cpu = time.perf_counter(), time.process_time()
    for _ in extractor.extract_many(ArticleText(text=t) for t in texts):
        pass
    return loaded - started, time.perf_counter() - loaded, time.process_time() - cpu


def _run_chunk_star(args: tuple[str, list[str]]) -> tuple[float, float, float]:
    return run_chunk(*args)


def measure(system: str, texts: list[str], processes: int) -> dict[str, float]:
    """Throughput and peak RSS of ``processes`` children splitting ``texts`` evenly."""
    chunks = [texts[i::processes] for i in range(processes)]
    context = mp.get_context("spawn")  # a fresh interpreter: nothing preloaded by the parent
    with PeakRss() as rss, context.Pool(processes) as pool:
        timings = pool.map(_run_chunk_star, [(system, chunk) for chunk in chunks])
    seconds = max(t for _, t, _ in timings)
    words = sum(len(t.split()) for t in texts)
    return {
        "articles_per_second": len(texts) / seconds,
        "words_per_second": words / seconds,
        "articles_per_cpu_second": len(texts) / sum(cpu for _, _, cpu in timings),
        "peak_rss_mb": rss.peak / 2**20,
        "load_seconds": max(load for load, _, _ in timings),
        "seconds": seconds,
    }


def split_f1(system: str, split: str) -> dict[str, float]:
    """Commitment precision, recall and F1 on a named split (dev: tuned on; validation: never)."""
    from worker.evaluate import evaluate_labelled
    from worker.learn.corpus import labelled_articles, split_pairs

    labelled = labelled_articles(split_pairs(split))
    counts = evaluate_labelled(labelled, build(system)).commitments_overall
    return {"precision": counts.precision, "recall": counts.recall, "f1": counts.f1}


def report(system: str, mode: str, figures: dict[str, float], scale: float, n: int) -> None:
    units = {
        "articles_per_second": "articles/s",
        "words_per_second": "words/s",
        "articles_per_cpu_second": "articles/CPU-s",
        "peak_rss_mb": "MB",
        "load_seconds": "s",
    }
    for metric, unit in units.items():
        emit(BENCH, metric, figures[metric], unit, scale, system=system, mode=mode, articles=n)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--skip-f1", action="store_true", help="throughput only")
    args = parser.parse_args()
    count = max(10, round(ARTICLES_AT_SCALE_1 * args.scale))
    texts = repeated_texts(count)
    cores = os.cpu_count() or 1
    ours = measure(OURS, texts, 1)
    report(OURS, "single", ours, args.scale, count)
    report(OURS, "per_core", measure(OURS, texts, cores), args.scale, count)
    load = ours["load_seconds"]
    emit(
        BENCH,
        "load_within_limit",
        load,
        "s",
        args.scale,
        target=MAX_LOAD_SECONDS,
        met=load <= MAX_LOAD_SECONDS,
    )
    rss = ours["peak_rss_mb"]
    emit(BENCH, "rss_within_limit", rss, "MB", args.scale, target=MAX_RSS_MB, met=rss <= MAX_RSS_MB)
    peer = measure("peer", texts, 1)
    report("peer", "single", peer, args.scale, count)
    ratio = ours["articles_per_second"] / peer["articles_per_second"]
    emit(BENCH, "ours_over_peer", ratio, "ratio", args.scale, target=2.0, met=ratio >= 2.0)
    cpu_ratio = ours["articles_per_cpu_second"] / peer["articles_per_cpu_second"]
    emit(BENCH, "ours_over_peer_cpu", cpu_ratio, "ratio", args.scale, target=2.0)
    if args.skip_f1:
        return
    for split in ("dev", "validation"):
        f1 = {system: split_f1(system, split) for system in (OURS, "peer")}
        for system, scores in f1.items():
            for metric, value in scores.items():
                emit(BENCH, f"{split}_commitment_{metric}", value, "ratio", 1, system=system)
        gain = f1[OURS]["f1"] - f1["peer"]["f1"]
        emit(BENCH, f"{split}_f1_ours_minus_peer", gain, "F1", 1, met=gain >= 0)


if __name__ == "__main__":
    main()
