"""Score an extractor against hand-written gold labels (the rules of ``shared/eval/README.md``).

Pure: reads two JSONL files, runs the extractor it is given, and counts. The CLI formats it.

Matching is one-to-one and greedy, so a prediction is never credited twice:

* Commitments: every (gold, predicted) pair of the same article and type whose sentence spans
  overlap by at least half the shorter span is a candidate. Candidates are taken in order of
  overlap (largest first); on a tie the pair that also agrees on status and actor wins, so two
  commitments of one type in one sentence pair up the way a reader would pair them.
* Entities: a predicted entity and a gold one of the same type are candidates when the predicted
  canonical name or one of its mentions equals the gold name or one of the gold mentions, case
  folded. Candidates are taken by the number of shared forms, largest first.

Actor accuracy compares names after alias normalisation: case folding, plus country names mapped
to their ISO code by ``rigour`` ("UK" = "Britain" = "United Kingdom"); the gold entity's mentions,
its ``speaker`` and its ``co_actors`` also count as a right actor.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from worker.domain import ArticleText
from worker.extract import Extractor
from worker.extract.scoring import (
    ArticleScore,
    Counts,
    GoldArticle,
    normalise_name,
    parse_gold,
    score_article,
    score_entities,
)

__all__ = [
    "ArticleScore",
    "Counts",
    "EvaluationReport",
    "GoldArticle",
    "combine",
    "evaluate_files",
    "load_articles",
    "normalise_name",
    "parse_gold",
    "render_report",
    "score_article",
    "score_entities",
]


@dataclass(frozen=True, slots=True)
class EvaluationReport:
    """Micro totals over the scored articles; ``errors`` lists every missed, spurious or
    mislabelled commitment, so a reviewer sees what the figures hide."""

    articles: int
    commitments: dict[str, Counts]
    entities: dict[str, Counts]
    matched: int
    actor_right: int
    status_right: int
    errors: tuple[str, ...] = field(default=())

    @property
    def commitments_overall(self) -> Counts:
        return sum(self.commitments.values(), Counts())

    @property
    def entities_overall(self) -> Counts:
        return sum(self.entities.values(), Counts())

    @property
    def actor_accuracy(self) -> float:
        return self.actor_right / self.matched if self.matched else 0.0

    @property
    def status_accuracy(self) -> float:
        return self.status_right / self.matched if self.matched else 0.0

    def as_dict(self) -> dict[str, Any]:
        """JSON-serialisable figures (errors included, for whoever reviews the run)."""
        return {
            "articles": self.articles,
            "commitments": {
                "overall": self.commitments_overall.as_dict(),
                "by_type": {k: v.as_dict() for k, v in sorted(self.commitments.items())},
                "matched": self.matched,
                "actor_accuracy": round(self.actor_accuracy, 4),
                "status_accuracy": round(self.status_accuracy, 4),
            },
            "entities": {
                "overall": self.entities_overall.as_dict(),
                "by_type": {k: v.as_dict() for k, v in sorted(self.entities.items())},
            },
            "errors": list(self.errors),
        }


# --- loading -------------------------------------------------------------------------------


def _read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield json.loads(line)


def load_articles(path: Path) -> dict[str, ArticleText]:
    """Articles by id, as the extractor sees them."""
    return {
        row["id"]: ArticleText(text=row["text"], title=row.get("title"), url=row.get("source_url"))
        for row in _read_jsonl(path)
    }


# --- totals --------------------------------------------------------------------------------


def _sum_by_key(parts: Iterable[dict[str, Counts]]) -> dict[str, Counts]:
    total: dict[str, Counts] = {}
    for part in parts:
        for key, counts in part.items():
            total[key] = total.get(key, Counts()) + counts
    return total


def combine(scores: Sequence[ArticleScore]) -> EvaluationReport:
    return EvaluationReport(
        articles=len(scores),
        commitments=_sum_by_key(s.commitments for s in scores),
        entities=_sum_by_key(s.entities for s in scores),
        matched=sum(s.matched for s in scores),
        actor_right=sum(s.actor_right for s in scores),
        status_right=sum(s.status_right for s in scores),
        errors=tuple(e for s in scores for e in s.errors),
    )


def evaluate_files(articles_path: Path, gold_path: Path, extractor: Extractor) -> EvaluationReport:
    """Run ``extractor`` on the articles that have gold labels and score them."""
    articles = load_articles(articles_path)
    rows = [row for row in _read_jsonl(gold_path)]
    missing = [row["id"] for row in rows if row["id"] not in articles]
    if missing:
        raise ValueError(f"gold labels for articles not in {articles_path}: {missing[:5]}")
    golds = [parse_gold(row, articles[row["id"]].text) for row in rows]
    extractions = extractor.extract_many(articles[g.id] for g in golds)
    scores = [
        score_article(g, articles[g.id].text, x) for g, x in zip(golds, extractions, strict=True)
    ]
    return combine(scores)


def _row(label: str, counts: Counts) -> str:
    return (
        f"{label:<20} {counts.precision:>6.3f} {counts.recall:>6.3f} {counts.f1:>6.3f}"
        f" {counts.tp:>5} {counts.fp:>5} {counts.fn:>5}"
    )


def render_report(report: EvaluationReport) -> str:
    """A plain-text table: commitments overall and per type, accuracies, entities per type."""
    header = f"{'':<20} {'P':>6} {'R':>6} {'F1':>6} {'TP':>5} {'FP':>5} {'FN':>5}"
    lines = [f"Articles scored: {report.articles}", "", "Commitments", header]
    lines.append(_row("overall", report.commitments_overall))
    lines += [_row(k, v) for k, v in sorted(report.commitments.items())]
    lines += [
        f"actor accuracy  {report.actor_accuracy:.3f} ({report.actor_right}/{report.matched})",
        f"status accuracy {report.status_accuracy:.3f} ({report.status_right}/{report.matched})",
        "",
        "Entities",
        header,
        _row("overall", report.entities_overall),
    ]
    lines += [_row(k, v) for k, v in sorted(report.entities.items())]
    return "\n".join(lines)
