"""Labelled articles: gold rows in the ``evaluate`` format, with or without the text in them.

Labels of copyrighted news never carry its words: the project stores them as offsets into the
article text (``"sentence": [start, end]``, ``"mentions": [[start, end], ...]``), and they are
read together with the articles file they point into. ``with_text`` turns such a row back into
the plain gold format that scoring and training read; ``as_offsets`` is its inverse, used once
when a labeller's file is brought into the project.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from worker.domain import ArticleText, Commitment, Entity, Extraction, Mention
from worker.extract.canon import slug

Row = dict[str, Any]
Labelled = list[tuple[ArticleText, Row]]
Pair = tuple[Path, Path]  # (articles file, labels file)

# The project's labels; texts stay in ../shared (see this folder's README.md).
CORPUS_DIR = Path(__file__).resolve().parent.parent / "data" / "corpus"
SPLITS = ("dev", "validation", "train", "feeds")


def read_jsonl(path: Path) -> Iterator[Row]:
    """Objects of a JSON-lines file, blank lines skipped."""
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield json.loads(line)


def _span_text(text: str, span: list[int], what: str) -> str:
    start, end = span
    if not 0 <= start < end <= len(text):
        raise ValueError(f"{what} span {span} lies outside the article ({len(text)} characters)")
    return text[start:end]


def with_text(row: Row, text: str) -> Row:
    """The row with every offset span replaced by the words it points at (plain rows unchanged)."""
    entities = [
        {
            **e,
            "mentions": [
                m if isinstance(m, str) else _span_text(text, m, f"{row['id']} mention")
                for m in e.get("mentions") or ()
            ],
        }
        for e in row.get("entities") or ()
    ]
    commitments = [
        {
            **c,
            "sentence": c["sentence"]
            if isinstance(c["sentence"], str)
            else _span_text(text, c["sentence"], f"{row['id']} sentence"),
        }
        for c in row.get("commitments") or ()
    ]
    return {**row, "entities": entities, "commitments": commitments}


def _span_of(text: str, words: str, what: str) -> list[int]:
    start = text.find(words)
    if start < 0:
        raise ValueError(f"{what} is not verbatim in the article: {words[:60]!r}")
    return [start, start + len(words)]


def as_offsets(row: Row, text: str) -> Row:
    """The row with sentences and mentions as ``[start, end]`` spans and no free-text note."""
    rid = row["id"]
    entities = [
        {**e, "mentions": [_span_of(text, m, f"{rid} mention") for m in e.get("mentions") or ()]}
        for e in row.get("entities") or ()
    ]
    commitments = [
        {
            **{k: v for k, v in c.items() if k != "note"},
            "sentence": _span_of(text, c["sentence"], f"{rid} sentence"),
        }
        for c in row.get("commitments") or ()
    ]
    return {**row, "entities": entities, "commitments": commitments}


def load_gold(articles: dict[str, str], gold_path: Path) -> list[Row]:
    """Gold rows of ``gold_path`` in plain form, each checked against its article's text."""
    rows = list(read_jsonl(gold_path))
    missing = [row["id"] for row in rows if row["id"] not in articles]
    if missing:
        raise ValueError(f"gold labels for articles not in the articles file: {missing[:5]}")
    return [with_text(row, articles[row["id"]]) for row in rows]


def labelled_articles(pairs: Sequence[Pair]) -> Labelled:
    """(article, plain gold row) for every labelled article of each (articles, labels) pair."""
    found = []
    for articles_path, gold_path in pairs:
        rows = {r["id"]: r for r in read_jsonl(articles_path)}
        for gold in load_gold({i: r["text"] for i, r in rows.items()}, gold_path):
            row = rows[gold["id"]]
            found.append(
                (ArticleText(row["text"], row.get("title"), url=row.get("source_url")), gold)
            )
    return found


def shared_dir() -> Path:
    """The team's shared data: ``$COMMITWATCH_SHARED_DIR``, else ``../shared`` of the checkout."""
    default = Path(__file__).resolve().parents[2].parent / "shared"
    return Path(os.environ.get("COMMITWATCH_SHARED_DIR", default))


def split_pairs(split: str, shared: Path | None = None) -> list[Pair]:
    """The (articles, labels) files of a named split; texts are read from ``shared``."""
    shared = shared or shared_dir()
    if not shared.is_dir():
        raise FileNotFoundError(f"shared data not found at {shared} (set COMMITWATCH_SHARED_DIR)")
    train = shared / "train"
    if split == "dev":
        return [(shared / "eval" / "articles.jsonl", shared / "eval" / "dev.jsonl")]
    if split == "validation":
        return [(train / "news.jsonl", CORPUS_DIR / "news-validation.jsonl")]
    if split == "train":
        return [
            (train / "open.jsonl", CORPUS_DIR / "open-train.jsonl"),
            (train / "news.jsonl", CORPUS_DIR / "news-train.jsonl"),
        ]
    if split == "feeds":
        return [(_feed_articles(shared / "feeds"), CORPUS_DIR / "feeds.jsonl")]
    raise ValueError(f"unknown split {split!r}; choose one of {', '.join(SPLITS)}")


def _feed_articles(feeds: Path) -> Path:
    """The feed entries rebuilt into one file of the temp folder, rewritten on each use."""
    from worker.learn.feed_entries import write_feed_entries

    return write_feed_entries(feeds, Path(tempfile.gettempdir()) / "commitwatch-feed-entries.jsonl")


def as_extraction(row: Row, text: str) -> Extraction:
    """A second labeller's plain row as if an extractor had produced it (agreement scoring)."""
    keys = {e["name"]: f"{e['type'].lower()}:{slug(e['name'])}" for e in row["entities"]}
    entities = tuple(Entity(keys[e["name"]], e["name"], e["type"]) for e in row["entities"])
    mentions = tuple(
        Mention(keys[e["name"]], start, start + len(m), m)
        for e in row["entities"]
        for m in e["mentions"]
        if (start := text.find(m)) >= 0
    )
    commitments = []
    for c in row["commitments"]:
        start = text.find(c["sentence"])
        commitments.append(
            Commitment(
                type=c["type"],
                status=c["status"],
                actor_key=keys.get(c["actor"]),
                target_key=keys.get(c.get("target") or ""),
                sentence=c["sentence"],
                start=start,
                end=start + len(c["sentence"]),
                confidence=1.0,
            )
        )
    return Extraction("labels", entities, mentions, tuple(commitments))
