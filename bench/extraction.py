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

from bench.common import ARTICLES, DEV_GOLD, PeakRss, emit, repeated_texts

BENCH = "extraction"
# The minimum corpus size at scale 1.
ARTICLES_AT_SCALE_1 = 2000


def build(system: str) -> Any:
    """The extractor under test: ours (``rules``) or the peer."""
    if system == "peer":
        from bench.peer import PeerExtractor

        return PeerExtractor()
    from worker.extract import load_extractor

    return load_extractor("rules")


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


def dev_f1(system: str) -> dict[str, float]:
    """Commitment precision, recall and F1 on the development set."""
    from worker.evaluate import evaluate_files

    counts = evaluate_files(ARTICLES, DEV_GOLD, build(system)).commitments_overall
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
    ours = measure("rules", texts, 1)
    report("rules", "single", ours, args.scale, count)
    report("rules", "per_core", measure("rules", texts, cores), args.scale, count)
    peer = measure("peer", texts, 1)
    report("peer", "single", peer, args.scale, count)
    ratio = ours["articles_per_second"] / peer["articles_per_second"]
    emit(BENCH, "ours_over_peer", ratio, "ratio", args.scale, target=2.0, met=ratio >= 2.0)
    cpu_ratio = ours["articles_per_cpu_second"] / peer["articles_per_cpu_second"]
    emit(BENCH, "ours_over_peer_cpu", cpu_ratio, "ratio", args.scale, target=2.0)
    if args.skip_f1:
        return
    f1 = {system: dev_f1(system) for system in ("rules", "peer")}
    for system, scores in f1.items():
        for metric, value in scores.items():
            emit(BENCH, f"dev_commitment_{metric}", value, "ratio", args.scale, system=system)
    met = f1["rules"]["f1"] >= f1["peer"]["f1"]
    emit(BENCH, "f1_ours_minus_peer", f1["rules"]["f1"] - f1["peer"]["f1"], "F1", 1, met=met)


if __name__ == "__main__":
    main()
