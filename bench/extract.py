"""Benchmark the rules extractor against spaCy's full small pipeline (not a timed test).

    python bench/extract.py                 # 2,000 articles (the corpus repeated), both runs
    python bench/extract.py --articles 200  # a quicker look
    python bench/extract.py --only rules    # one run in this process

Each run happens in its own process, so peak RSS is that run's own. Output: one JSON line per
figure (articles/s, words/s, peak RSS MB, model load seconds). The peer is what a naive
integration would do: the full default pipeline (``spacy.load`` of the small model), one
``nlp(text)`` call per article.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from itertools import cycle, islice
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = ROOT.parent / "shared" / "eval" / "articles.jsonl"
DEFAULT_ARTICLES = 2000


def load_texts(path: Path, count: int) -> list[str]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return list(islice(cycle(row["text"] for row in rows), count))


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def emit(run: str, figure: str, value: float, **extra: object) -> None:
    print(json.dumps({"run": run, "figure": figure, "value": round(value, 2), **extra}), flush=True)


def run_rules(texts: list[str]) -> float:
    sys.path.insert(0, str(ROOT))
    from worker.domain import ArticleText
    from worker.extract.rules import RulesExtractor

    started = time.perf_counter()
    extractor = RulesExtractor(lexicon_dir=None)
    emit("rules", "load_seconds", time.perf_counter() - started)
    started = time.perf_counter()
    for _ in extractor.extract_many(ArticleText(text=t) for t in texts):
        pass
    return time.perf_counter() - started


def run_peer(texts: list[str]) -> float:
    import spacy

    from worker.extract.rules import MODEL

    started = time.perf_counter()
    nlp = spacy.load(MODEL)
    emit("peer", "load_seconds", time.perf_counter() - started, pipeline=nlp.pipe_names)
    started = time.perf_counter()
    for text in texts:
        nlp(text)
    return time.perf_counter() - started


def measure(run: str, path: Path, count: int) -> None:
    texts = load_texts(path, count)
    words = sum(len(t.split()) for t in texts)
    seconds = run_rules(texts) if run == "rules" else run_peer(texts)
    emit(run, "articles_per_second", len(texts) / seconds, articles=len(texts))
    emit(run, "words_per_second", words / seconds, words=words)
    emit(run, "peak_rss_mb", peak_rss_mb())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=DEFAULT_ARTICLES)
    parser.add_argument("--path", type=Path, default=ARTICLES)
    parser.add_argument("--only", choices=("rules", "peer"))
    args = parser.parse_args()
    if not args.path.is_file():
        sys.exit(f"no articles at {args.path}; pass --path")
    if args.only:
        measure(args.only, args.path, args.articles)
        return
    for run in ("rules", "peer"):
        command = [sys.executable, __file__, "--only", run, "--articles", str(args.articles)]
        subprocess.run([*command, "--path", str(args.path)], check=True, cwd=ROOT)


if __name__ == "__main__":
    main()
