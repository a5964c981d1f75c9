"""What every benchmark shares: one JSON line per figure, the corpus, memory of a process tree.

Each figure carries the command, the machine, the versions and the load average, so a number
read later says how it was taken and whether the machine was busy at the time.
"""

from __future__ import annotations

import json
import logging
import os
import platform
import shlex
import sys
import threading
import time
from collections.abc import Callable
from functools import cache
from importlib import metadata
from itertools import cycle, islice
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
ARTICLES = SHARED / "eval" / "articles.jsonl"
# The distributions whose speed the figures depend on.
PACKAGES = ("celery", "kombu", "redis", "sqlalchemy", "psycopg", "feedparser", "httpx", "spacy")
# How often the memory sampler looks at /proc: often enough to catch a peak of a few seconds.
SAMPLE_SECONDS = 0.2

# The service logs a warning per failing feed: thousands would drown the JSON lines.
logging.getLogger("worker").setLevel(logging.ERROR)

if str(ROOT) not in sys.path:  # run as ``python bench/x.py`` from a fresh clone
    sys.path.insert(0, str(ROOT))


@cache
def machine() -> dict[str, Any]:
    """The hardware and OS: figures from different machines are not comparable."""
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    return {
        "cpus": os.cpu_count(),
        "cpu": model,
        "memory_gb": round(pages / 2**30, 1),
        "os": platform.platform(),
    }


@cache
def versions() -> dict[str, str]:
    """Python, the project and the libraries on the hot path."""
    found = {"python": platform.python_version()}
    for name in ("commitwatch", *PACKAGES):
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "absent"
    return found


def emit(bench: str, metric: str, value: float, unit: str, scale: float, **extra: Any) -> None:
    """Print one figure as a JSON line on stdout."""
    line = {
        "bench": bench,
        "metric": metric,
        "value": round(value, 3),
        "unit": unit,
        "scale": scale,
        **extra,
        "command": shlex.join([Path(sys.executable).name, *sys.orig_argv[1:]]),
        "machine": machine(),
        "versions": versions(),
        "load": [round(x, 2) for x in os.getloadavg()],
    }
    print(json.dumps(line), flush=True)


def load_rows(path: Path = ARTICLES) -> list[dict[str, Any]]:
    """The evaluation articles, read at run time (their texts never enter this repository)."""
    if not path.is_file():
        sys.exit(f"no articles at {path}: the benchmarks read ../shared/eval/articles.jsonl")
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def repeated_texts(count: int, path: Path = ARTICLES) -> list[str]:
    """``count`` article texts: the corpus repeated in order."""
    return list(islice(cycle(row["text"] for row in load_rows(path)), count))


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile; enough for latency figures over thousands of samples."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))
    return ordered[rank]


def tree_rss_bytes(root: int) -> int:
    """RSS of ``root`` and all its descendants, from /proc (no extra dependency)."""
    return int(_tree_total(root, _parent_and_rss))


def tree_cpu_seconds(root: int) -> float:
    """User plus system CPU seconds of ``root`` and its live descendants, from /proc."""
    return _tree_total(root, _parent_and_cpu)


def _tree_total(root: int, read: Callable[[Path], tuple[int, float]]) -> float:
    """Sum ``read``'s figure over ``root`` and its descendants; ``read`` gives (parent, figure)."""
    children: dict[int, list[int]] = {}
    figure: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent, value = read(entry)
        except (OSError, IndexError):  # the process ended while we read it
            continue
        pid = int(entry.name)
        children.setdefault(parent, []).append(pid)
        figure[pid] = value
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        total += figure.get(pid, 0.0)
        todo.extend(children.get(pid, []))
    return total


def _parent_and_rss(entry: Path) -> tuple[int, float]:
    status = (entry / "status").read_text()
    fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    return int(fields.get("PPid", "0").strip()), int(fields.get("VmRSS", "0 kB").split()[0]) * 1024


def _parent_and_cpu(entry: Path) -> tuple[int, float]:
    fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
    # Fields 4, 14 and 15 of stat: the parent, utime and stime in clock ticks.
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class PeakRss:
    """Samples the RSS of this process and its descendants in a thread; keeps the peak."""

    def __init__(self, root: int | None = None) -> None:
        self.root = root or os.getpid()
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while True:
            self.peak = max(self.peak, tree_rss_bytes(self.root))
            if self._stop.wait(SAMPLE_SECONDS):
                return


class Stopwatch:
    """Wall-clock seconds of a block."""

    def __enter__(self) -> Stopwatch:
        self.started = time.perf_counter()
        self.seconds = 0.0
        return self

    def __exit__(self, *_exc: object) -> None:
        self.seconds = time.perf_counter() - self.started
